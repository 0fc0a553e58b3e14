/**
 * Latent-space helpers for temporal consistency across frames (docs/diffusion.md §6.0, §6.3–6.4):
 * flow-warped initial noise and cross-frame latent fusion inside a mask. Flows follow the project
 * convention: F_{a→b}(p) = (dx, dy) so that pixel p of frame a matches p + F(p) in frame b; stored
 * planar [2, H, W]. To pull previous-frame content onto the current frame use F_{cur→prev}.
 */
import { StudioError } from '@synthetic-studio/shared';
import { deriveSeed, SeededRandom } from '../random.js';

/** Pixel-resolution flow [2,H,W] → latent resolution [2,h,w] (area average, values divided by the scale). */
export function flowToLatent(flow: Float32Array, W: number, H: number, w: number, h: number): Float32Array {
  if (flow.length !== 2 * W * H) throw new StudioError('E_VALIDATION', `flow has ${flow.length} values, expected 2x${H}x${W}`);
  const out = new Float32Array(2 * w * h);
  const sx = W / w, sy = H / h;
  for (let c = 0; c < 2; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let acc = 0, n = 0;
    for (let yy = Math.floor(y * sy); yy < Math.min(H, Math.floor((y + 1) * sy)); yy++) for (let xx = Math.floor(x * sx); xx < Math.min(W, Math.floor((x + 1) * sx)); xx++) {
      acc += flow[c * W * H + yy * W + xx];
      n++;
    }
    out[c * w * h + y * w + x] = n ? acc / n / (c === 0 ? sx : sy) : 0;
  }
  return out;
}

/**
 * Noise for the current frame that follows the motion: each latent pixel takes the previous frame's
 * noise at p + F_{cur→prev}(p) (nearest). Pixels whose source is outside the frame, invalid
 * (`valid[p] = 0`, e.g. failed forward–backward check) or already claimed by another pixel get fresh
 * seeded N(0,1) noise, so every pixel stays standard normal and no sample is duplicated.
 * (A nearest-neighbour approximation of "How I Warped Your Noise"'s ∫-noise, without its sub-pixel
 * conditional upsampling.)
 */
export function warpNoise(prev: Float32Array, flowCurToPrev: Float32Array, w: number, h: number, seed: number, valid?: ArrayLike<number>): Float32Array {
  const hw = w * h;
  const C = prev.length / hw;
  if (!Number.isInteger(C) || flowCurToPrev.length !== 2 * hw) throw new StudioError('E_VALIDATION', `noise/flow sizes do not match ${w}x${h}`);
  const fresh = new SeededRandom(deriveSeed(seed, 0x6e6f6973));
  const out = new Float32Array(prev.length);
  const claimed = new Uint8Array(hw);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x;
    const sx = Math.round(x + flowCurToPrev[p]);
    const sy = Math.round(y + flowCurToPrev[hw + p]);
    const ok = (!valid || valid[p] > 0) && sx >= 0 && sy >= 0 && sx < w && sy < h && !claimed[sy * w + sx];
    if (ok) claimed[sy * w + sx] = 1;
    for (let c = 0; c < C; c++) out[c * hw + p] = ok ? prev[c * hw + sy * w + sx] : fresh.gaussian();
  }
  return out;
}

/** Backward-warp latents [C,h,w] bilinearly by a latent-resolution flow (outside → 0, validity returned). */
export function warpLatents(src: Float32Array, flowCurToPrev: Float32Array, w: number, h: number): { warped: Float32Array; valid: Float32Array } {
  const hw = w * h;
  const C = src.length / hw;
  const warped = new Float32Array(src.length);
  const valid = new Float32Array(hw);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x;
    const fx = x + flowCurToPrev[p], fy = y + flowCurToPrev[hw + p];
    if (fx < 0 || fy < 0 || fx > w - 1 || fy > h - 1) continue;
    const x0 = Math.floor(fx), y0 = Math.floor(fy);
    const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
    const ax = fx - x0, ay = fy - y0;
    valid[p] = 1;
    for (let c = 0; c < C; c++) {
      const b = c * hw;
      warped[b + p] = (1 - ay) * ((1 - ax) * src[b + y0 * w + x0] + ax * src[b + y0 * w + x1]) + ay * ((1 - ax) * src[b + y1 * w + x0] + ax * src[b + y1 * w + x1]);
    }
  }
  return { warped, valid };
}

/**
 * Cross-frame latent fusion: `current·(1 − s·m) + reference·s·m`, m = per-pixel weight in [0,1]
 * (e.g. edit mask × flow validity at latent resolution). Use from an `onStep` callback.
 */
export function fuseLatents(current: Float32Array, reference: Float32Array, mask: ArrayLike<number>, strength = 1): Float32Array {
  const hw = mask.length;
  const out = new Float32Array(current.length);
  for (let k = 0; k < current.length; k++) {
    const m = Math.min(1, Math.max(0, mask[k % hw] * strength));
    out[k] = current[k] * (1 - m) + reference[k] * m;
  }
  return out;
}
