import type { FloatFrame } from '@synthetic-studio/shared';
import { fbConsistency } from './consistency.js';
import { computeFlowPair } from './flow.js';
import type { FlowField, Mask } from './types.js';
import { warpBilinear } from './warp.js';

/**
 * Quality metrics exactly as defined in docs/quality.md (frames RGB in [0,1]). Pure functions so
 * every benchmark computes the same numbers.
 */

/** Mean squared error over the RGB channels; restricted to `region` (1 = counted) when given. */
export function mse(a: FloatFrame, b: FloatFrame, region?: Mask): number {
  const ca = a.channels, cb = b.channels, n = a.width * a.height;
  let s = 0, cnt = 0;
  for (let i = 0; i < n; i++) {
    if (region && !region.data[i]) continue;
    for (let k = 0; k < 3; k++) { const d = a.data[i * ca + Math.min(k, ca - 1)] - b.data[i * cb + Math.min(k, cb - 1)]; s += d * d; }
    cnt += 3;
  }
  return cnt ? s / cnt : 0;
}

/** PSNR in dB (data range 1). Identical inputs give Infinity. */
export function psnr(a: FloatFrame, b: FloatFrame, region?: Mask): number {
  const m = mse(a, b, region);
  return m > 0 ? 10 * Math.log10(1 / m) : Infinity;
}

function gaussianKernel(size = 11, sigma = 1.5): Float32Array {
  const k = new Float32Array(size);
  const r = (size - 1) / 2;
  let s = 0;
  for (let i = 0; i < size; i++) { k[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)); s += k[i]; }
  for (let i = 0; i < size; i++) k[i] /= s;
  return k;
}

/** Separable 'valid' Gaussian filtering of a plane. */
function filterValid(src: Float32Array, w: number, h: number, k: Float32Array): { data: Float32Array; w: number; h: number } {
  const K = k.length, ow = w - K + 1, oh = h - K + 1;
  const tmp = new Float32Array(ow * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < ow; x++) { let s = 0; for (let j = 0; j < K; j++) s += k[j] * src[y * w + x + j]; tmp[y * ow + x] = s; }
  const out = new Float32Array(ow * oh);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) { let s = 0; for (let j = 0; j < K; j++) s += k[j] * tmp[(y + j) * ow + x]; out[y * ow + x] = s; }
  return { data: out, w: ow, h: oh };
}

/**
 * SSIM (Wang et al. 2004): Gaussian window 11×11, σ = 1.5, K1 = 0.01, K2 = 0.03, range 1, per
 * channel, averaged. With `region`, the SSIM map is averaged over window centres inside the
 * region (bounding-box crop of the region grown by the window radius is used for speed).
 */
export function ssim(a: FloatFrame, b: FloatFrame, region?: Mask): number {
  const C1 = 0.01 ** 2, C2 = 0.03 ** 2;
  const k = gaussianKernel();
  const R = 5;
  let x0 = 0, y0 = 0, x1 = a.width - 1, y1 = a.height - 1;
  if (region) {
    x0 = a.width; y0 = a.height; x1 = -1; y1 = -1;
    for (let y = 0; y < a.height; y++) for (let x = 0; x < a.width; x++) if (region.data[y * a.width + x]) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
    if (x1 < 0) return 1;
    x0 = Math.max(0, x0 - R); y0 = Math.max(0, y0 - R); x1 = Math.min(a.width - 1, x1 + R); y1 = Math.min(a.height - 1, y1 + R);
    if (x1 - x0 + 1 < 11) { x0 = Math.max(0, Math.min(x0, a.width - 11)); x1 = Math.min(a.width - 1, x0 + 10); }
    if (y1 - y0 + 1 < 11) { y0 = Math.max(0, Math.min(y0, a.height - 11)); y1 = Math.min(a.height - 1, y0 + 10); }
  }
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  if (w < 11 || h < 11) return mse(a, b, region) === 0 ? 1 : 0;
  let total = 0;
  for (let ch = 0; ch < 3; ch++) {
    const A = new Float32Array(w * h), B = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = (y + y0) * a.width + x + x0;
      A[y * w + x] = a.data[i * a.channels + Math.min(ch, a.channels - 1)];
      B[y * w + x] = b.data[i * b.channels + Math.min(ch, b.channels - 1)];
    }
    const AA = A.map((v) => v * v), BB = B.map((v) => v * v), AB = A.map((v, i) => v * B[i]);
    const mA = filterValid(A, w, h, k), mB = filterValid(B, w, h, k);
    const sAA = filterValid(AA, w, h, k), sBB = filterValid(BB, w, h, k), sAB = filterValid(AB, w, h, k);
    let s = 0, n = 0;
    for (let y = 0; y < mA.h; y++) for (let x = 0; x < mA.w; x++) {
      if (region && !region.data[(y + R + y0) * a.width + x + R + x0]) continue;
      const i = y * mA.w + x;
      const ma = mA.data[i], mb = mB.data[i];
      const va = sAA.data[i] - ma * ma, vb = sBB.data[i] - mb * mb, cov = sAB.data[i] - ma * mb;
      s += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
      n++;
    }
    total += n ? s / n : 1;
  }
  return total / 3;
}

/** Flows between consecutive frames t−1, t for the warping error: back = F_{t→t−1}, fwd = F_{t−1→t}. */
export interface WarpPairFlows { back: FlowField; fwd: FlowField }

/** The flows warpingError takes for consecutive frames of a clip, from our own flow. */
export function warpPairFlows(frames: FloatFrame[]): WarpPairFlows[] {
  const out: WarpPairFlows[] = [];
  for (let t = 1; t < frames.length; t++) {
    const { fwd, bwd } = computeFlowPair(frames[t], frames[t - 1]);
    out.push({ back: fwd, fwd: bwd });
  }
  return out;
}

/**
 * Flow warping error E_warp (Lai et al. 2018) per quality.md: mean over t of the masked mean of
 * ‖V_t − W(V_{t−1})‖² (squared RGB distance) over non-occluded pixels. `flows[t-1]` belongs to the
 * pair (t−1, t) and must come from the source/ground truth, not the output being judged. With
 * `hole`, only pixels inside hole[t] or hole[t−1] count (E_warp in the hole).
 */
export function warpingError(frames: FloatFrame[], flows: WarpPairFlows[], hole?: Mask[]): number {
  let sum = 0, pairs = 0;
  for (let t = 1; t < frames.length; t++) {
    const { back, fwd } = flows[t - 1];
    const { frame: warped, valid } = warpBilinear(frames[t - 1], back);
    // non-occlusion M_t: consistency of F_{t→t−1} with F_{t−1→t}
    const { valid: M } = fbConsistency(back, fwd);
    const c = frames[t].channels, cw = warped.channels;
    let s = 0, n = 0;
    for (let i = 0; i < M.data.length; i++) {
      if (!M.data[i] || !valid.data[i]) continue;
      if (hole && !hole[t].data[i] && !hole[t - 1].data[i]) continue;
      let d = 0;
      for (let k = 0; k < 3; k++) { const e = frames[t].data[i * c + k] - warped.data[i * cw + k]; d += e * e; }
      s += d; n++;
    }
    if (n > 0) { sum += s / n; pairs++; }
  }
  return pairs ? sum / pairs : 0;
}

/** Mean absolute difference over RGB between two frames. */
export function meanAbsDiff(a: FloatFrame, b: FloatFrame): number {
  const n = a.width * a.height;
  let s = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) s += Math.abs(a.data[i * a.channels + Math.min(k, a.channels - 1)] - b.data[i * b.channels + Math.min(k, b.channels - 1)]);
  return s / (3 * n);
}

/**
 * Seam change of a shot extension (quality.md): mean |last source − first generated| divided by
 * the median of the same quantity between consecutive source frames (pass the last second).
 */
export function seamChange(sourceTail: FloatFrame[], firstGenerated: FloatFrame, lastSource = sourceTail[sourceTail.length - 1]): number {
  const diffs: number[] = [];
  for (let t = 1; t < sourceTail.length; t++) diffs.push(meanAbsDiff(sourceTail[t - 1], sourceTail[t]));
  diffs.sort((x, y) => x - y);
  const med = diffs.length ? (diffs.length % 2 ? diffs[(diffs.length - 1) / 2] : 0.5 * (diffs[diffs.length / 2 - 1] + diffs[diffs.length / 2])) : 0;
  const seam = meanAbsDiff(lastSource, firstGenerated);
  return med > 1e-9 ? seam / med : seam > 1e-9 ? Infinity : 0;
}

/** Count of pixels where a and b differ in any channel outside `edited` (must be 0). */
export function changedOutside(a: FloatFrame, b: FloatFrame, edited: Mask): number {
  const c = a.channels;
  let n = 0;
  for (let i = 0; i < a.width * a.height; i++) {
    if (edited.data[i]) continue;
    for (let k = 0; k < c; k++) if (a.data[i * c + k] !== b.data[i * c + k]) { n++; break; }
  }
  return n;
}
