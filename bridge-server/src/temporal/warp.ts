import type { FloatFrame } from '@synthetic-studio/shared';
import type { FlowField, Mask } from './types.js';
import { createMask } from './types.js';

/** Flow vector at a real-valued position (bilinear, clamped). The flow grid may be smaller than the frame grid: `scale` = flow size / frame size. */
export function sampleFlowAt(f: FlowField, x: number, y: number, out: Float32Array, scale = 1): void {
  const w = f.width, h = f.height;
  let fx = scale === 1 ? x : (x + 0.5) * scale - 0.5, fy = scale === 1 ? y : (y + 0.5) * scale - 0.5;
  if (fx < 0) fx = 0; else if (fx > w - 1) fx = w - 1;
  if (fy < 0) fy = 0; else if (fy > h - 1) fy = h - 1;
  const x0 = fx | 0, y0 = fy | 0;
  const x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
  const ax = fx - x0, ay = fy - y0;
  const i00 = y0 * w + x0, i01 = y0 * w + x1, i10 = y1 * w + x0, i11 = y1 * w + x1;
  const w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
  const inv = scale === 1 ? 1 : 1 / scale;
  out[0] = (f.u[i00] * w00 + f.u[i01] * w01 + f.u[i10] * w10 + f.u[i11] * w11) * inv;
  out[1] = (f.v[i00] * w00 + f.v[i01] * w01 + f.v[i10] * w10 + f.v[i11] * w11) * inv;
}

/**
 * Backward ("pull") warp: out(p) = src(p + F(p)), bilinear. With F = F_{a→b} and src = frame b,
 * the result is b aligned to a. Samples that fall outside src are 0 and marked invalid.
 */
export function warpBilinear(src: FloatFrame, flow: FlowField): { frame: FloatFrame; valid: Mask } {
  const { width: w, height: h, channels: c, data: s } = src;
  const W = flow.width, H = flow.height;
  const out = new Float32Array(W * H * c);
  const valid = createMask(W, H);
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i++) {
      const sx = x + flow.u[i], sy = y + flow.v[i];
      if (!(sx > -0.5 && sy > -0.5 && sx < w - 0.5 && sy < h - 0.5)) continue;
      valid.data[i] = 1;
      const cx = sx < 0 ? 0 : sx > w - 1 ? w - 1 : sx, cy = sy < 0 ? 0 : sy > h - 1 ? h - 1 : sy;
      const x0 = cx | 0, y0 = cy | 0, x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
      const ax = cx - x0, ay = cy - y0;
      const o00 = (y0 * w + x0) * c, o01 = (y0 * w + x1) * c, o10 = (y1 * w + x0) * c, o11 = (y1 * w + x1) * c;
      for (let k = 0; k < c; k++) {
        const a = s[o00 + k] + (s[o01 + k] - s[o00 + k]) * ax;
        const b = s[o10 + k] + (s[o11 + k] - s[o10 + k]) * ax;
        out[i * c + k] = a + (b - a) * ay;
      }
    }
  }
  return { frame: { width: W, height: H, channels: c, data: out }, valid };
}

/** Backward warp with nearest-neighbour sampling (for masks and labels). */
export function warpMaskNearest(src: Mask, flow: FlowField): Mask {
  const { width: w, height: h } = src;
  const out = createMask(flow.width, flow.height);
  for (let y = 0, i = 0; y < flow.height; y++) {
    for (let x = 0; x < flow.width; x++, i++) {
      const sx = Math.round(x + flow.u[i]), sy = Math.round(y + flow.v[i]);
      if (sx >= 0 && sy >= 0 && sx < w && sy < h) out.data[i] = src.data[sy * w + sx];
    }
  }
  return out;
}
