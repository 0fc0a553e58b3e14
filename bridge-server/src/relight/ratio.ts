import type { FloatFrame } from '@synthetic-studio/shared';
import { guidedFilter } from './filters.js';

/** Per-pixel, per-channel multiplicative light change (linear light), interleaved RGB. */
export interface RatioMap {
  width: number;
  height: number;
  data: Float32Array;
}

/** Bounds on any single ratio so noise in a dark estimate cannot blow a pixel up. */
export const RATIO_MIN = 1 / 16;
export const RATIO_MAX = 16;

/**
 * (target / source)^strength per pixel and channel. `source` may be RGB or grey (3 equal
 * channels); both interleaved RGB of the same size.
 */
export function shadingRatio(target: Float32Array, source: Float32Array, width: number, height: number, strength = 1): RatioMap {
  const n = width * height * 3;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.max(target[i], 0) / Math.max(source[i], 1e-4);
    out[i] = clampRatio(strength === 1 ? r : Math.pow(Math.max(r, 1e-6), strength));
  }
  return { width, height, data: out };
}

export interface SmoothOptions {
  /** Guided-filter radius as a fraction of the shorter side (default 0.02). */
  radius?: number;
  /** Edge threshold in (log luminance)² of the guide (default 0.02). */
  eps?: number;
}

/**
 * Edge-aware smoothing of a ratio map in the log domain, guided by the log luminance of the frame
 * it belongs to (same size): noise from the normal estimate goes, light edges that follow image
 * edges stay.
 */
export function smoothRatio(ratio: RatioMap, guideLum: Float32Array, opts: SmoothOptions = {}): RatioMap {
  const { width, height } = ratio;
  const n = width * height;
  const r = Math.max(1, Math.round((opts.radius ?? 0.02) * Math.min(width, height)));
  const eps = opts.eps ?? 0.02;
  const guide = new Float32Array(n);
  for (let i = 0; i < n; i++) guide[i] = Math.log(Math.max(guideLum[i], 0) + 0.01);
  const out = new Float32Array(n * 3);
  const plane = new Float32Array(n);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) plane[i] = Math.log(ratio.data[i * 3 + c]);
    const s = guidedFilter(guide, plane, width, height, r, eps);
    for (let i = 0; i < n; i++) out[i * 3 + c] = clampRatio(Math.exp(s[i]));
  }
  return { width, height, data: out };
}

/** Bilinear resize (pixel-centre aligned) of a ratio map to another grid. */
export function resizeRatio(ratio: RatioMap, width: number, height: number): RatioMap {
  if (ratio.width === width && ratio.height === height) return ratio;
  const { width: w, height: h, data } = ratio;
  const out = new Float32Array(width * height * 3);
  const sx = w / width;
  const sy = h / height;
  for (let y = 0; y < height; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    fy = fy < 0 ? 0 : fy > h - 1 ? h - 1 : fy;
    const y0 = fy | 0;
    const y1 = y0 + 1 < h ? y0 + 1 : y0;
    const ay = fy - y0;
    for (let x = 0; x < width; x++) {
      let fx = (x + 0.5) * sx - 0.5;
      fx = fx < 0 ? 0 : fx > w - 1 ? w - 1 : fx;
      const x0 = fx | 0;
      const x1 = x0 + 1 < w ? x0 + 1 : x0;
      const ax = fx - x0;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const a = data[(y0 * w + x0) * 3 + c] * (1 - ax) + data[(y0 * w + x1) * 3 + c] * ax;
        const b = data[(y1 * w + x0) * 3 + c] * (1 - ax) + data[(y1 * w + x1) * 3 + c] * ax;
        out[o + c] = a + (b - a) * ay;
      }
    }
  }
  return { width, height, data: out };
}

/**
 * Multiplies a linear-light frame by the ratio (resized to the frame when needed). Alpha and
 * single-channel frames: alpha is kept, grey frames take the ratio's luminance. No clipping:
 * HDR values stay above 1.
 */
export function applyRatio(frame: FloatFrame, ratio: RatioMap): FloatFrame {
  const r = resizeRatio(ratio, frame.width, frame.height).data;
  const { channels, data } = frame;
  const n = frame.width * frame.height;
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    if (channels === 1) {
      out[o] = data[o] * (0.2126 * r[i * 3] + 0.7152 * r[i * 3 + 1] + 0.0722 * r[i * 3 + 2]);
      continue;
    }
    out[o] = data[o] * r[i * 3];
    out[o + 1] = data[o + 1] * r[i * 3 + 1];
    out[o + 2] = data[o + 2] * r[i * 3 + 2];
    if (channels === 4) out[o + 3] = data[o + 3];
  }
  return { width: frame.width, height: frame.height, channels, data: out };
}

export function clampRatio(v: number): number {
  return v < RATIO_MIN ? RATIO_MIN : v > RATIO_MAX ? RATIO_MAX : v;
}
