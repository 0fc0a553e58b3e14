import type { DisKernels } from './flow-kernels.js';

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
 * The kernels (flow-kernels.ts, WebAssembly) work in one shared memory: every array of a level lives
 * there, described by a header, so the state posted to helper threads once per level is small.
 * Scratch space is per band (a band runs on one thread at a time).
 */
export interface DisLevelState {
  w: number;
  h: number;
  nx: number;
  ny: number;
  fixedPointIterations: number;
  /** Band boundaries: pixel rows (length K+1) and patch rows (length Kp+1). */
  rowBands: Int32Array;
  patchBands: Int32Array;
  /** Address of the level header in the kernels' memory (layout: HEADER). */
  hdr: number;
  /** Views of the header's initial flow (in) and refined flow (out), for levels that are not refined. */
  U: Float32Array;
  V: Float32Array;
  Uo: Float32Array;
  Vo: Float32Array;
}

/**
 * Word indices of a level header (keep in step with the H_ constants of wasm/dis-kernels.ts): sizes
 * and parameters (OMEGA..DELTA as float32), the band scratch block (SCRATCH_BYTES per band), then
 * the addresses of the level's arrays, 0 for a hole mask that is absent. The arrays: d0, d1 the
 * images (0..255); g0x…g1yy their first and second derivatives; U, V the initial flow (after the
 * densification step: the patch flow); Uo, Vo the refined flow; per patch (row-major, nx × ny)
 * the Hessian Hxx, Hxy, Hyy, mean gradient mgx, mgy, initial and searched displacements S0x, S0y,
 * Sx, Sy, usable flag ok and known-pixel count cntK; the 8 linearised data terms T (8 planes) and
 * whether the pixel has a data term (inside); DA, DB the flow increments (du, dv interleaved),
 * double-buffered across fixed-point iterations.
 */
export const HEADER = {
  W: 0, H: 1, PS: 2, NX: 3, NY: 4, GD: 5, FPI: 6, SOR: 7, OMEGA: 8, ALPHA: 9, GAMMA: 10, DELTA: 11, ROWM: 12, PATCHM: 13, SCRATCH: 14, SCRATCH_BYTES: 15,
  XS: 16, YS: 17, D0: 18, D1: 19, HOLE0: 20, HOLE1: 21, G0X: 22, G0Y: 23, G1X: 24, G1Y: 25, G0XX: 26, G0XY: 27, G0YY: 28, G1XX: 29, G1XY: 30, G1YY: 31,
  U: 32, V: 33, UO: 34, VO: 35, HXX: 36, HXY: 37, HYY: 38, MGX: 39, MGY: 40, S0X: 41, S0Y: 42, SX: 43, SY: 44, OK: 45, CNTK: 46, T: 47, INSIDE: 48, DA: 49, DB: 50,
} as const;
export const HEADER_WORDS = 52;

const al16 = (bytes: number): number => (bytes + 15) & ~15;
const widest = (b: Int32Array): number => { let m = 0; for (let i = 0; i + 1 < b.length; i++) m = Math.max(m, b[i + 1] - b[i]); return m; };

/**
 * Scratch bytes a band needs (the kernels carve the same regions): the search's private
 * displacements and costs for its patch rows plus margins, a patch and a row; the densification's
 * three accumulators; the refinement's padded increments D and 8 planes of coefficients C.
 */
export function bandScratchBytes(w: number, ps: number, nx: number, rowBands: Int32Array, patchBands: Int32Array, rowMargin: number, patchMargin: number): number {
  const patch = al16(4 * ps * ps);
  const search = 3 * al16(4 * (widest(patchBands) + 2 * patchMargin) * nx) + patch + al16(4 * ps);
  const densify = 3 * al16(4 * widest(rowBands) * w) + patch;
  const n = (widest(rowBands) + 2 * rowMargin) * w;
  const refine = al16(4 * 2 * (n + 2 * w)) + 8 * al16(4 * (n + 2 * w));
  return Math.max(search, densify, refine);
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

/** Run band `band` of step `step` with the thread's kernels (any thread, any order within a step). */
export function execDisBand(s: DisLevelState, step: number, band: number, k: DisKernels): void {
  const K = s.rowBands.length - 1;
  if (step === 0) {
    k.grad(s.hdr, s.rowBands[band], s.rowBands[band + 1]);
  } else if (step === 1) {
    const Kp = s.patchBands.length - 1;
    if (band < Kp) { k.stats(s.hdr, s.patchBands[band], s.patchBands[band + 1]); return; }
    const b = band - Kp;
    if (refines(s)) k.grad2(s.hdr, s.rowBands[b], s.rowBands[b + 1]);
  } else if (step === 2) {
    k.search(s.hdr, band, s.patchBands[band], s.patchBands[band + 1]);
  } else if (step === 3) {
    const y0 = s.rowBands[band], y1 = s.rowBands[band + 1];
    k.densify(s.hdr, band, y0, y1);
    if (refines(s)) k.dataTerms(s.hdr, y0, y1);
    else { s.Uo.set(s.U.subarray(y0 * s.w, y1 * s.w), y0 * s.w); s.Vo.set(s.V.subarray(y0 * s.w, y1 * s.w), y0 * s.w); }
  } else if (band < K) {
    k.fixedPoint(s.hdr, band, step - 4, s.rowBands[band], s.rowBands[band + 1]);
  }
}
