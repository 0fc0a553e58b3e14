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

/**
 * Integral noise warping ("How I Warped Your Noise", §6.3): the previous frame's noise X [C,h,w] is
 * conditionally upsampled by k (U = X/k + Z − blockmean(Z), so every k×k block sums to k·X and all
 * sub-pixels are i.i.d. N(0,1)); each current pixel p collects the sub-pixels Ω_p covered by its
 * backward-warped footprint (sampled at the k×k sub-pixel centres of p, mapped through
 * F_{cur→prev} interpolated bilinearly) and gets Σ_{Ω_p} U / √|Ω_p|. Zero flow gives X back
 * exactly; integer translations move it exactly; invalid/out-of-frame pixels get fresh noise.
 * (Polygon rasterisation of the footprint is replaced by k² point samples; sub-pixels claimed by two
 * target pixels under contracting flow correlate those neighbours, as in the paper's caveat.)
 */
export function integralNoiseWarp(prev: Float32Array, flowCurToPrev: Float32Array, w: number, h: number, seed: number, opts: { k?: number; valid?: ArrayLike<number> } = {}): Float32Array {
  const k = opts.k ?? 8;
  const hw = w * h;
  const C = prev.length / hw;
  if (!Number.isInteger(C) || flowCurToPrev.length !== 2 * hw) throw new StudioError('E_VALIDATION', `noise/flow sizes do not match ${w}x${h}`);
  const rng = new SeededRandom(deriveSeed(seed, 0x696e7467));
  const W = w * k, H = h * k;
  // conditional upsampling, per channel
  const U = new Float32Array(C * W * H);
  for (let c = 0; c < C; c++) {
    const z = rng.normal(W * H);
    for (let by = 0; by < h; by++) for (let bx = 0; bx < w; bx++) {
      let mean = 0;
      for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) mean += z[(by * k + y) * W + bx * k + x];
      mean /= k * k;
      const base = prev[c * hw + by * w + bx] / k;
      for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) {
        const q = (by * k + y) * W + bx * k + x;
        U[c * W * H + q] = base + z[q] - mean;
      }
    }
  }
  const flowAt = (fx: number, fy: number, comp: number) => {
    // bilinear on the latent grid, clamped at the borders
    const x = Math.min(w - 1, Math.max(0, fx)), y = Math.min(h - 1, Math.max(0, fy));
    const x0 = Math.floor(x), y0 = Math.floor(y), x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
    const ax = x - x0, ay = y - y0, o = comp * hw;
    return (1 - ay) * ((1 - ax) * flowCurToPrev[o + y0 * w + x0] + ax * flowCurToPrev[o + y0 * w + x1]) + ay * ((1 - ax) * flowCurToPrev[o + y1 * w + x0] + ax * flowCurToPrev[o + y1 * w + x1]);
  };
  const out = new Float32Array(prev.length);
  const fresh = new SeededRandom(deriveSeed(seed, 0x66726573));
  const seen = new Set<number>();
  for (let py = 0; py < h; py++) for (let px = 0; px < w; px++) {
    const p = py * w + px;
    seen.clear();
    let inside = !opts.valid || opts.valid[p] > 0;
    for (let sy = 0; sy < k && inside; sy++) for (let sx = 0; sx < k; sx++) {
      // sub-pixel centre in latent coordinates (pixel centres at integer + 0.5 on the k-grid)
      const cx = px + (sx + 0.5) / k, cy = py + (sy + 0.5) / k;
      const fx = flowAt(cx - 0.5, cy - 0.5, 0), fy = flowAt(cx - 0.5, cy - 0.5, 1);
      const qx = Math.floor((cx + fx) * k), qy = Math.floor((cy + fy) * k);
      if (qx < 0 || qy < 0 || qx >= W || qy >= H) { inside = false; break; }
      seen.add(qy * W + qx);
    }
    if (!inside || seen.size === 0) {
      for (let c = 0; c < C; c++) out[c * hw + p] = fresh.gaussian();
      continue;
    }
    const norm = 1 / Math.sqrt(seen.size);
    for (let c = 0; c < C; c++) {
      let acc = 0;
      for (const q of seen) acc += U[c * W * H + q];
      out[c * hw + p] = acc * norm;
    }
  }
  return out;
}
