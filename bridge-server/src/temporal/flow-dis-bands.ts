import { sampleClamped } from './image.js';
import type { VariationalParams } from './variational-refinement.js';

/**
 * One DIS pyramid level split into steps, each a set of independent bands of rows, so the level can
 * run on several threads (flow-team.ts) with the same result as on one: the band partition depends
 * only on the image size, never on the thread count, and no band reads what another band of the
 * same step writes.
 *
 *   step 0  first derivatives of I0 and I1            (pixel-row bands)
 *   step 1  patch template statistics                   (patch-row bands)
 *           + second derivatives                        (pixel-row bands, after the patch bands)
 *   step 2  patch search                                (patch-row bands)
 *   step 3  densification + linearised data terms T     (pixel-row bands)
 *   step 4+f  variational fixed-point iteration f       (pixel-row bands)
 *
 * Propagation in the search and Gauss–Seidel sweeps in the refinement are sequential over rows; a
 * band runs them over its rows plus a margin of rows on either side (computed privately, thrown
 * away), so its first rows see results propagated from above almost as in one sequential pass. At
 * the margin's edge the refinement reads the previous fixed-point iteration (a Jacobi step).
 *
 * Every array lives in the state, so with workers the state is allocated on SharedArrayBuffers and
 * posted once per level; scratch space is per thread.
 */
export interface DisLevelState extends VariationalParams {
  w: number;
  h: number;
  ps: number;
  nx: number;
  ny: number;
  xs: Int32Array;
  ys: Int32Array;
  gdIterations: number;
  /** Band boundaries: pixel rows (length K+1) and patch rows (length Kp+1). */
  rowBands: Int32Array;
  patchBands: Int32Array;
  /** Extra rows a band computes on either side: pixel rows (refinement) and patch rows (search). */
  rowMargin: number;
  patchMargin: number;
  d0: Float32Array;
  d1: Float32Array;
  hole0: Uint8Array | null;
  hole1: Uint8Array | null;
  g0x: Float32Array; g0y: Float32Array; g1x: Float32Array; g1y: Float32Array;
  g0xx: Float32Array; g0xy: Float32Array; g0yy: Float32Array; g1xx: Float32Array; g1xy: Float32Array; g1yy: Float32Array;
  /** In: initial flow (upsampled coarser level). After step 3: the densified patch flow. */
  U: Float32Array;
  V: Float32Array;
  /** Out: refined flow. */
  Uo: Float32Array;
  Vo: Float32Array;
  Hxx: Float32Array; Hxy: Float32Array; Hyy: Float32Array; mgx: Float32Array; mgy: Float32Array;
  /** Patch displacements: initial (flow at the patch centre) and searched. */
  S0x: Float32Array; S0y: Float32Array; Sx: Float32Array; Sy: Float32Array; ok: Uint8Array; cntK: Float32Array;
  /** Linearised data terms, 8 per pixel (see dataTermsBand), and whether the pixel has a data term. */
  T: Float32Array;
  inside: Uint8Array;
  /** Flow increments (du, dv interleaved), double-buffered across fixed-point iterations. */
  DA: Float32Array;
  DB: Float32Array;
}

/** Steps of a level: 4 + the fixed-point iterations (0 when the level is not refined). */
export function levelSteps(s: DisLevelState): number {
  return 4 + (refines(s) ? s.fixedPointIterations : 0);
}

export function refines(s: DisLevelState): boolean {
  return s.fixedPointIterations > 0 && s.w >= 3 && s.h >= 3;
}

/** Bands in a step. */
export function stepBands(s: DisLevelState, step: number): number {
  const K = s.rowBands.length - 1, Kp = s.patchBands.length - 1;
  return step === 1 ? Kp + K : step === 2 ? Kp : K;
}

/** Split n rows into bands of about `target` rows (at most `max` bands, at least 1). */
export function bandBounds(n: number, target: number, max: number): Int32Array {
  const k = Math.max(1, Math.min(max, Math.floor(n / target)));
  const out = new Int32Array(k + 1);
  for (let b = 0; b <= k; b++) out[b] = Math.round((b * n) / k);
  return out;
}

export function patchPositions(size: number, ps: number, stride: number): Int32Array {
  const out: number[] = [];
  for (let p = 0; p + ps <= size; p += stride) out.push(p);
  if (out.length === 0) out.push(0);
  if (out[out.length - 1] + ps < size) out.push(size - ps);
  return Int32Array.from(out);
}

/** Run band `band` of step `step` (any thread, any order within a step). */
export function execDisBand(s: DisLevelState, step: number, band: number): void {
  const K = s.rowBands.length - 1;
  if (step === 0) {
    const y0 = s.rowBands[band], y1 = s.rowBands[band + 1];
    gradRows(s.d0, s.w, s.h, y0, y1, s.g0x, s.g0y);
    gradRows(s.d1, s.w, s.h, y0, y1, s.g1x, s.g1y);
  } else if (step === 1) {
    const Kp = s.patchBands.length - 1;
    if (band < Kp) { patchStats(s, s.patchBands[band], s.patchBands[band + 1]); return; }
    const b = band - Kp;
    const y0 = s.rowBands[b], y1 = s.rowBands[b + 1];
    if (!refines(s)) return;
    gradRows(s.g0x, s.w, s.h, y0, y1, s.g0xx, s.g0xy);
    gradYRows(s.g0y, s.w, s.h, y0, y1, s.g0yy);
    gradRows(s.g1x, s.w, s.h, y0, y1, s.g1xx, s.g1xy);
    gradYRows(s.g1y, s.w, s.h, y0, y1, s.g1yy);
  } else if (step === 2) {
    searchBand(s, s.patchBands[band], s.patchBands[band + 1]);
  } else if (step === 3) {
    const y0 = s.rowBands[band], y1 = s.rowBands[band + 1];
    densifyBand(s, y0, y1);
    if (refines(s)) dataTermsBand(s, y0, y1);
    else { s.Uo.set(s.U.subarray(y0 * s.w, y1 * s.w), y0 * s.w); s.Vo.set(s.V.subarray(y0 * s.w, y1 * s.w), y0 * s.w); }
  } else if (band < K) {
    fixedPointBand(s, step - 4, s.rowBands[band], s.rowBands[band + 1]);
  }
}

/** Central-difference gradients with clamped borders (as image.ts gradients), rows y0..y1-1. */
function gradRows(s: Float32Array, w: number, h: number, y0: number, y1: number, ox: Float32Array, oy: Float32Array): void {
  for (let y = y0; y < y1; y++) {
    const r = y * w, ru = (y > 0 ? y - 1 : 0) * w, rd = (y < h - 1 ? y + 1 : h - 1) * w;
    const fy = rd - ru === 2 * w ? 0.5 : 1;
    for (let x = 0; x < w; x++) {
      const xl = x > 0 ? x - 1 : 0, xr = x < w - 1 ? x + 1 : w - 1;
      ox[r + x] = (s[r + xr] - s[r + xl]) * (xr - xl === 2 ? 0.5 : 1);
      oy[r + x] = (s[rd + x] - s[ru + x]) * fy;
    }
  }
}

function gradYRows(s: Float32Array, w: number, h: number, y0: number, y1: number, oy: Float32Array): void {
  for (let y = y0; y < y1; y++) {
    const r = y * w, ru = (y > 0 ? y - 1 : 0) * w, rd = (y < h - 1 ? y + 1 : h - 1) * w;
    const fy = rd - ru === 2 * w ? 0.5 : 1;
    for (let x = 0; x < w; x++) oy[r + x] = (s[rd + x] - s[ru + x]) * fy;
  }
}

// ---------------------------------------------------------------------------------------------
// patch search

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

/** Per-patch template statistics (mean-subtracted gradients → Hessian) and initial displacements, patch rows j0..j1-1. */
function patchStats(s: DisLevelState, j0: number, j1: number): void {
  const { w, ps, nx, xs, ys, hole0, U, V, Hxx, Hxy, Hyy, mgx, mgy, S0x, S0y, ok, cntK } = s;
  const gxd = s.g0x, gyd = s.g0y;
  for (let j = j0; j < j1; j++) {
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
      S0x[k] = U[ci]; S0y[k] = V[ci];
    }
  }
}

/**
 * Inverse search for the patch rows j0..j1-1 (run over the rows ja..jb-1 that include the margin,
 * on private copies): a forward pass (raster order; candidates own, left, top) and a backward pass
 * (reverse; own, right, bottom) of inverse-compositional gradient descent.
 */
function searchBand(s: DisLevelState, j0: number, j1: number): void {
  const { w, h, ps, nx, ny, xs, ys, d0, d1, hole0, Hxx, Hxy, Hyy, mgx, mgy, ok } = s;
  const gxd = s.g0x, gyd = s.g0y;
  const ja = Math.max(0, j0 - s.patchMargin), jb = Math.min(ny, j1 + s.patchMargin);
  // private displacements of rows ja..jb-1, indexed by k − off
  const off = ja * nx, m = (jb - ja) * nx;
  const Sx = scratch(5, m, true), Sy = scratch(6, m, true), costs = scratch(7, m, true);
  Sx.set(s.S0x.subarray(off, off + m)); Sy.set(s.S0y.subarray(off, off + m));
  const sc = searchScratch(ps);
  const { diff, row, sums, best } = sc;
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
  /**
   * Gradient descent for patch k from (Sx, Sy). With `have`, `sums` already holds the patch sums at
   * the start point (from choosing the candidate), so the first step needs no new read. Returns the
   * cost at the last evaluated point when it converged (then within 0.01 px of the result), else −1.
   */
  const gd = (k: number, px: number, py: number, iters: number, have: boolean): number => {
    const q = k - off;
    let u = Sx[q], v = Sy[q];
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
        if ((u - u0) * (u - u0) + (v - v0) * (v - v0) > ps * ps) { Sx[q] = u0; Sy[q] = v0; return -1; }
        Sx[q] = u; Sy[q] = v;
        return last;
      }
    }
    if ((u - u0) * (u - u0) + (v - v0) * (v - v0) > ps * ps) { u = u0; v = v0; }
    Sx[q] = u; Sy[q] = v;
    return -1;
  };
  const keep = (): void => { best[0] = sums[0]; best[1] = sums[1]; best[2] = sums[2]; best[3] = sums[3]; };
  const restore = (): void => { sums[0] = best[0]; sums[1] = best[1]; sums[2] = best[2]; sums[3] = best[3]; };
  const iters = s.gdIterations;
  const half = Math.max(1, iters >> 1);
  for (let j = ja; j < jb; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i, q = k - off, px = xs[i], py = ys[j];
      let c0 = cost(px, py, Sx[q], Sy[q]);
      keep();
      if (i > 0) { const c = cost(px, py, Sx[q - 1], Sy[q - 1]); if (c < c0) { c0 = c; keep(); Sx[q] = Sx[q - 1]; Sy[q] = Sy[q - 1]; } }
      if (j > ja) { const c = cost(px, py, Sx[q - nx], Sy[q - nx]); if (c < c0) { c0 = c; keep(); Sx[q] = Sx[q - nx]; Sy[q] = Sy[q - nx]; } }
      restore();
      const c = gd(k, px, py, half, true);
      costs[q] = c >= 0 ? c : cost(px, py, Sx[q], Sy[q]);
    }
  }
  for (let j = jb - 1; j >= j0; j--) {
    for (let i = nx - 1; i >= 0; i--) {
      const k = j * nx + i, q = k - off, px = xs[i], py = ys[j];
      let c0 = costs[q], moved = false;
      if (i < nx - 1) { const c = cost(px, py, Sx[q + 1], Sy[q + 1]); if (c < c0) { c0 = c; keep(); moved = true; Sx[q] = Sx[q + 1]; Sy[q] = Sy[q + 1]; } }
      if (j < jb - 1) { const c = cost(px, py, Sx[q + nx], Sy[q + nx]); if (c < c0) { c0 = c; keep(); moved = true; Sx[q] = Sx[q + nx]; Sy[q] = Sy[q + nx]; } }
      if (moved) restore();
      gd(k, px, py, iters - half, moved);
    }
  }
  s.Sx.set(Sx.subarray((j0 - ja) * nx, (j1 - ja) * nx), j0 * nx);
  s.Sy.set(Sy.subarray((j0 - ja) * nx, (j1 - ja) * nx), j0 * nx);
}

interface SearchScratch { ps: number; diff: Float32Array; row: Float32Array; sums: Float64Array; best: Float64Array }
let searchS: SearchScratch | null = null;
function searchScratch(ps: number): SearchScratch {
  if (!searchS || searchS.ps !== ps) searchS = { ps, diff: new Float32Array(ps * ps), row: new Float32Array(ps), sums: new Float64Array(4), best: new Float64Array(4) };
  return searchS;
}

let scratchF: Float32Array[] = [];
/** Thread-local scratch array `slot` of n floats; zeroed unless `dirty` (the caller writes every entry it reads). */
function scratch(slot: number, n: number, dirty = false): Float32Array {
  let a = scratchF[slot];
  if (!a || a.length < n) { a = new Float32Array(n); scratchF[slot] = a; return a; }
  const v = a.subarray(0, n);
  if (!dirty) v.fill(0);
  return v;
}

/**
 * Densification for pixel rows y0..y1-1: every pixel averages the patches covering it, weighted by
 * photometric fit (residual after removing the patch's mean brightness offset, so exposure change
 * is not penalised). Patches are visited in raster order, as for the whole image.
 */
function densifyBand(s: DisLevelState, y0: number, y1: number): void {
  const { w, h, ps, nx, ny, xs, ys, d0, d1, hole0, Sx, Sy, ok, cntK, U, V } = s;
  const m = (y1 - y0) * w;
  const accU = scratch(0, m), accV = scratch(1, m), accW = scratch(2, m);
  const diff = searchScratch(ps).diff;
  const base = y0 * w;
  for (let j = 0; j < ny; j++) {
    const py = ys[j];
    if (py >= y1 || py + ps <= y0) continue;
    const ya = Math.max(py, y0), yb = Math.min(py + ps, y1);
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i, px = xs[i];
      if (!ok[k]) continue;
      const u = Sx[k], v = Sy[k];
      patchDiff(d0, d1, w, h, px, py, ps, u, v, diff);
      let sum = 0;
      for (let y = 0, o = 0; y < ps; y++) { const r = (py + y) * w + px; for (let x = 0; x < ps; x++, o++) if (!hole0 || !hole0[r + x]) sum += diff[o]; }
      const md = sum / Math.max(1, cntK[k]);
      for (let y = ya, o = (ya - py) * ps; y < yb; y++) {
        const r = y * w + px;
        for (let x = 0; x < ps; x++, o++) {
          let d = diff[o] - md;
          if (d < 0) d = -d;
          // pixels in the unknown region take the patch's vector at a low weight (no photometric evidence)
          const wt = hole0 && hole0[r + x] ? 0.05 : 1 / (d > 1 ? d : 1);
          const a = r + x - base;
          accU[a] += wt * u; accV[a] += wt * v; accW[a] += wt;
        }
      }
    }
  }
  for (let a = 0; a < m; a++) {
    if (accW[a] > 0) { U[base + a] = accU[a] / accW[a]; V[base + a] = accV[a] / accW[a]; }
  }
}

// ---------------------------------------------------------------------------------------------
// variational refinement (see variational-refinement.ts for the model)

const EPS2 = 1e-6;

/**
 * Linearised data terms for rows y0..y1-1, 8 per pixel: Ix Iy Iz Ixx Ixy Iyy Ixz Iyz, from I1's
 * channels sampled at x + (U, V) (bilinear, clamped; the weights are shared by the six channels).
 */
function dataTermsBand(s: DisLevelState, y0: number, y1: number): void {
  const { w, h, U, V, T, inside, hole0, hole1 } = s;
  const d0 = s.d0, g0x = s.g0x, g0y = s.g0y, g0xxd = s.g0xx, g0xyd = s.g0xy, g0yyd = s.g0yy;
  const s0 = s.d1, s1 = s.g1x, s2 = s.g1y, s3 = s.g1xx, s4 = s.g1xy, s5 = s.g1yy;
  const xm = w - 1, ym = h - 1;
  for (let y = y0, i = y0 * w; y < y1; y++) {
    for (let x = 0; x < w; x++, i++) {
      let tx = x + U[i], ty = y + V[i];
      let ins = tx >= 0 && tx <= xm && ty >= 0 && ty <= ym ? 1 : 0;
      if (ins && ((hole0 && hole0[i]) || (hole1 && hole1[Math.round(ty) * w + Math.round(tx)]))) ins = 0;
      inside[i] = ins;
      if (tx < 0) tx = 0; else if (tx > xm) tx = xm;
      if (ty < 0) ty = 0; else if (ty > ym) ty = ym;
      const x0 = tx | 0, yy0 = ty | 0;
      const ax = tx - x0, ay = ty - yy0;
      const w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
      const qa = yy0 * w + x0, qb = qa + (x0 < xm ? 1 : 0), qc = qa + (yy0 < ym ? w : 0), qd = qc + qb - qa;
      const i1 = w00 * s0[qa] + w01 * s0[qb] + w10 * s0[qc] + w11 * s0[qd];
      const i1x = w00 * s1[qa] + w01 * s1[qb] + w10 * s1[qc] + w11 * s1[qd];
      const i1y = w00 * s2[qa] + w01 * s2[qb] + w10 * s2[qc] + w11 * s2[qd];
      const i1xx = w00 * s3[qa] + w01 * s3[qb] + w10 * s3[qc] + w11 * s3[qd];
      const i1xy = w00 * s4[qa] + w01 * s4[qb] + w10 * s4[qc] + w11 * s4[qd];
      const i1yy = w00 * s5[qa] + w01 * s5[qb] + w10 * s5[qc] + w11 * s5[qd];
      const t = 8 * i;
      T[t] = 0.5 * (i1x + g0x[i]);
      T[t + 1] = 0.5 * (i1y + g0y[i]);
      T[t + 2] = i1 - d0[i];
      T[t + 3] = 0.5 * (i1xx + g0xxd[i]);
      T[t + 4] = 0.5 * (i1xy + g0xyd[i]);
      T[t + 5] = 0.5 * (i1yy + g0yyd[i]);
      T[t + 6] = i1x - g0x[i];
      T[t + 7] = i1y - g0y[i];
    }
  }
}

/**
 * Smoothness weight of pixel i (its right and down edges share it) from forward differences of
 * the total flow U + D; D is band-local and padded (index j = local row·w + x, row 0 = the row above).
 */
function edgeWeight(U: Float32Array, V: Float32Array, D: Float32Array, i: number, j: number, w: number, right: boolean, down: boolean, alpha: number): number {
  const ut = U[i] + D[2 * j], vt = V[i] + D[2 * j + 1];
  let ur = 0, ud = 0, vr = 0, vd = 0;
  if (right) { ur = U[i + 1] + D[2 * j + 2] - ut; vr = V[i + 1] + D[2 * j + 3] - vt; }
  if (down) { ud = U[i + w] + D[2 * (j + w)] - ut; vd = V[i + w] + D[2 * (j + w) + 1] - vt; }
  return alpha / (2 * Math.sqrt(ur * ur + ud * ud + vr * vr + vd * vd + EPS2));
}

/** Linearisation of image row y (local index of its first pixel jr): coefficients C of the row. */
function lineariseRow(s: DisLevelState, D: Float32Array, C: Float32Array, y: number, jr: number): void {
  const { w, h, U, V, T, inside, alpha, gamma, delta, omega } = s;
  for (let x = 0, i = y * w, j = jr; x < w; x++, i++, j++) {
    const c = 8 * j;
    const uc = U[i], vc = V[i];
    const dui = D[2 * j], dvi = D[2 * j + 1];
    // this pixel's right and down edges; left and up were set earlier in this pass
    const k = edgeWeight(U, V, D, i, j, w, x < w - 1, y < h - 1, alpha);
    C[c] = x < w - 1 ? k : 0;
    C[c + 1] = y < h - 1 ? k : 0;
    const kl = C[c - 8], kr = C[c], ku = C[c - 8 * w + 1], kd = C[c + 1];
    const sw = kl + kr + ku + kd;
    // neighbours that do not exist have weight 0 (and are not read)
    let su = 0, sv = 0;
    if (kl) { su += kl * (U[i - 1] - uc); sv += kl * (V[i - 1] - vc); }
    if (kr) { su += kr * (U[i + 1] - uc); sv += kr * (V[i + 1] - vc); }
    if (ku) { su += ku * (U[i - w] - uc); sv += ku * (V[i - w] - vc); }
    if (kd) { su += kd * (U[i + w] - uc); sv += kd * (V[i + w] - vc); }
    let a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
    if (inside[i]) {
      const t = 8 * i;
      const ix = T[t], iy = T[t + 1], iz = T[t + 2], ixx = T[t + 3], ixy = T[t + 4], iyy = T[t + 5], ixz = T[t + 6], iyz = T[t + 7];
      const r = iz + ix * dui + iy * dvi;
      const wd = delta / (2 * Math.sqrt(r * r + EPS2));
      const rx = ixz + ixx * dui + ixy * dvi;
      const ry = iyz + ixy * dui + iyy * dvi;
      const wg = gamma / (2 * Math.sqrt(rx * rx + ry * ry + EPS2));
      a11 = wd * ix * ix + wg * (ixx * ixx + ixy * ixy);
      a12 = wd * ix * iy + wg * (ixx * ixy + ixy * iyy);
      a22 = wd * iy * iy + wg * (ixy * ixy + iyy * iyy);
      b1 = -(wd * ix * iz + wg * (ixx * ixz + ixy * iyz));
      b2 = -(wd * iy * iz + wg * (ixy * ixz + iyy * iyz));
    }
    const denU = a11 + sw, denV = a22 + sw;
    C[c + 2] = a12; C[c + 3] = b1 + su; C[c + 4] = b2 + sv;
    C[c + 5] = denU > 1e-12 ? omega / denU : 0;
    C[c + 6] = denV > 1e-12 ? omega / denV : 0;
  }
}

/**
 * One fixed-point iteration for the band rows b0..b1-1: re-linearise (robust weights, per-pixel 2×2
 * system) then SOR sweeps over the band and its margin (rows y0..y1-1), on private increments padded
 * by the rows just outside, which hold the previous iteration's values and stay fixed. Reads D of
 * the previous iteration, writes the band's rows of the next; the last iteration writes the
 * refined flow.
 *
 * Local layout: D (du, dv at 2j, 2j+1) and C (8j..: wx (edge j↔j+1), wy (edge j↔j+w), A12, b1, b2
 * with the smoothness pull of the fixed U, V, ω/(A11+Σw), ω/(A22+Σw), 0: no equation); an edge
 * weight is zero where the edge leaves the image, so the sweep runs without border branches.
 */
function fixedPointBand(s: DisLevelState, f: number, b0: number, b1: number): void {
  const { w, h, U, V, alpha, omega } = s;
  const y0 = Math.max(0, b0 - s.rowMargin), y1 = Math.min(h, b1 + s.rowMargin);
  const bh = y1 - y0, n = bh * w;
  const Dprev = f % 2 === 0 ? s.DA : s.DB, Dnext = f % 2 === 0 ? s.DB : s.DA;
  // every entry read is written below: the band's rows of C in the linearisation, the row above
  // here, D from the previous iteration or zero outside the image
  const D = scratch(3, 2 * (n + 2 * w), true), C = scratch(4, 8 * (n + 2 * w), true);
  // halo rows above and below (zero outside the image), then the band
  D.set(Dprev.subarray(2 * Math.max(0, y0 - 1) * w, 2 * Math.min(h, y1 + 1) * w), y0 > 0 ? 0 : 2 * w);
  if (y0 === 0) D.fill(0, 0, 2 * w);
  if (y1 === h) D.fill(0, 2 * (w + n), 2 * (2 * w + n));
  C.fill(0, 0, 8 * w);
  if (y0 > 0) {
    // down-edge weight of the row above (the band's first row reads it as its up weight)
    const iu = (y0 - 1) * w;
    for (let x = 0; x < w; x++) C[8 * x + 1] = edgeWeight(U, V, D, iu + x, x, w, x < w - 1, true, alpha);
  }
  // Linearise row r, then sweep 1 on row r, sweep 2 on row r−1, …: every row sees exactly what it
  // sees in whole passes (linearisation reads only this row and the unswept row below, sweep k of a
  // row reads the row above after sweep k and the row below after sweep k−1), but the rows in use
  // stay in cache instead of streaming the band through memory once per sweep.
  const om1 = 1 - omega, S = s.sorIterations;
  for (let r = 0; r < bh + S - 1; r++) {
    if (r < bh) lineariseRow(s, D, C, y0 + r, w * (1 + r));
    for (let it = 0; it < S; it++) {
      const row = r - it;
      if (row >= 0 && row < bh) sorRow(w, w * (1 + row), D, C, om1);
    }
  }
  // the band's own rows (local row 1 + b0 − y0 on)
  const jb = w * (1 + b0 - y0);
  if (f < s.fixedPointIterations - 1) {
    Dnext.set(D.subarray(2 * jb, 2 * (jb + (b1 - b0) * w)), 2 * b0 * w);
  } else {
    const { Uo, Vo } = s;
    for (let i = b0 * w, j = jb, e = b1 * w; i < e; i++, j++) { Uo[i] = U[i] + D[2 * j]; Vo[i] = V[i] + D[2 * j + 1]; }
  }
}

/** One SOR sweep over the row of the padded increments D starting at local index jr, with the coefficients C. */
function sorRow(w: number, jr: number, D: Float32Array, C: Float32Array, om1: number): void {
  for (let j = jr, e = jr + w; j < e; j++) {
    const c = 8 * j, d = 2 * j;
    const kl = C[c - 8], kr = C[c], ku = C[c - 8 * w + 1], kd = C[c + 1];
    const a12 = C[c + 2];
    const ru = C[c + 5];
    // a pixel with no equation keeps its increment
    if (ru !== 0) D[d] = om1 * D[d] + (C[c + 3] - a12 * D[d + 1] + kl * D[d - 2] + kr * D[d + 2] + ku * D[d - 2 * w] + kd * D[d + 2 * w]) * ru;
    const rv = C[c + 6];
    if (rv !== 0) D[d + 1] = om1 * D[d + 1] + (C[c + 4] - a12 * D[d] + kl * D[d - 1] + kr * D[d + 3] + ku * D[d - 2 * w + 1] + kd * D[d + 2 * w + 1]) * rv;
  }
}
