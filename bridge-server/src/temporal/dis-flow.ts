import { downsample2, gradients, sampleClamped } from './image.js';
import { createFlow, type FlowField, type Plane } from './types.js';
import { DEFAULT_VARIATIONAL, refineFlow, type VariationalParams } from './variational-refinement.js';

/**
 * Dense Inverse Search optical flow (Kroeger et al., ECCV 2016), the method behind OpenCV's DIS:
 * per pyramid level, a grid of overlapping patches each finds its displacement by inverse-
 * compositional Lucas–Kanade on mean-normalised patches (robust to brightness offsets), with
 * spatial propagation of neighbours' results; patches are averaged into a dense field weighted by
 * their photometric fit, then a variational refinement smooths and sharpens it.
 */
export interface DisParams {
  patchSize: number;
  patchStride: number;
  gradientDescentIterations: number;
  /** Finest pyramid level computed (0 = full working resolution); finer levels are upsampled. */
  finestScale: number;
  /** Coarsest level; undefined = chosen from the image size. */
  coarsestScale?: number;
  variational: VariationalParams;
}

export const DIS_QUALITY: DisParams = { patchSize: 8, patchStride: 4, gradientDescentIterations: 16, finestScale: 0, variational: DEFAULT_VARIATIONAL };
/**
 * OpenCV's PRESET_MEDIUM: patch 8, stride 3, 25 gradient-descent iterations, 5 refinement
 * iterations (α 20, δ 5, γ 10). OpenCV stops one level above full resolution; at the 960 working
 * size of 1080p footage (flowInput's default) level 0 is that same resolution, so finestScale is 0
 * here. One deliberate difference: 3 SOR sweeps at ω 1.8 instead of 5 at 1.6 (measured on the
 * 1080p sample scene: lower endpoint error and faster, the 5 sweeps at 1.6 leave the solve short).
 */
export const DIS_MEDIUM: DisParams = { patchSize: 8, patchStride: 3, gradientDescentIterations: 25, finestScale: 0, variational: { ...DEFAULT_VARIATIONAL, fixedPointIterations: 5, sorIterations: 3, omega: 1.8 } };
export const DIS_FAST: DisParams = { patchSize: 8, patchStride: 5, gradientDescentIterations: 8, finestScale: 2, variational: { ...DEFAULT_VARIATIONAL, fixedPointIterations: 3 } };

function patchPositions(size: number, ps: number, stride: number): Int32Array {
  const out: number[] = [];
  for (let p = 0; p + ps <= size; p += stride) out.push(p);
  if (out.length === 0) out.push(0);
  if (out[out.length - 1] + ps < size) out.push(size - ps);
  return Int32Array.from(out);
}

/**
 * I1 sampled over the ps×ps patch at (px,py) displaced by (u,v), minus I0: out[y*ps+x]. The
 * displacement is constant over a patch, so the bilinear weights are computed once and the patch
 * is read with plain index arithmetic; only patches reaching past the border take the clamped path.
 */
function patchDiff(d0: Float32Array, d1: Float32Array, w: number, h: number, px: number, py: number, ps: number, u: number, v: number, out: Float32Array): void {
  const tx = px + u, ty = py + v;
  const x0 = Math.floor(tx), y0 = Math.floor(ty);
  if (x0 >= 0 && y0 >= 0 && x0 + ps < w && y0 + ps < h) {
    const ax = tx - x0, ay = ty - y0;
    const w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
    for (let y = 0, o = 0; y < ps; y++) {
      let q = (y0 + y) * w + x0;
      const r = (py + y) * w + px;
      for (let x = 0; x < ps; x++, q++, o++) out[o] = w00 * d1[q] + w01 * d1[q + 1] + w10 * d1[q + w] + w11 * d1[q + w + 1] - d0[r + x];
    }
    return;
  }
  for (let y = 0, o = 0; y < ps; y++) {
    const r = (py + y) * w + px;
    for (let x = 0; x < ps; x++, o++) out[o] = sampleClamped(d1, w, h, tx + x, ty + y) - d0[r + x];
  }
}

/** Mean-normalised SSD of a patch difference (pixels in the unknown region skipped). */
function diffCost(diff: Float32Array, ps: number, hole: Uint8Array | null, w: number, px: number, py: number): number {
  let s = 0, s2 = 0, n = 0;
  if (hole === null) {
    for (let i = 0, m = ps * ps; i < m; i++) { const d = diff[i]; s += d; s2 += d * d; }
    n = ps * ps;
  } else {
    for (let y = 0, o = 0; y < ps; y++) {
      const r = (py + y) * w + px;
      for (let x = 0; x < ps; x++, o++) { if (hole[r + x]) continue; const d = diff[o]; s += d; s2 += d * d; n++; }
    }
  }
  return n ? s2 / n - (s / n) * (s / n) : 0;
}

/**
 * Sums over the ps×ps patch at (px,py) of d = I1(p + (u,v)) − I0(p), for a patch with no unknown
 * pixels: out = [Σd, Σd², Σ gx·d, Σ gy·d]. Each row of I1 is interpolated horizontally once and
 * reused for the next output row, so a sample costs two loads instead of four.
 */
function patchSums(d0: Float32Array, d1: Float32Array, gxd: Float32Array, gyd: Float32Array, w: number, h: number, px: number, py: number, ps: number, u: number, v: number, row: Float32Array, diff: Float32Array, out: Float64Array): void {
  const tx = px + u, ty = py + v;
  const x0 = Math.floor(tx), y0 = Math.floor(ty);
  let s = 0, s2 = 0, sx = 0, sy = 0;
  if (ps === 8 && x0 >= 0 && y0 >= 0 && x0 + 8 < w && y0 + 8 < h) {
    // the usual 8×8 patch, unrolled: the interpolated rows stay in registers
    const ax = tx - x0, ay = ty - y0, bx = 1 - ax, by = 1 - ay;
    let q = y0 * w + x0;
    let a0 = d1[q], a1 = d1[q + 1], a2 = d1[q + 2], a3 = d1[q + 3], a4 = d1[q + 4], a5 = d1[q + 5], a6 = d1[q + 6], a7 = d1[q + 7], a8 = d1[q + 8];
    let h0 = bx * a0 + ax * a1, h1 = bx * a1 + ax * a2, h2 = bx * a2 + ax * a3, h3 = bx * a3 + ax * a4, h4 = bx * a4 + ax * a5, h5 = bx * a5 + ax * a6, h6 = bx * a6 + ax * a7, h7 = bx * a7 + ax * a8;
    let r = py * w + px;
    for (let y = 0; y < 8; y++, r += w) {
      q += w;
      a0 = d1[q]; a1 = d1[q + 1]; a2 = d1[q + 2]; a3 = d1[q + 3]; a4 = d1[q + 4]; a5 = d1[q + 5]; a6 = d1[q + 6]; a7 = d1[q + 7]; a8 = d1[q + 8];
      const n0 = bx * a0 + ax * a1, n1 = bx * a1 + ax * a2, n2 = bx * a2 + ax * a3, n3 = bx * a3 + ax * a4, n4 = bx * a4 + ax * a5, n5 = bx * a5 + ax * a6, n6 = bx * a6 + ax * a7, n7 = bx * a7 + ax * a8;
      let d;
      d = by * h0 + ay * n0 - d0[r]; s += d; s2 += d * d; sx += gxd[r] * d; sy += gyd[r] * d;
      d = by * h1 + ay * n1 - d0[r + 1]; s += d; s2 += d * d; sx += gxd[r + 1] * d; sy += gyd[r + 1] * d;
      d = by * h2 + ay * n2 - d0[r + 2]; s += d; s2 += d * d; sx += gxd[r + 2] * d; sy += gyd[r + 2] * d;
      d = by * h3 + ay * n3 - d0[r + 3]; s += d; s2 += d * d; sx += gxd[r + 3] * d; sy += gyd[r + 3] * d;
      d = by * h4 + ay * n4 - d0[r + 4]; s += d; s2 += d * d; sx += gxd[r + 4] * d; sy += gyd[r + 4] * d;
      d = by * h5 + ay * n5 - d0[r + 5]; s += d; s2 += d * d; sx += gxd[r + 5] * d; sy += gyd[r + 5] * d;
      d = by * h6 + ay * n6 - d0[r + 6]; s += d; s2 += d * d; sx += gxd[r + 6] * d; sy += gyd[r + 6] * d;
      d = by * h7 + ay * n7 - d0[r + 7]; s += d; s2 += d * d; sx += gxd[r + 7] * d; sy += gyd[r + 7] * d;
      h0 = n0; h1 = n1; h2 = n2; h3 = n3; h4 = n4; h5 = n5; h6 = n6; h7 = n7;
    }
  } else if (x0 >= 0 && y0 >= 0 && x0 + ps < w && y0 + ps < h) {
    const ax = tx - x0, ay = ty - y0, bx = 1 - ax, by = 1 - ay;
    let q = y0 * w + x0;
    for (let x = 0; x < ps; x++) row[x] = bx * d1[q + x] + ax * d1[q + x + 1];
    for (let y = 0; y < ps; y++) {
      q += w;
      const r = (py + y) * w + px;
      for (let x = 0; x < ps; x++) {
        const nr = bx * d1[q + x] + ax * d1[q + x + 1];
        const d = by * row[x] + ay * nr - d0[r + x];
        row[x] = nr;
        s += d; s2 += d * d; sx += gxd[r + x] * d; sy += gyd[r + x] * d;
      }
    }
  } else {
    patchDiff(d0, d1, w, h, px, py, ps, u, v, diff);
    for (let y = 0, o = 0; y < ps; y++) {
      const r = (py + y) * w + px;
      for (let x = 0; x < ps; x++, o++) { const d = diff[o]; s += d; s2 += d * d; sx += gxd[r + x] * d; sy += gyd[r + x] * d; }
    }
  }
  out[0] = s; out[1] = s2; out[2] = sx; out[3] = sy;
}

/** One DIS level: U, V hold the initial dense flow at this level and receive the result. */
function disLevel(I0: Plane, I1: Plane, U: Float32Array, V: Float32Array, p: DisParams, hole0: Uint8Array | null, hole1: Uint8Array | null): void {
  const w = I0.width, h = I0.height;
  const ps = Math.min(p.patchSize, w, h);
  const xs = patchPositions(w, ps, p.patchStride), ys = patchPositions(h, ps, p.patchStride);
  const nx = xs.length, ny = ys.length, np = nx * ny;
  const d0 = I0.data, d1 = I1.data;
  const { gx, gy } = gradients(I0);
  const gxd = gx.data, gyd = gy.data;
  // per-patch template statistics (mean-subtracted gradients → Hessian)
  const Hxx = new Float32Array(np), Hxy = new Float32Array(np), Hyy = new Float32Array(np), mgx = new Float32Array(np), mgy = new Float32Array(np);
  const Sx = new Float32Array(np), Sy = new Float32Array(np), Sd = new Float32Array(np);
  const ok = new Uint8Array(np), cntK = new Float32Array(np);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i, px = xs[i], py = ys[j];
      let sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, n = 0;
      for (let y = 0; y < ps; y++) {
        const r = (py + y) * w + px;
        for (let x = 0; x < ps; x++) {
          if (hole0 && hole0[r + x]) continue;
          const a = gxd[r + x], b = gyd[r + x];
          sx += a; sy += b; sxx += a * a; sxy += a * b; syy += b * b; n++;
        }
      }
      // a patch mostly inside the unknown region says nothing about the motion
      ok[k] = n >= (ps * ps) / 4 ? 1 : 0;
      cntK[k] = n;
      if (n === 0) n = 1;
      mgx[k] = sx / n; mgy[k] = sy / n;
      Hxx[k] = sxx - (sx * sx) / n; Hxy[k] = sxy - (sx * sy) / n; Hyy[k] = syy - (sy * sy) / n;
      const c = (ps >> 1);
      const ci = (py + c) * w + px + c;
      Sx[k] = U[ci]; Sy[k] = V[ci];
    }
  }
  const diff = new Float32Array(ps * ps), row = new Float32Array(ps), sums = new Float64Array(4);
  const nps = ps * ps;
  const cost = hole0 === null
    ? (px: number, py: number, u: number, v: number): number => {
      patchSums(d0, d1, gxd, gyd, w, h, px, py, ps, u, v, row, diff, sums);
      const m = sums[0] / nps;
      return sums[1] / nps - m * m;
    }
    : (px: number, py: number, u: number, v: number): number => {
      patchDiff(d0, d1, w, h, px, py, ps, u, v, diff);
      return diffCost(diff, ps, hole0, w, px, py);
    };
  const costs = new Float32Array(np);
  const best = new Float64Array(4);
  /**
   * Gradient descent for patch k from (Sx, Sy). With `have`, `sums` already holds the patch sums at
   * the start point (from choosing the candidate), so the first step needs no new read. Returns the
   * cost at the last evaluated point when it converged (then within 0.01 px of the result), else −1.
   */
  const gd = (k: number, px: number, py: number, iters: number, have: boolean): number => {
    let u = Sx[k], v = Sy[k];
    const u0 = u, v0 = v;
    if (!ok[k]) return -1;
    const hxx = Hxx[k] + 1e-2, hxy = Hxy[k], hyy = Hyy[k] + 1e-2;
    const det = hxx * hyy - hxy * hxy;
    if (!(det > 1e-6)) return -1;
    const mx = mgx[k], my = mgy[k];
    let last = -1;
    for (let it = 0; it < iters; it++) {
      let bx = 0, by = 0;
      if (hole0 === null) {
        if (it > 0 || !have) patchSums(d0, d1, gxd, gyd, w, h, px, py, ps, u, v, row, diff, sums);
        // Σ (g − mean g)·d = Σ g·d − mean g · Σ d
        bx = sums[2] - mx * sums[0]; by = sums[3] - my * sums[0];
        const m = sums[0] / nps;
        last = sums[1] / nps - m * m;
      } else {
        patchDiff(d0, d1, w, h, px, py, ps, u, v, diff);
        for (let y = 0, o = 0; y < ps; y++) {
          const r = (py + y) * w + px;
          for (let x = 0; x < ps; x++, o++) { if (hole0[r + x]) continue; const d = diff[o]; bx += (gxd[r + x] - mx) * d; by += (gyd[r + x] - my) * d; }
        }
      }
      const dx = (hyy * bx - hxy * by) / det, dy = (hxx * by - hxy * bx) / det;
      u -= dx; v -= dy;
      if (dx * dx + dy * dy < 1e-4) {
        // a patch that wandered further than its own size has diverged: keep the initial guess
        if ((u - u0) * (u - u0) + (v - v0) * (v - v0) > ps * ps) { Sx[k] = u0; Sy[k] = v0; return -1; }
        Sx[k] = u; Sy[k] = v;
        return last;
      }
    }
    if ((u - u0) * (u - u0) + (v - v0) * (v - v0) > ps * ps) { u = u0; v = v0; }
    Sx[k] = u; Sy[k] = v;
    return -1;
  };
  const keep = (): void => { best[0] = sums[0]; best[1] = sums[1]; best[2] = sums[2]; best[3] = sums[3]; };
  const restore = (): void => { sums[0] = best[0]; sums[1] = best[1]; sums[2] = best[2]; sums[3] = best[3]; };
  const iters = p.gradientDescentIterations;
  const half = Math.max(1, iters >> 1);
  // forward pass: raster order, candidates = own init, left, top
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i, px = xs[i], py = ys[j];
      let c0 = cost(px, py, Sx[k], Sy[k]);
      keep();
      if (i > 0) { const c = cost(px, py, Sx[k - 1], Sy[k - 1]); if (c < c0) { c0 = c; keep(); Sx[k] = Sx[k - 1]; Sy[k] = Sy[k - 1]; } }
      if (j > 0) { const c = cost(px, py, Sx[k - nx], Sy[k - nx]); if (c < c0) { c0 = c; keep(); Sx[k] = Sx[k - nx]; Sy[k] = Sy[k - nx]; } }
      restore();
      const c = gd(k, px, py, half, true);
      costs[k] = c >= 0 ? c : cost(px, py, Sx[k], Sy[k]);
    }
  }
  // backward pass: reverse order, candidates = own, right, bottom
  for (let j = ny - 1; j >= 0; j--) {
    for (let i = nx - 1; i >= 0; i--) {
      const k = j * nx + i, px = xs[i], py = ys[j];
      let c0 = costs[k], moved = false;
      if (i < nx - 1) { const c = cost(px, py, Sx[k + 1], Sy[k + 1]); if (c < c0) { c0 = c; keep(); moved = true; Sx[k] = Sx[k + 1]; Sy[k] = Sy[k + 1]; } }
      if (j < ny - 1) { const c = cost(px, py, Sx[k + nx], Sy[k + nx]); if (c < c0) { c0 = c; keep(); moved = true; Sx[k] = Sx[k + nx]; Sy[k] = Sy[k + nx]; } }
      if (moved) restore();
      gd(k, px, py, iters - half, moved);
    }
  }
  // densification: every pixel averages the patches covering it, weighted by photometric fit
  // (residual after removing the patch's mean brightness offset, so exposure change is not penalised)
  const accU = new Float32Array(w * h), accV = new Float32Array(w * h), accW = new Float32Array(w * h);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i, px = xs[i], py = ys[j];
      if (!ok[k]) continue;
      const u = Sx[k], v = Sy[k];
      patchDiff(d0, d1, w, h, px, py, ps, u, v, diff);
      let s = 0;
      for (let y = 0, o = 0; y < ps; y++) { const r = (py + y) * w + px; for (let x = 0; x < ps; x++, o++) if (!hole0 || !hole0[r + x]) s += diff[o]; }
      const md = s / Math.max(1, cntK[k]);
      Sd[k] = md;
      for (let y = 0, o = 0; y < ps; y++) {
        const r = (py + y) * w + px;
        for (let x = 0; x < ps; x++, o++) {
          let d = diff[o] - md;
          if (d < 0) d = -d;
          // pixels in the unknown region take the patch's vector at a low weight (no photometric evidence)
          const wt = hole0 && hole0[r + x] ? 0.05 : 1 / (d > 1 ? d : 1);
          accU[r + x] += wt * u; accV[r + x] += wt * v; accW[r + x] += wt;
        }
      }
    }
  }
  for (let i = 0; i < w * h; i++) {
    if (accW[i] > 0) { U[i] = accU[i] / accW[i]; V[i] = accV[i] / accW[i]; }
  }
  refineFlow(I0, I1, U, V, p.variational, hole0, hole1);
}

/** Half-size hole: a coarse pixel is unknown when any of its children is. */
function downsampleHole(m: Uint8Array | null, w: number, h: number): Uint8Array | null {
  if (!m) return null;
  const w2 = Math.max(1, w >> 1), h2 = Math.max(1, h >> 1);
  const out = new Uint8Array(w2 * h2);
  for (let y = 0; y < h2; y++) for (let x = 0; x < w2; x++) {
    const xa = Math.min(w - 1, 2 * x), xb = Math.min(w - 1, 2 * x + 1), ya = Math.min(h - 1, 2 * y), yb = Math.min(h - 1, 2 * y + 1);
    out[y * w2 + x] = m[ya * w + xa] | m[ya * w + xb] | m[yb * w + xa] | m[yb * w + xb];
  }
  return out;
}

/** Bilinear 2x upsampling of a flow onto a (w, h) grid; vectors are scaled by the size ratio. */
export function upsampleFlowTo(f: FlowField, w: number, h: number): FlowField {
  const out = createFlow(w, h);
  const fw = f.width, fh = f.height, fu = f.u, fv = f.v, ou = out.u, ov = out.v;
  const sx = fw / w, sy = fh / h;
  const kx = w / fw, ky = h / fh;
  // source column of every output column, computed once (bilinear, clamped)
  const cx0 = new Int32Array(w), cx1 = new Int32Array(w), cax = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    let fx = (x + 0.5) * sx - 0.5;
    if (fx < 0) fx = 0; else if (fx > fw - 1) fx = fw - 1;
    const x0 = fx | 0;
    cx0[x] = x0; cx1[x] = x0 + 1 < fw ? x0 + 1 : x0; cax[x] = fx - x0;
  }
  for (let y = 0, i = 0; y < h; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0; else if (fy > fh - 1) fy = fh - 1;
    const y0 = fy | 0, ay = fy - y0;
    const r0 = y0 * fw, r1 = (y0 + 1 < fh ? y0 + 1 : y0) * fw;
    for (let x = 0; x < w; x++, i++) {
      const a0 = cx0[x], a1 = cx1[x], ax = cax[x];
      const ut = fu[r0 + a0] + (fu[r0 + a1] - fu[r0 + a0]) * ax, ub = fu[r1 + a0] + (fu[r1 + a1] - fu[r1 + a0]) * ax;
      const vt = fv[r0 + a0] + (fv[r0 + a1] - fv[r0 + a0]) * ax, vb = fv[r1 + a0] + (fv[r1 + a1] - fv[r1 + a0]) * ax;
      ou[i] = (ut + (ub - ut) * ay) * kx;
      ov[i] = (vt + (vb - vt) * ay) * ky;
    }
  }
  return out;
}

/**
 * DIS flow from grey image a (0..255) to b, same size. Returns F_{a→b} at the size of a.
 * Optional hole masks (1 = unknown pixel) keep removed content out of the estimate: they carry no
 * data term, so the flow there is interpolated by the smoothness term.
 */
export function disFlow(a: Plane, b: Plane, p: DisParams = DIS_QUALITY, holeA?: Uint8Array | null, holeB?: Uint8Array | null): FlowField {
  const pa: Plane[] = [a], pb: Plane[] = [b];
  const ha: (Uint8Array | null)[] = [holeA ?? null], hb: (Uint8Array | null)[] = [holeB ?? null];
  const minSide = Math.min(a.width, a.height);
  const auto = Math.max(0, Math.floor(Math.log2(minSide / (3 * p.patchSize))));
  const coarsest = Math.max(p.finestScale, p.coarsestScale ?? auto);
  for (let l = 1; l <= coarsest; l++) {
    pa.push(downsample2(pa[l - 1])); pb.push(downsample2(pb[l - 1]));
    ha.push(downsampleHole(ha[l - 1], pa[l - 1].width, pa[l - 1].height)); hb.push(downsampleHole(hb[l - 1], pb[l - 1].width, pb[l - 1].height));
  }
  let flow = createFlow(pa[coarsest].width, pa[coarsest].height);
  for (let l = coarsest; l >= p.finestScale; l--) {
    const A = pa[l], B = pb[l];
    if (flow.width !== A.width || flow.height !== A.height) flow = upsampleFlowTo(flow, A.width, A.height);
    disLevel(A, B, flow.u, flow.v, p, ha[l], hb[l]);
  }
  if (flow.width !== a.width || flow.height !== a.height) flow = upsampleFlowTo(flow, a.width, a.height);
  return flow;
}
