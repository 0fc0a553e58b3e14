// AssemblyScript source of the DIS optical-flow kernels (temporal/flow-dis-bands.ts runs them).
// Built into bridge-server/src/temporal/dis-kernels.wasm by `npm run build:wasm`
// (scripts/build-wasm.mjs); a test checks that the committed binary is this source's build.
//
// Every kernel works on one band of one pyramid level. The level's arrays live in the module's
// (shared) linear memory; a header of 32-bit words describes them (layout below, written by
// writeLevelHeader in flow-dis-bands.ts). Each thread has its own instance, so the module globals
// below are per thread; a band's scratch space is its own region of the header's scratch block.
// Arithmetic is float32 (as OpenCV's DIS), with 128-bit SIMD on the patch loops.

// header word indices (keep in step with HEADER in flow-dis-bands.ts)
const H_W = 0, H_H = 1, H_PS = 2, H_NX = 3, H_NY = 4, H_GD = 5, H_FPI = 6, H_SOR = 7;
const H_OMEGA = 8, H_ALPHA = 9, H_GAMMA = 10, H_DELTA = 11; // float32 bit patterns
const H_ROWM = 12, H_PATCHM = 13, H_SCRATCH = 14, H_SCRATCH_BYTES = 15;
const H_XS = 16, H_YS = 17, H_D0 = 18, H_D1 = 19, H_HOLE0 = 20, H_HOLE1 = 21;
const H_G0X = 22, H_G0Y = 23, H_G1X = 24, H_G1Y = 25, H_G0XX = 26, H_G0XY = 27, H_G0YY = 28, H_G1XX = 29, H_G1XY = 30, H_G1YY = 31;
const H_U = 32, H_V = 33, H_UO = 34, H_VO = 35, H_HXX = 36, H_HXY = 37, H_HYY = 38, H_MGX = 39, H_MGY = 40;
const H_S0X = 41, H_S0Y = 42, H_SX = 43, H_SY = 44, H_OK = 45, H_CNTK = 46, H_T = 47, H_INSIDE = 48, H_DA = 49, H_DB = 50;

@inline function ld(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
@inline function st(p: usize, i: i32, v: f32): void { store<f32>(p + (<usize>i << 2), v); }
@inline function ldi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function ldb(p: usize, i: i32): i32 { return <i32>load<u8>(p + <usize>i); }
@inline function stb(p: usize, i: i32, v: i32): void { store<u8>(p + <usize>i, <u8>v); }
@inline function hi(hdr: usize, k: i32): i32 { return load<i32>(hdr + (<usize>k << 2)); }
@inline function hp(hdr: usize, k: i32): usize { return <usize>load<u32>(hdr + (<usize>k << 2)); }
@inline function hf(hdr: usize, k: i32): f32 { return load<f32>(hdr + (<usize>k << 2)); }
@inline function al16(bytes: usize): usize { return (bytes + 15) & ~(<usize>15); }
@inline function hsum(v: v128): f64 {
  return <f64>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + <f64>(f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
/** Start of band b's scratch region. */
@inline function scratchOf(hdr: usize, band: i32): usize { return hp(hdr, H_SCRATCH) + <usize>band * <usize>hi(hdr, H_SCRATCH_BYTES); }

// ---------------------------------------------------------------------------------------------
// derivatives

/** Central differences with clamped borders, rows y0..y1-1: d/dx into ox (unless 0), d/dy into oy. */
function gradRows(s: usize, w: i32, h: i32, y0: i32, y1: i32, ox: usize, oy: usize): void {
  const half = f32x4.splat(0.5);
  for (let y = y0; y < y1; y++) {
    const r = y * w, ru = (y > 0 ? y - 1 : 0) * w, rd = (y < h - 1 ? y + 1 : h - 1) * w;
    const fy: f32 = rd - ru == 2 * w ? 0.5 : 1;
    const vfy = f32x4.splat(fy);
    let x = 0;
    for (; x + 4 <= w; x += 4) {
      v128.store(oy + (<usize>(r + x) << 2), f32x4.mul(f32x4.sub(v128.load(s + (<usize>(rd + x) << 2)), v128.load(s + (<usize>(ru + x) << 2))), vfy));
    }
    for (; x < w; x++) st(oy, r + x, (ld(s, rd + x) - ld(s, ru + x)) * fy);
    if (ox == 0) continue;
    if (w < 3) {
      for (x = 0; x < w; x++) { const xl = x > 0 ? x - 1 : 0, xr = x < w - 1 ? x + 1 : w - 1; st(ox, r + x, (ld(s, r + xr) - ld(s, r + xl)) * (xr - xl == 2 ? <f32>0.5 : <f32>1)); }
      continue;
    }
    st(ox, r, ld(s, r + 1) - ld(s, r));
    x = 1;
    for (; x + 4 <= w - 1; x += 4) {
      const p = s + (<usize>(r + x) << 2);
      v128.store(ox + (<usize>(r + x) << 2), f32x4.mul(f32x4.sub(v128.load(p, 4), v128.load(p - 4)), half));
    }
    for (; x < w - 1; x++) st(ox, r + x, (ld(s, r + x + 1) - ld(s, r + x - 1)) * 0.5);
    st(ox, r + w - 1, ld(s, r + w - 1) - ld(s, r + w - 2));
  }
}

/** First derivatives of I0 and I1, rows y0..y1-1. */
export function grad(hdr: usize, y0: i32, y1: i32): void {
  const w = hi(hdr, H_W), h = hi(hdr, H_H);
  gradRows(hp(hdr, H_D0), w, h, y0, y1, hp(hdr, H_G0X), hp(hdr, H_G0Y));
  gradRows(hp(hdr, H_D1), w, h, y0, y1, hp(hdr, H_G1X), hp(hdr, H_G1Y));
}

/** Second derivatives of I0 and I1 (for the refinement's gradient-constancy term), rows y0..y1-1. */
export function grad2(hdr: usize, y0: i32, y1: i32): void {
  const w = hi(hdr, H_W), h = hi(hdr, H_H);
  gradRows(hp(hdr, H_G0X), w, h, y0, y1, hp(hdr, H_G0XX), hp(hdr, H_G0XY));
  gradRows(hp(hdr, H_G0Y), w, h, y0, y1, 0, hp(hdr, H_G0YY));
  gradRows(hp(hdr, H_G1X), w, h, y0, y1, hp(hdr, H_G1XX), hp(hdr, H_G1XY));
  gradRows(hp(hdr, H_G1Y), w, h, y0, y1, 0, hp(hdr, H_G1YY));
}

// ---------------------------------------------------------------------------------------------
// patch statistics

/** Per-patch template statistics (mean-subtracted gradients → Hessian) and initial displacements, patch rows j0..j1-1. */
export function stats(hdr: usize, j0: i32, j1: i32): void {
  const w = hi(hdr, H_W), ps = hi(hdr, H_PS), nx = hi(hdr, H_NX);
  const xs = hp(hdr, H_XS), ys = hp(hdr, H_YS), hole0 = hp(hdr, H_HOLE0), U = hp(hdr, H_U), V = hp(hdr, H_V);
  const gx = hp(hdr, H_G0X), gy = hp(hdr, H_G0Y);
  const Hxx = hp(hdr, H_HXX), Hxy = hp(hdr, H_HXY), Hyy = hp(hdr, H_HYY), mgx = hp(hdr, H_MGX), mgy = hp(hdr, H_MGY);
  const S0x = hp(hdr, H_S0X), S0y = hp(hdr, H_S0Y), ok = hp(hdr, H_OK), cntK = hp(hdr, H_CNTK);
  const minN = <f64>(ps * ps) / 4.0;
  for (let j = j0; j < j1; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i, px = ldi(xs, i), py = ldi(ys, j);
      let sx: f64 = 0, sy: f64 = 0, sxx: f64 = 0, sxy: f64 = 0, syy: f64 = 0;
      let n = 0;
      for (let y = 0; y < ps; y++) {
        const r = (py + y) * w + px;
        for (let x = 0; x < ps; x++) {
          if (hole0 != 0 && ldb(hole0, r + x) != 0) continue;
          const a = <f64>ld(gx, r + x), b = <f64>ld(gy, r + x);
          sx += a; sy += b; sxx += a * a; sxy += a * b; syy += b * b; n++;
        }
      }
      // a patch mostly inside the unknown region says nothing about the motion
      stb(ok, k, <f64>n >= minN ? 1 : 0);
      st(cntK, k, <f32>n);
      const nn: f64 = n == 0 ? 1 : <f64>n;
      st(mgx, k, <f32>(sx / nn)); st(mgy, k, <f32>(sy / nn));
      st(Hxx, k, <f32>(sxx - (sx * sx) / nn)); st(Hxy, k, <f32>(sxy - (sx * sy) / nn)); st(Hyy, k, <f32>(syy - (sy * sy) / nn));
      const c = ps >> 1;
      const ci = (py + c) * w + px + c;
      st(S0x, k, ld(U, ci)); st(S0y, k, ld(V, ci));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// patch search (context of the current call in module globals: one instance per thread)

let cW: i32 = 0, cH: i32 = 0, cPS: i32 = 0, cNps: f64 = 0;
let cD0: usize = 0, cD1: usize = 0, cGX: usize = 0, cGY: usize = 0, cHole: usize = 0, cDiff: usize = 0, cRow: usize = 0;
let cSx: usize = 0, cSy: usize = 0, cOK: usize = 0, cHxx: usize = 0, cHxy: usize = 0, cHyy: usize = 0, cMgx: usize = 0, cMgy: usize = 0;
/** Patch sums of the last patchSums call: Σd, Σd², Σgx·d, Σgy·d. */
let sum0: f64 = 0, sum1: f64 = 0, sum2: f64 = 0, sum3: f64 = 0;
let best0: f64 = 0, best1: f64 = 0, best2: f64 = 0, best3: f64 = 0;

function patchContext(hdr: usize, diff: usize, row: usize): void {
  cW = hi(hdr, H_W); cH = hi(hdr, H_H); cPS = hi(hdr, H_PS); cNps = <f64>(cPS * cPS);
  cD0 = hp(hdr, H_D0); cD1 = hp(hdr, H_D1); cGX = hp(hdr, H_G0X); cGY = hp(hdr, H_G0Y); cHole = hp(hdr, H_HOLE0);
  cDiff = diff; cRow = row;
}

/** Bilinear sample with clamped coordinates. */
function sampleClamped(d: usize, w: i32, h: i32, x: f32, y: f32): f32 {
  if (x < 0) x = 0; else if (x > <f32>(w - 1)) x = <f32>(w - 1);
  if (y < 0) y = 0; else if (y > <f32>(h - 1)) y = <f32>(h - 1);
  const x0 = <i32>x, y0 = <i32>y;
  const x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
  const ax = x - <f32>x0, ay = y - <f32>y0;
  const i00 = ld(d, y0 * w + x0), i01 = ld(d, y0 * w + x1), i10 = ld(d, y1 * w + x0), i11 = ld(d, y1 * w + x1);
  const a = i00 + (i01 - i00) * ax, b = i10 + (i11 - i10) * ax;
  return a + (b - a) * ay;
}

/** I1 over the patch at (px,py) displaced by (u,v), minus I0, into cDiff (row-major ps×ps). */
function patchDiff(px: i32, py: i32, u: f32, v: f32): void {
  const w = cW, h = cH, ps = cPS, d0 = cD0, d1 = cD1, out = cDiff;
  const tx = <f32>px + u, ty = <f32>py + v;
  const x0 = <i32>Mathf.floor(tx), y0 = <i32>Mathf.floor(ty);
  if (x0 >= 0 && y0 >= 0 && x0 + ps < w && y0 + ps < h) {
    const ax = tx - <f32>x0, ay = ty - <f32>y0;
    const w00 = (<f32>1 - ax) * (<f32>1 - ay), w01 = ax * (<f32>1 - ay), w10 = (<f32>1 - ax) * ay, w11 = ax * ay;
    if (ps == 8) {
      const v00 = f32x4.splat(w00), v01 = f32x4.splat(w01), v10 = f32x4.splat(w10), v11 = f32x4.splat(w11);
      const stride = <usize>w << 2;
      let q = d1 + (<usize>(y0 * w + x0) << 2), r = d0 + (<usize>(py * w + px) << 2), o = out;
      for (let y = 0; y < 8; y++, q += stride, r += stride, o += 32) {
        const qd = q + stride;
        v128.store(o, f32x4.sub(f32x4.add(f32x4.add(f32x4.mul(v00, v128.load(q)), f32x4.mul(v01, v128.load(q, 4))), f32x4.add(f32x4.mul(v10, v128.load(qd)), f32x4.mul(v11, v128.load(qd, 4)))), v128.load(r)));
        v128.store(o, f32x4.sub(f32x4.add(f32x4.add(f32x4.mul(v00, v128.load(q, 16)), f32x4.mul(v01, v128.load(q, 20))), f32x4.add(f32x4.mul(v10, v128.load(qd, 16)), f32x4.mul(v11, v128.load(qd, 20)))), v128.load(r, 16)), 16);
      }
      return;
    }
    for (let y = 0, o = 0; y < ps; y++) {
      let q = (y0 + y) * w + x0;
      const r = (py + y) * w + px;
      for (let x = 0; x < ps; x++, q++, o++) st(out, o, w00 * ld(d1, q) + w01 * ld(d1, q + 1) + w10 * ld(d1, q + w) + w11 * ld(d1, q + w + 1) - ld(d0, r + x));
    }
    return;
  }
  for (let y = 0, o = 0; y < ps; y++) {
    const r = (py + y) * w + px;
    for (let x = 0; x < ps; x++, o++) st(out, o, sampleClamped(d1, w, h, tx + <f32>x, ty + <f32>y) - ld(d0, r + x));
  }
}

/** Mean-normalised SSD of cDiff, pixels of the unknown region skipped. */
function diffCost(px: i32, py: i32): f64 {
  const ps = cPS, w = cW, hole = cHole, diff = cDiff;
  let s: f64 = 0, s2: f64 = 0, n = 0;
  for (let y = 0, o = 0; y < ps; y++) {
    const r = (py + y) * w + px;
    for (let x = 0; x < ps; x++, o++) { if (ldb(hole, r + x) != 0) continue; const d = <f64>ld(diff, o); s += d; s2 += d * d; n++; }
  }
  if (n == 0) return 0;
  const m = s / <f64>n;
  return s2 / <f64>n - m * m;
}

/**
 * Sums over the patch at (px,py) of d = I1(p + (u,v)) − I0(p), for a patch with no unknown pixels,
 * into sum0..sum3 = Σd, Σd², Σgx·d, Σgy·d. Each row of I1 is interpolated horizontally once and
 * reused for the next output row.
 */
function patchSums(px: i32, py: i32, u: f32, v: f32): void {
  const w = cW, h = cH, ps = cPS, d0 = cD0, d1 = cD1, gx = cGX, gy = cGY;
  const tx = <f32>px + u, ty = <f32>py + v;
  const x0 = <i32>Mathf.floor(tx), y0 = <i32>Mathf.floor(ty);
  if (ps == 8 && x0 >= 0 && y0 >= 0 && x0 + 8 < w && y0 + 8 < h) {
    // the usual 8×8 patch: a row is two 4-lane vectors
    const ax = tx - <f32>x0, ay = ty - <f32>y0;
    const vax = f32x4.splat(ax), vbx = f32x4.splat(<f32>1 - ax), vay = f32x4.splat(ay), vby = f32x4.splat(<f32>1 - ay);
    const stride = <usize>w << 2;
    let q = d1 + (<usize>(y0 * w + x0) << 2);
    let hA = f32x4.add(f32x4.mul(vbx, v128.load(q)), f32x4.mul(vax, v128.load(q, 4)));
    let hB = f32x4.add(f32x4.mul(vbx, v128.load(q, 16)), f32x4.mul(vax, v128.load(q, 20)));
    const r0 = <usize>(py * w + px) << 2;
    let p0 = d0 + r0, pgx = gx + r0, pgy = gy + r0;
    let s = f32x4.splat(0), s2 = s, sx = s, sy = s;
    for (let y = 0; y < 8; y++) {
      q += stride;
      const nA = f32x4.add(f32x4.mul(vbx, v128.load(q)), f32x4.mul(vax, v128.load(q, 4)));
      const nB = f32x4.add(f32x4.mul(vbx, v128.load(q, 16)), f32x4.mul(vax, v128.load(q, 20)));
      const dA = f32x4.sub(f32x4.add(f32x4.mul(vby, hA), f32x4.mul(vay, nA)), v128.load(p0));
      const dB = f32x4.sub(f32x4.add(f32x4.mul(vby, hB), f32x4.mul(vay, nB)), v128.load(p0, 16));
      s = f32x4.add(s, f32x4.add(dA, dB));
      s2 = f32x4.add(s2, f32x4.add(f32x4.mul(dA, dA), f32x4.mul(dB, dB)));
      sx = f32x4.add(sx, f32x4.add(f32x4.mul(v128.load(pgx), dA), f32x4.mul(v128.load(pgx, 16), dB)));
      sy = f32x4.add(sy, f32x4.add(f32x4.mul(v128.load(pgy), dA), f32x4.mul(v128.load(pgy, 16), dB)));
      hA = nA; hB = nB;
      p0 += stride; pgx += stride; pgy += stride;
    }
    sum0 = hsum(s); sum1 = hsum(s2); sum2 = hsum(sx); sum3 = hsum(sy);
    return;
  }
  let s: f64 = 0, s2: f64 = 0, sx: f64 = 0, sy: f64 = 0;
  if (x0 >= 0 && y0 >= 0 && x0 + ps < w && y0 + ps < h) {
    const ax = tx - <f32>x0, ay = ty - <f32>y0, bx = <f32>1 - ax, by = <f32>1 - ay;
    const row = cRow;
    let q = y0 * w + x0;
    for (let x = 0; x < ps; x++) st(row, x, bx * ld(d1, q + x) + ax * ld(d1, q + x + 1));
    for (let y = 0; y < ps; y++) {
      q += w;
      const r = (py + y) * w + px;
      for (let x = 0; x < ps; x++) {
        const nr = bx * ld(d1, q + x) + ax * ld(d1, q + x + 1);
        const d = <f64>(by * ld(row, x) + ay * nr - ld(d0, r + x));
        st(row, x, nr);
        s += d; s2 += d * d; sx += <f64>ld(gx, r + x) * d; sy += <f64>ld(gy, r + x) * d;
      }
    }
  } else {
    patchDiff(px, py, u, v);
    const diff = cDiff;
    for (let y = 0, o = 0; y < ps; y++) {
      const r = (py + y) * w + px;
      for (let x = 0; x < ps; x++, o++) { const d = <f64>ld(diff, o); s += d; s2 += d * d; sx += <f64>ld(gx, r + x) * d; sy += <f64>ld(gy, r + x) * d; }
    }
  }
  sum0 = s; sum1 = s2; sum2 = sx; sum3 = sy;
}

/** Mean-normalised SSD of the patch at (px,py) displaced by (u,v); with no hole, sum0..sum3 hold its sums. */
function cost(px: i32, py: i32, u: f32, v: f32): f64 {
  if (cHole == 0) {
    patchSums(px, py, u, v);
    const m = sum0 / cNps;
    return sum1 / cNps - m * m;
  }
  patchDiff(px, py, u, v);
  return diffCost(px, py);
}

@inline function keep(): void { best0 = sum0; best1 = sum1; best2 = sum2; best3 = sum3; }
@inline function restore(): void { sum0 = best0; sum1 = best1; sum2 = best2; sum3 = best3; }

/**
 * Inverse-compositional gradient descent for patch k (private index q) from (Sx, Sy). With `have`,
 * sum0..sum3 already hold the patch sums at the start point. Returns the cost at the last evaluated
 * point when it converged (then within 0.01 px of the result), else −1.
 */
function gd(k: i32, q: i32, px: i32, py: i32, iters: i32, have: bool): f64 {
  let u = ld(cSx, q), v = ld(cSy, q);
  const u0 = u, v0 = v;
  if (ldb(cOK, k) == 0) return -1;
  const hxx = <f64>ld(cHxx, k) + 1e-2, hxy = <f64>ld(cHxy, k), hyy = <f64>ld(cHyy, k) + 1e-2;
  const det = hxx * hyy - hxy * hxy;
  if (!(det > 1e-6)) return -1;
  const mx = <f64>ld(cMgx, k), my = <f64>ld(cMgy, k);
  const ps = cPS, w = cW, lim = <f32>(ps * ps);
  let last: f64 = -1;
  for (let it = 0; it < iters; it++) {
    let bx: f64 = 0, by: f64 = 0;
    if (cHole == 0) {
      if (it > 0 || !have) patchSums(px, py, u, v);
      // Σ (g − mean g)·d = Σ g·d − mean g · Σ d
      bx = sum2 - mx * sum0; by = sum3 - my * sum0;
      const m = sum0 / cNps;
      last = sum1 / cNps - m * m;
    } else {
      patchDiff(px, py, u, v);
      const hole = cHole, diff = cDiff, gx = cGX, gy = cGY;
      for (let y = 0, o = 0; y < ps; y++) {
        const r = (py + y) * w + px;
        for (let x = 0; x < ps; x++, o++) { if (ldb(hole, r + x) != 0) continue; const d = <f64>ld(diff, o); bx += (<f64>ld(gx, r + x) - mx) * d; by += (<f64>ld(gy, r + x) - my) * d; }
      }
    }
    const dx = (hyy * bx - hxy * by) / det, dy = (hxx * by - hxy * bx) / det;
    u = <f32>(<f64>u - dx); v = <f32>(<f64>v - dy);
    if (dx * dx + dy * dy < 1e-4) {
      // a patch that wandered further than its own size has diverged: keep the initial guess
      if ((u - u0) * (u - u0) + (v - v0) * (v - v0) > lim) { st(cSx, q, u0); st(cSy, q, v0); return -1; }
      st(cSx, q, u); st(cSy, q, v);
      return last;
    }
  }
  if ((u - u0) * (u - u0) + (v - v0) * (v - v0) > lim) { u = u0; v = v0; }
  st(cSx, q, u); st(cSy, q, v);
  return -1;
}

/**
 * Inverse search for the patch rows j0..j1-1 (run over the rows ja..jb-1 that include the margin,
 * on private copies): a forward pass (raster order; candidates own, left, top) and a backward pass
 * (reverse; own, right, bottom) of gradient descent.
 */
export function search(hdr: usize, band: i32, j0: i32, j1: i32): void {
  const ps = hi(hdr, H_PS), nx = hi(hdr, H_NX), ny = hi(hdr, H_NY);
  const xs = hp(hdr, H_XS), ys = hp(hdr, H_YS);
  const ja = max(0, j0 - hi(hdr, H_PATCHM)), jb = min(ny, j1 + hi(hdr, H_PATCHM));
  const off = ja * nx, m = (jb - ja) * nx;
  const mb = al16(<usize>m << 2);
  const Sx = scratchOf(hdr, band), Sy = Sx + mb, costs = Sy + mb, diff = costs + mb, row = diff + al16(<usize>(ps * ps) << 2);
  memory.copy(Sx, hp(hdr, H_S0X) + (<usize>off << 2), <usize>m << 2);
  memory.copy(Sy, hp(hdr, H_S0Y) + (<usize>off << 2), <usize>m << 2);
  patchContext(hdr, diff, row);
  cSx = Sx; cSy = Sy; cOK = hp(hdr, H_OK); cHxx = hp(hdr, H_HXX); cHxy = hp(hdr, H_HXY); cHyy = hp(hdr, H_HYY); cMgx = hp(hdr, H_MGX); cMgy = hp(hdr, H_MGY);
  const iters = hi(hdr, H_GD);
  const half = max(1, iters >> 1);
  for (let j = ja; j < jb; j++) {
    const py = ldi(ys, j);
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i, q = k - off, px = ldi(xs, i);
      let c0 = cost(px, py, ld(Sx, q), ld(Sy, q));
      keep();
      if (i > 0) { const c = cost(px, py, ld(Sx, q - 1), ld(Sy, q - 1)); if (c < c0) { c0 = c; keep(); st(Sx, q, ld(Sx, q - 1)); st(Sy, q, ld(Sy, q - 1)); } }
      if (j > ja) { const c = cost(px, py, ld(Sx, q - nx), ld(Sy, q - nx)); if (c < c0) { c0 = c; keep(); st(Sx, q, ld(Sx, q - nx)); st(Sy, q, ld(Sy, q - nx)); } }
      restore();
      const c = gd(k, q, px, py, half, true);
      st(costs, q, <f32>(c >= 0 ? c : cost(px, py, ld(Sx, q), ld(Sy, q))));
    }
  }
  for (let j = jb - 1; j >= j0; j--) {
    const py = ldi(ys, j);
    for (let i = nx - 1; i >= 0; i--) {
      const k = j * nx + i, q = k - off, px = ldi(xs, i);
      let c0 = <f64>ld(costs, q);
      let moved = false;
      if (i < nx - 1) { const c = cost(px, py, ld(Sx, q + 1), ld(Sy, q + 1)); if (c < c0) { c0 = c; keep(); moved = true; st(Sx, q, ld(Sx, q + 1)); st(Sy, q, ld(Sy, q + 1)); } }
      if (j < jb - 1) { const c = cost(px, py, ld(Sx, q + nx), ld(Sy, q + nx)); if (c < c0) { c0 = c; keep(); moved = true; st(Sx, q, ld(Sx, q + nx)); st(Sy, q, ld(Sy, q + nx)); } }
      if (moved) restore();
      gd(k, q, px, py, iters - half, moved);
    }
  }
  const a = <usize>((j0 - ja) * nx) << 2, n = <usize>((j1 - j0) * nx) << 2, dst = <usize>(j0 * nx) << 2;
  memory.copy(hp(hdr, H_SX) + dst, Sx + a, n);
  memory.copy(hp(hdr, H_SY) + dst, Sy + a, n);
}

// ---------------------------------------------------------------------------------------------
// densification

/**
 * Densification for pixel rows y0..y1-1: every pixel averages the patches covering it, weighted by
 * photometric fit (residual after removing the patch's mean brightness offset, so exposure change
 * is not penalised). Patches are visited in raster order, as for the whole image.
 */
export function densify(hdr: usize, band: i32, y0: i32, y1: i32): void {
  const w = hi(hdr, H_W), ps = hi(hdr, H_PS), nx = hi(hdr, H_NX), ny = hi(hdr, H_NY);
  const xs = hp(hdr, H_XS), ys = hp(hdr, H_YS), hole0 = hp(hdr, H_HOLE0);
  const Sx = hp(hdr, H_SX), Sy = hp(hdr, H_SY), ok = hp(hdr, H_OK), cntK = hp(hdr, H_CNTK), U = hp(hdr, H_U), V = hp(hdr, H_V);
  const m = (y1 - y0) * w, mb = al16(<usize>m << 2);
  const accU = scratchOf(hdr, band), accV = accU + mb, accW = accV + mb, diff = accW + mb;
  memory.fill(accU, 0, 3 * mb);
  patchContext(hdr, diff, 0);
  const base = y0 * w;
  const one = f32x4.splat(1);
  for (let j = 0; j < ny; j++) {
    const py = ldi(ys, j);
    if (py >= y1 || py + ps <= y0) continue;
    const ya = max(py, y0), yb = min(py + ps, y1);
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      if (ldb(ok, k) == 0) continue;
      const px = ldi(xs, i);
      const u = ld(Sx, k), v = ld(Sy, k);
      patchDiff(px, py, u, v);
      let sum: f32 = 0;
      for (let y = 0, o = 0; y < ps; y++) { const r = (py + y) * w + px; for (let x = 0; x < ps; x++, o++) if (hole0 == 0 || ldb(hole0, r + x) == 0) sum += ld(diff, o); }
      const md = sum / max<f32>(1, ld(cntK, k));
      if (hole0 == 0 && ps == 8) {
        const vmd = f32x4.splat(md), vu = f32x4.splat(u), vv = f32x4.splat(v);
        for (let y = ya; y < yb; y++) {
          const o = diff + (<usize>((y - py) * 8) << 2), a = <usize>(y * w + px - base) << 2;
          for (let half = 0; half < 2; half++) {
            const h4 = <usize>half << 4;
            const wt = f32x4.div(one, f32x4.max(f32x4.abs(f32x4.sub(v128.load(o + h4), vmd)), one));
            v128.store(accU + a + h4, f32x4.add(v128.load(accU + a + h4), f32x4.mul(wt, vu)));
            v128.store(accV + a + h4, f32x4.add(v128.load(accV + a + h4), f32x4.mul(wt, vv)));
            v128.store(accW + a + h4, f32x4.add(v128.load(accW + a + h4), wt));
          }
        }
        continue;
      }
      for (let y = ya, o = (ya - py) * ps; y < yb; y++) {
        const r = y * w + px;
        for (let x = 0; x < ps; x++, o++) {
          const d = Mathf.abs(ld(diff, o) - md);
          // pixels in the unknown region take the patch's vector at a low weight (no photometric evidence)
          const wt: f32 = hole0 != 0 && ldb(hole0, r + x) != 0 ? 0.05 : <f32>1 / (d > 1 ? d : 1);
          const a = r + x - base;
          st(accU, a, ld(accU, a) + wt * u); st(accV, a, ld(accV, a) + wt * v); st(accW, a, ld(accW, a) + wt);
        }
      }
    }
  }
  for (let a = 0; a < m; a++) {
    const wt = ld(accW, a);
    if (wt > 0) { st(U, base + a, ld(accU, a) / wt); st(V, base + a, ld(accV, a) / wt); }
  }
}

// ---------------------------------------------------------------------------------------------
// variational refinement (see variational-refinement.ts for the model)

const EPS2: f32 = 1e-6;

/**
 * Linearised data terms for rows y0..y1-1, 8 planes of n = w·h floats: Ix Iy Iz Ixx Ixy Iyy Ixz Iyz,
 * from I1's channels sampled at x + (U, V) (bilinear, clamped; the weights are shared by the six
 * channels).
 */
export function dataTerms(hdr: usize, y0: i32, y1: i32): void {
  const w = hi(hdr, H_W), h = hi(hdr, H_H);
  const U = hp(hdr, H_U), V = hp(hdr, H_V), T = hp(hdr, H_T), inside = hp(hdr, H_INSIDE), hole0 = hp(hdr, H_HOLE0), hole1 = hp(hdr, H_HOLE1);
  const d0 = hp(hdr, H_D0), g0x = hp(hdr, H_G0X), g0y = hp(hdr, H_G0Y), g0xx = hp(hdr, H_G0XX), g0xy = hp(hdr, H_G0XY), g0yy = hp(hdr, H_G0YY);
  const s0 = hp(hdr, H_D1), s1 = hp(hdr, H_G1X), s2 = hp(hdr, H_G1Y), s3 = hp(hdr, H_G1XX), s4 = hp(hdr, H_G1XY), s5 = hp(hdr, H_G1YY);
  const P = <usize>(w * h) << 2;
  const T0 = T, T1 = T + P, T2 = T1 + P, T3 = T2 + P, T4 = T3 + P, T5 = T4 + P, T6 = T5 + P, T7 = T6 + P;
  const xm = <f32>(w - 1), ym = <f32>(h - 1);
  for (let y = y0, i = y0 * w; y < y1; y++) {
    for (let x = 0; x < w; x++, i++) {
      let tx = <f32>x + ld(U, i), ty = <f32>y + ld(V, i);
      let ins = tx >= 0 && tx <= xm && ty >= 0 && ty <= ym ? 1 : 0;
      if (ins != 0 && ((hole0 != 0 && ldb(hole0, i) != 0) || (hole1 != 0 && ldb(hole1, <i32>Mathf.floor(ty + 0.5) * w + <i32>Mathf.floor(tx + 0.5)) != 0))) ins = 0;
      stb(inside, i, ins);
      if (tx < 0) tx = 0; else if (tx > xm) tx = xm;
      if (ty < 0) ty = 0; else if (ty > ym) ty = ym;
      const x0 = <i32>tx, yy0 = <i32>ty;
      const ax = tx - <f32>x0, ay = ty - <f32>yy0;
      const w00 = (<f32>1 - ax) * (<f32>1 - ay), w01 = ax * (<f32>1 - ay), w10 = (<f32>1 - ax) * ay, w11 = ax * ay;
      const qa = yy0 * w + x0, qb = qa + (<f32>x0 < xm ? 1 : 0), qc = qa + (<f32>yy0 < ym ? w : 0), qd = qc + qb - qa;
      const i1 = w00 * ld(s0, qa) + w01 * ld(s0, qb) + w10 * ld(s0, qc) + w11 * ld(s0, qd);
      const i1x = w00 * ld(s1, qa) + w01 * ld(s1, qb) + w10 * ld(s1, qc) + w11 * ld(s1, qd);
      const i1y = w00 * ld(s2, qa) + w01 * ld(s2, qb) + w10 * ld(s2, qc) + w11 * ld(s2, qd);
      const i1xx = w00 * ld(s3, qa) + w01 * ld(s3, qb) + w10 * ld(s3, qc) + w11 * ld(s3, qd);
      const i1xy = w00 * ld(s4, qa) + w01 * ld(s4, qb) + w10 * ld(s4, qc) + w11 * ld(s4, qd);
      const i1yy = w00 * ld(s5, qa) + w01 * ld(s5, qb) + w10 * ld(s5, qc) + w11 * ld(s5, qd);
      st(T0, i, <f32>0.5 * (i1x + ld(g0x, i)));
      st(T1, i, <f32>0.5 * (i1y + ld(g0y, i)));
      st(T2, i, i1 - ld(d0, i));
      st(T3, i, <f32>0.5 * (i1xx + ld(g0xx, i)));
      st(T4, i, <f32>0.5 * (i1xy + ld(g0xy, i)));
      st(T5, i, <f32>0.5 * (i1yy + ld(g0yy, i)));
      st(T6, i, i1x - ld(g0x, i));
      st(T7, i, i1y - ld(g0y, i));
    }
  }
}

/**
 * Smoothness weight of pixel i (its right and down edges share it) from forward differences of
 * the total flow U + D; D is band-local and padded (index j = local row·w + x, row 0 = the row above).
 */
@inline function edgeWeight(U: usize, V: usize, D: usize, i: i32, j: i32, w: i32, right: bool, down: bool, alpha: f32): f32 {
  const ut = ld(U, i) + ld(D, 2 * j), vt = ld(V, i) + ld(D, 2 * j + 1);
  let ur: f32 = 0, ud: f32 = 0, vr: f32 = 0, vd: f32 = 0;
  if (right) { ur = ld(U, i + 1) + ld(D, 2 * j + 2) - ut; vr = ld(V, i + 1) + ld(D, 2 * j + 3) - vt; }
  if (down) { ud = ld(U, i + w) + ld(D, 2 * (j + w)) - ut; vd = ld(V, i + w) + ld(D, 2 * (j + w) + 1) - vt; }
  return alpha / (<f32>2 * Mathf.sqrt(ur * ur + ud * ud + vr * vr + vd * vd + EPS2));
}

// The coefficients of a band's rows are 8 planes (local index j, plane stride Cs bytes): WX the
// weight of edge j↔j+1, WY of edge j↔j+w, A12, B1 and B2 (with the smoothness pull of the fixed
// U, V), RU = ω/(A11+Σw) and RV = ω/(A22+Σw) (0: no equation). An edge weight is zero where the
// edge leaves the image, so the sweep runs without border branches.
const C_WX = 0, C_WY = 1, C_A12 = 2, C_B1 = 3, C_B2 = 4, C_RU = 5, C_RV = 6;
@inline function cp(C: usize, Cs: usize, plane: i32): usize { return C + <usize>plane * Cs; }

/** du (even) and dv (odd) increments of 4 pixels from the interleaved D at byte address p. */
@inline function evenLanes(p: usize): v128 { return i32x4.shuffle(v128.load(p), v128.load(p, 16), 0, 2, 4, 6); }
@inline function oddLanes(p: usize): v128 { return i32x4.shuffle(v128.load(p), v128.load(p, 16), 1, 3, 5, 7); }

/** Linearisation of pixel x of image row y (index i, local index j), all borders handled. */
function linearisePixel(hdr: usize, D: usize, C: usize, Cs: usize, x: i32, y: i32, i: i32, j: i32): void {
  const w = hi(hdr, H_W);
  const U = hp(hdr, H_U), V = hp(hdr, H_V), T = hp(hdr, H_T), inside = hp(hdr, H_INSIDE);
  const gamma = hf(hdr, H_GAMMA), delta = hf(hdr, H_DELTA), omega = hf(hdr, H_OMEGA);
  const WX = cp(C, Cs, C_WX), WY = cp(C, Cs, C_WY);
  const uc = ld(U, i), vc = ld(V, i);
  const dui = ld(D, 2 * j), dvi = ld(D, 2 * j + 1);
  const kl = x > 0 ? ld(WX, j - 1) : <f32>0, kr = ld(WX, j), ku = ld(WY, j - w), kd = ld(WY, j);
  const sw = (kl + kr) + (ku + kd);
  // neighbours that do not exist have weight 0 (and are not read)
  const sul: f32 = kl != 0 ? kl * (ld(U, i - 1) - uc) : 0, svl: f32 = kl != 0 ? kl * (ld(V, i - 1) - vc) : 0;
  const sur: f32 = kr != 0 ? kr * (ld(U, i + 1) - uc) : 0, svr: f32 = kr != 0 ? kr * (ld(V, i + 1) - vc) : 0;
  const suu: f32 = ku != 0 ? ku * (ld(U, i - w) - uc) : 0, svu: f32 = ku != 0 ? ku * (ld(V, i - w) - vc) : 0;
  const sud: f32 = kd != 0 ? kd * (ld(U, i + w) - uc) : 0, svd: f32 = kd != 0 ? kd * (ld(V, i + w) - vc) : 0;
  const su = (sul + sur) + (suu + sud), sv = (svl + svr) + (svu + svd);
  let a11: f32 = 0, a12: f32 = 0, a22: f32 = 0, b1: f32 = 0, b2: f32 = 0;
  if (ldb(inside, i) != 0) {
    const P = <usize>(w * hi(hdr, H_H)) << 2;
    const ix = ld(T, i), iy = ld(T + P, i), iz = ld(T + 2 * P, i), ixx = ld(T + 3 * P, i), ixy = ld(T + 4 * P, i), iyy = ld(T + 5 * P, i), ixz = ld(T + 6 * P, i), iyz = ld(T + 7 * P, i);
    const r = iz + (ix * dui + iy * dvi);
    const wd = delta / (<f32>2 * Mathf.sqrt(r * r + EPS2));
    const rx = ixz + (ixx * dui + ixy * dvi);
    const ry = iyz + (ixy * dui + iyy * dvi);
    const wg = gamma / (<f32>2 * Mathf.sqrt(rx * rx + ry * ry + EPS2));
    a11 = wd * (ix * ix) + wg * (ixx * ixx + ixy * ixy);
    a12 = wd * (ix * iy) + wg * (ixx * ixy + ixy * iyy);
    a22 = wd * (iy * iy) + wg * (ixy * ixy + iyy * iyy);
    b1 = -(wd * (ix * iz) + wg * (ixx * ixz + ixy * iyz));
    b2 = -(wd * (iy * iz) + wg * (ixy * ixz + iyy * iyz));
  }
  const denU = a11 + sw, denV = a22 + sw;
  st(cp(C, Cs, C_A12), j, a12); st(cp(C, Cs, C_B1), j, b1 + su); st(cp(C, Cs, C_B2), j, b2 + sv);
  st(cp(C, Cs, C_RU), j, denU > 1e-12 ? omega / denU : 0);
  st(cp(C, Cs, C_RV), j, denV > 1e-12 ? omega / denV : 0);
}

/**
 * Linearisation of image row y (local index of its first pixel jr): first the row's edge weights
 * (its right and down edges; left and up were set with the pixels before), then each pixel's
 * robust data weights and 2×2 system. Interior pixels of interior rows go 4 at a time.
 */
function lineariseRow(hdr: usize, D: usize, C: usize, Cs: usize, y: i32, jr: i32): void {
  const w = hi(hdr, H_W), h = hi(hdr, H_H);
  const U = hp(hdr, H_U), V = hp(hdr, H_V), T = hp(hdr, H_T), inside = hp(hdr, H_INSIDE);
  const alpha = hf(hdr, H_ALPHA), gamma = hf(hdr, H_GAMMA), delta = hf(hdr, H_DELTA), omega = hf(hdr, H_OMEGA);
  const WX = cp(C, Cs, C_WX), WY = cp(C, Cs, C_WY);
  const downRow = y < h - 1;
  const i0 = y * w, wb = <usize>w << 2;
  const eps = f32x4.splat(EPS2), two = f32x4.splat(2), zero = f32x4.splat(0);
  // edge weights
  const va = f32x4.splat(alpha);
  let x = 0;
  for (; x + 4 <= w - 1; x += 4) {
    const i = i0 + x, j = jr + x;
    const pU = U + (<usize>i << 2), pV = V + (<usize>i << 2), pD = D + (<usize>j << 3);
    const ut = f32x4.add(v128.load(pU), evenLanes(pD)), vt = f32x4.add(v128.load(pV), oddLanes(pD));
    const ur = f32x4.sub(f32x4.add(v128.load(pU, 4), evenLanes(pD + 8)), ut), vr = f32x4.sub(f32x4.add(v128.load(pV, 4), oddLanes(pD + 8)), vt);
    let s2 = f32x4.add(f32x4.mul(ur, ur), f32x4.mul(vr, vr));
    if (downRow) {
      const ud = f32x4.sub(f32x4.add(v128.load(pU + wb), evenLanes(pD + (wb << 1))), ut), vd = f32x4.sub(f32x4.add(v128.load(pV + wb), oddLanes(pD + (wb << 1))), vt);
      s2 = f32x4.add(s2, f32x4.add(f32x4.mul(ud, ud), f32x4.mul(vd, vd)));
    }
    const k = f32x4.div(va, f32x4.mul(two, f32x4.sqrt(f32x4.add(s2, eps))));
    v128.store(WX + (<usize>j << 2), k);
    v128.store(WY + (<usize>j << 2), downRow ? k : zero);
  }
  for (; x < w; x++) {
    const k = edgeWeight(U, V, D, i0 + x, jr + x, w, x < w - 1, downRow, alpha);
    st(WX, jr + x, x < w - 1 ? k : 0);
    st(WY, jr + x, downRow ? k : 0);
  }
  // equations
  if (y == 0 || !downRow || w < 6) {
    for (x = 0; x < w; x++) linearisePixel(hdr, D, C, Cs, x, y, i0 + x, jr + x);
    return;
  }
  linearisePixel(hdr, D, C, Cs, 0, y, i0, jr);
  const P = <usize>(w * h) << 2;
  const vd = f32x4.splat(delta), vg = f32x4.splat(gamma), vo = f32x4.splat(omega), tiny = f32x4.splat(1e-12);
  const A12 = cp(C, Cs, C_A12), B1 = cp(C, Cs, C_B1), B2 = cp(C, Cs, C_B2), RU = cp(C, Cs, C_RU), RV = cp(C, Cs, C_RV);
  for (x = 1; x + 4 <= w - 1; x += 4) {
    const i = i0 + x, j = jr + x;
    const oi = <usize>i << 2, oj = <usize>j << 2;
    const pU = U + oi, pV = V + oi, pD = D + (<usize>j << 3);
    const uc = v128.load(pU), vc = v128.load(pV);
    const du = evenLanes(pD), dv = oddLanes(pD);
    const kl = v128.load(WX + oj - 4), kr = v128.load(WX + oj), ku = v128.load(WY + oj - wb), kd = v128.load(WY + oj);
    const sw = f32x4.add(f32x4.add(kl, kr), f32x4.add(ku, kd));
    const su = f32x4.add(f32x4.add(f32x4.mul(kl, f32x4.sub(v128.load(pU - 4), uc)), f32x4.mul(kr, f32x4.sub(v128.load(pU, 4), uc))),
      f32x4.add(f32x4.mul(ku, f32x4.sub(v128.load(pU - wb), uc)), f32x4.mul(kd, f32x4.sub(v128.load(pU + wb), uc))));
    const sv = f32x4.add(f32x4.add(f32x4.mul(kl, f32x4.sub(v128.load(pV - 4), vc)), f32x4.mul(kr, f32x4.sub(v128.load(pV, 4), vc))),
      f32x4.add(f32x4.mul(ku, f32x4.sub(v128.load(pV - wb), vc)), f32x4.mul(kd, f32x4.sub(v128.load(pV + wb), vc))));
    const pT = T + oi;
    const ix = v128.load(pT), iy = v128.load(pT + P), iz = v128.load(pT + 2 * P), ixx = v128.load(pT + 3 * P), ixy = v128.load(pT + 4 * P), iyy = v128.load(pT + 5 * P), ixz = v128.load(pT + 6 * P), iyz = v128.load(pT + 7 * P);
    const r = f32x4.add(iz, f32x4.add(f32x4.mul(ix, du), f32x4.mul(iy, dv)));
    const wd = f32x4.div(vd, f32x4.mul(two, f32x4.sqrt(f32x4.add(f32x4.mul(r, r), eps))));
    const rx = f32x4.add(ixz, f32x4.add(f32x4.mul(ixx, du), f32x4.mul(ixy, dv)));
    const ry = f32x4.add(iyz, f32x4.add(f32x4.mul(ixy, du), f32x4.mul(iyy, dv)));
    const wg = f32x4.div(vg, f32x4.mul(two, f32x4.sqrt(f32x4.add(f32x4.add(f32x4.mul(rx, rx), f32x4.mul(ry, ry)), eps))));
    // pixels without a data term (moved outside the image, or unknown) get none
    const ins = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(inside + <usize>i))), zero);
    const a11 = v128.and(ins, f32x4.add(f32x4.mul(wd, f32x4.mul(ix, ix)), f32x4.mul(wg, f32x4.add(f32x4.mul(ixx, ixx), f32x4.mul(ixy, ixy)))));
    const a12 = v128.and(ins, f32x4.add(f32x4.mul(wd, f32x4.mul(ix, iy)), f32x4.mul(wg, f32x4.add(f32x4.mul(ixx, ixy), f32x4.mul(ixy, iyy)))));
    const a22 = v128.and(ins, f32x4.add(f32x4.mul(wd, f32x4.mul(iy, iy)), f32x4.mul(wg, f32x4.add(f32x4.mul(ixy, ixy), f32x4.mul(iyy, iyy)))));
    const b1 = v128.and(ins, f32x4.neg(f32x4.add(f32x4.mul(wd, f32x4.mul(ix, iz)), f32x4.mul(wg, f32x4.add(f32x4.mul(ixx, ixz), f32x4.mul(ixy, iyz))))));
    const b2 = v128.and(ins, f32x4.neg(f32x4.add(f32x4.mul(wd, f32x4.mul(iy, iz)), f32x4.mul(wg, f32x4.add(f32x4.mul(ixy, ixz), f32x4.mul(iyy, iyz))))));
    const denU = f32x4.add(a11, sw), denV = f32x4.add(a22, sw);
    v128.store(A12 + oj, a12);
    v128.store(B1 + oj, f32x4.add(b1, su));
    v128.store(B2 + oj, f32x4.add(b2, sv));
    v128.store(RU + oj, v128.and(f32x4.gt(denU, tiny), f32x4.div(vo, denU)));
    v128.store(RV + oj, v128.and(f32x4.gt(denV, tiny), f32x4.div(vo, denV)));
  }
  for (; x < w; x++) linearisePixel(hdr, D, C, Cs, x, y, i0 + x, jr + x);
}

/**
 * One SOR update of pixel j (local index) of the padded increments D, with the coefficient planes
 * at C. The left neighbour was updated just before, so its term is added last: the chain from one
 * pixel to the next is one multiply and one add.
 */
@inline function sorPixel(w: i32, j: i32, D: usize, C: usize, Cs: usize, om1: f32): void {
  const d = 2 * j;
  const WX = C, WY = C + Cs;
  const kl = ld(WX, j - 1), kr = ld(WX, j), ku = ld(WY, j - w), kd = ld(WY, j);
  const a12 = ld(C + 2 * Cs, j);
  const ru = ld(C + 5 * Cs, j), rv = ld(C + 6 * Cs, j);
  // a pixel with no equation keeps its increment
  let u = ld(D, d);
  if (ru != 0) u = (om1 * u + (ld(C + 3 * Cs, j) - a12 * ld(D, d + 1) + kr * ld(D, d + 2) + ku * ld(D, d - 2 * w) + kd * ld(D, d + 2 * w)) * ru) + (kl * ru) * ld(D, d - 2);
  st(D, d, u);
  if (rv != 0) st(D, d + 1, (om1 * ld(D, d + 1) + (ld(C + 4 * Cs, j) + kr * ld(D, d + 3) + ku * ld(D, d - 2 * w + 1) + kd * ld(D, d + 2 * w + 1)) * rv) + ((kl * rv) * ld(D, d - 1) - (a12 * rv) * u));
}

/**
 * Sweeps 0..S-1 of one wavefront step: sweep k on local row r − k (rows outside 0..bh-1 skipped).
 * Each pixel update depends on the one to its left, so one row is a chain of dependent updates;
 * the S rows are interleaved with a skew of one pixel per sweep (sweep k at pixel x − k), which
 * keeps S independent chains in flight and gives exactly the values of sweeping the rows one after
 * the other: sweep k of a pixel reads the pixel below after sweep k − 1 (one column ahead) and the
 * pixel above after sweep k (done one column earlier), as in the row-by-row order.
 */
function sorWavefront(w: i32, r: i32, bh: i32, S: i32, D: usize, C: usize, Cs: usize, om1: f32): void {
  // sweeps k in kLo..kHi have their row inside the band
  const kLo = max(0, r - bh + 1), kHi = min(S - 1, r);
  if (kLo > kHi) return;
  // columns where a sweep's pixel x − k leaves the row: the first kHi and the last ones
  const mid0 = kHi, mid1 = w + kLo;
  for (let x = kLo; x < mid0 && x < mid1; x++) {
    for (let k = kLo; k <= kHi; k++) { const px = x - k; if (px >= 0 && px < w) sorPixel(w, w * (1 + r - k) + px, D, C, Cs, om1); }
  }
  if (kHi - kLo == 2) {
    // the usual case (3 sweeps, all rows inside): three chains, unrolled
    const j0 = w * (1 + r - kLo) - kLo, j1 = w * (1 + r - kLo - 1) - kLo - 1, j2 = w * (1 + r - kLo - 2) - kLo - 2;
    for (let x = mid0; x < mid1; x++) {
      sorPixel(w, j0 + x, D, C, Cs, om1);
      sorPixel(w, j1 + x, D, C, Cs, om1);
      sorPixel(w, j2 + x, D, C, Cs, om1);
    }
  } else {
    for (let x = mid0; x < mid1; x++) for (let k = kLo; k <= kHi; k++) sorPixel(w, w * (1 + r - k) + x - k, D, C, Cs, om1);
  }
  for (let x = max(mid0, mid1); x < w + kHi; x++) {
    for (let k = kLo; k <= kHi; k++) { const px = x - k; if (px >= 0 && px < w) sorPixel(w, w * (1 + r - k) + px, D, C, Cs, om1); }
  }
}

/**
 * One fixed-point iteration f for the band rows b0..b1-1: re-linearise (robust weights, per-pixel 2×2
 * system) then SOR sweeps over the band and its margin (rows y0..y1-1), on private increments padded
 * by the rows just outside, which hold the previous iteration's values and stay fixed. Reads D of
 * the previous iteration, writes the band's rows of the next; the last iteration writes the
 * refined flow.
 *
 * Local layout: D (du, dv at 2j, 2j+1) and the coefficient planes C (see C_WX…), both with a row
 * of padding above and below the rows y0..y1-1.
 */
export function fixedPoint(hdr: usize, band: i32, f: i32, b0: i32, b1: i32): void {
  const w = hi(hdr, H_W), h = hi(hdr, H_H);
  const U = hp(hdr, H_U), V = hp(hdr, H_V);
  const alpha = hf(hdr, H_ALPHA), omega = hf(hdr, H_OMEGA);
  const y0 = max(0, b0 - hi(hdr, H_ROWM)), y1 = min(h, b1 + hi(hdr, H_ROWM));
  const bh = y1 - y0, n = bh * w;
  const Dprev = f % 2 == 0 ? hp(hdr, H_DA) : hp(hdr, H_DB), Dnext = f % 2 == 0 ? hp(hdr, H_DB) : hp(hdr, H_DA);
  const L = n + 2 * w;
  const D = scratchOf(hdr, band), C = D + al16(<usize>(2 * L) << 2), Cs = al16(<usize>L << 2);
  // halo rows above and below (zero outside the image), then the band
  const ra = max(0, y0 - 1), rb = min(h, y1 + 1);
  memory.copy(D + (y0 > 0 ? 0 : <usize>(2 * w) << 2), Dprev + (<usize>(2 * ra * w) << 2), <usize>(2 * (rb - ra) * w) << 2);
  if (y0 == 0) memory.fill(D, 0, <usize>(2 * w) << 2);
  if (y1 == h) memory.fill(D + (<usize>(2 * (w + n)) << 2), 0, <usize>(2 * w) << 2);
  for (let p = 0; p < 8; p++) memory.fill(cp(C, Cs, p), 0, <usize>w << 2);
  if (y0 > 0) {
    // down-edge weight of the row above (the band's first row reads it as its up weight)
    const iu = (y0 - 1) * w, WY = cp(C, Cs, C_WY);
    for (let x = 0; x < w; x++) st(WY, x, edgeWeight(U, V, D, iu + x, x, w, x < w - 1, true, alpha));
  }
  // Linearise row r, then sweep 1 on row r, sweep 2 on row r−1, …: every row sees exactly what it
  // sees in whole passes, but the rows in use stay in cache.
  const om1 = <f32>1 - omega, S = hi(hdr, H_SOR);
  for (let r = 0; r < bh + S - 1; r++) {
    if (r < bh) lineariseRow(hdr, D, C, Cs, y0 + r, w * (1 + r));
    sorWavefront(w, r, bh, S, D, C, Cs, om1);
  }
  // the band's own rows (local row 1 + b0 − y0 on)
  const jb = w * (1 + b0 - y0);
  if (f < hi(hdr, H_FPI) - 1) {
    memory.copy(Dnext + (<usize>(2 * b0 * w) << 2), D + (<usize>(2 * jb) << 2), <usize>(2 * (b1 - b0) * w) << 2);
  } else {
    const Uo = hp(hdr, H_UO), Vo = hp(hdr, H_VO);
    for (let i = b0 * w, j = jb, e = b1 * w; i < e; i++, j++) { st(Uo, i, ld(U, i) + ld(D, 2 * j)); st(Vo, i, ld(V, i) + ld(D, 2 * j + 1)); }
  }
}
