/**
 * Pixel-side helpers: FloatFrame ⇄ NCHW tensors with each model's value range, resampling, masks
 * at latent resolution. FloatFrames are interleaved [0,1]; tensors are planar.
 */
import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';

/** '-1..1': x·2−1 (diffusers); 'iclight': x·255/127.5… IC-Light's x/127−1 on 8-bit values; '0..1': as is. */
export type PixelRange = '-1..1' | '0..1' | 'iclight';

/** Affine maps [0,1] → model range and back: v·scale + offset. */
function rangeMap(range: PixelRange): { scale: number; offset: number } {
  if (range === '-1..1') return { scale: 2, offset: -1 };
  if (range === 'iclight') return { scale: 255 / 127, offset: -1 };
  return { scale: 1, offset: 0 };
}

/** RGB planes [3,H,W] of a frame (grey frames are replicated, alpha is ignored). */
export function frameToPlanes(f: FloatFrame, range: PixelRange): Float32Array {
  const n = f.width * f.height;
  const out = new Float32Array(3 * n);
  const { scale, offset } = rangeMap(range);
  const C = f.channels;
  const d = f.data;
  for (let c = 0; c < 3; c++) {
    const src = C === 1 ? 0 : c;
    const base = c * n;
    for (let p = 0, q = src; p < n; p++, q += C) out[base + p] = d[q] * scale + offset;
  }
  return out;
}

/** A 3-channel FloatFrame from RGB planes, mapped back to [0,1] and clamped. */
export function planesToFrame(planes: Float32Array, width: number, height: number, range: PixelRange): FloatFrame {
  const n = width * height;
  if (planes.length < 3 * n) throw new StudioError('E_INTERNAL', `expected ${3 * n} values, got ${planes.length}`);
  const data = new Float32Array(3 * n);
  const { scale, offset } = rangeMap(range);
  const inv = 1 / scale;
  for (let c = 0; c < 3; c++) {
    const base = c * n;
    for (let p = 0, q = c; p < n; p++, q += 3) {
      const v = (planes[base + p] - offset) * inv;
      data[q] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return { width, height, channels: 3, data };
}

/**
 * Separable resampling with a triangle (bilinear) kernel widened for downscaling (antialiased, like
 * PIL's BILINEAR), half-pixel centres. Works on any channel count.
 */
export function resizeFrame(f: FloatFrame, width: number, height: number): FloatFrame {
  if (f.width === width && f.height === height) return { ...f, data: new Float32Array(f.data) };
  const C = f.channels;
  const tmp = new Float32Array(width * f.height * C);
  resample1d(f.data, f.width, f.height, C, width, tmp, true);
  const out = new Float32Array(width * height * C);
  resample1d(tmp, f.height, width, C, height, out, false);
  return { width, height, channels: f.channels, data: out };
}

function resample1d(src: Float32Array, inLen: number, other: number, C: number, outLen: number, dst: Float32Array, horizontal: boolean): void {
  const scale = inLen / outLen;
  const support = Math.max(1, scale);
  for (let o = 0; o < outLen; o++) {
    const centre = (o + 0.5) * scale - 0.5;
    const lo = Math.max(0, Math.floor(centre - support + 1));
    const hi = Math.min(inLen - 1, Math.ceil(centre + support - 1));
    let wsum = 0;
    const taps: [number, number][] = [];
    for (let i = lo; i <= hi; i++) {
      const w = Math.max(0, 1 - Math.abs(i - centre) / support);
      if (w > 0) { taps.push([i, w]); wsum += w; }
    }
    if (taps.length === 0) taps.push([Math.min(inLen - 1, Math.max(0, Math.round(centre))), 1]), (wsum = 1);
    for (let k = 0; k < other; k++) {
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (const [i, w] of taps) acc += w * src[horizontal ? (k * inLen + i) * C + c : (i * other + k) * C + c];
        dst[horizontal ? (k * outLen + o) * C + c : (o * other + k) * C + c] = acc / wsum;
      }
    }
  }
}

/** Resize planar [C,H,W] data with the same kernel (used for multi-scale decoder outputs). */
export function resizePlanes(planes: Float32Array, C: number, w: number, h: number, W: number, H: number): Float32Array {
  const out = new Float32Array(C * W * H);
  for (let c = 0; c < C; c++) {
    const r = resizeFrame({ width: w, height: h, channels: 1, data: planes.subarray(c * w * h, (c + 1) * w * h) }, W, H);
    out.set(r.data, c * W * H);
  }
  return out;
}

/** A single-channel [0,1] mask from any frame (first channel, or alpha of RGBA). */
export function maskChannel(m: FloatFrame): FloatFrame {
  if (m.channels === 1) return m;
  const n = m.width * m.height;
  const data = new Float32Array(n);
  const c = m.channels === 4 ? 3 : 0;
  for (let p = 0; p < n; p++) data[p] = m.data[p * m.channels + c];
  return { width: m.width, height: m.height, channels: 1, data };
}

/** Binarized latent mask (1 = repaint) with PyTorch nearest sampling: src = floor(dst·in/out). */
export function maskToLatent(mask: FloatFrame, w: number, h: number): Float32Array {
  const m = maskChannel(mask);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(m.height - 1, Math.floor((y * m.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(m.width - 1, Math.floor((x * m.width) / w));
      out[y * w + x] = m.data[sy * m.width + sx] >= 0.5 ? 1 : 0;
    }
  }
  return out;
}

/** Square dilation of a binarized mask by r pixels (separable max). */
export function dilateMask(mask: FloatFrame, r: number): FloatFrame {
  const m = maskChannel(mask);
  const { width: W, height: H } = m;
  const bin = Float32Array.from(m.data, (v) => (v >= 0.5 ? 1 : 0));
  if (r <= 0) return { width: W, height: H, channels: 1, data: bin };
  const tmp = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let v = 0;
    for (let k = Math.max(0, x - r); k <= Math.min(W - 1, x + r) && !v; k++) v = bin[y * W + k];
    tmp[y * W + x] = v;
  }
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let v = 0;
    for (let k = Math.max(0, y - r); k <= Math.min(H - 1, y + r) && !v; k++) v = tmp[k * W + x];
    out[y * W + x] = v;
  }
  return { width: W, height: H, channels: 1, data: out };
}

/** Bounding box of mask pixels ≥ 0.5, or null when empty. */
export function maskBounds(mask: FloatFrame): { x: number; y: number; w: number; h: number } | null {
  const m = maskChannel(mask);
  let x0 = m.width, y0 = m.height, x1 = -1, y1 = -1;
  for (let y = 0; y < m.height; y++) for (let x = 0; x < m.width; x++) {
    if (m.data[y * m.width + x] >= 0.5) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

export function cropFrame(f: FloatFrame, x: number, y: number, w: number, h: number): FloatFrame {
  const C = f.channels;
  const data = new Float32Array(w * h * C);
  for (let r = 0; r < h; r++) data.set(f.data.subarray(((y + r) * f.width + x) * C, ((y + r) * f.width + x + w) * C), r * w * C);
  return { width: w, height: h, channels: f.channels, data };
}

/** Box blur (separable, radius r, edges clamped) of every channel of a frame. */
export function boxBlur(f: FloatFrame, r: number): FloatFrame {
  if (r <= 0) return f;
  const { width: w, height: h, channels: c } = f;
  const pass = (a: Float32Array, horizontal: boolean): Float32Array => {
    const out = new Float32Array(a.length);
    const len = horizontal ? w : h, lines = horizontal ? h : w;
    for (let l = 0; l < lines; l++) for (let k = 0; k < c; k++) {
      const at = (i: number) => ((horizontal ? l * w + i : i * w + l) * c + k);
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += a[at(Math.min(len - 1, Math.max(0, i)))];
      for (let i = 0; i < len; i++) {
        out[at(i)] = acc / (2 * r + 1);
        acc += a[at(Math.min(len - 1, i + r + 1))] - a[at(Math.max(0, i - r))];
      }
    }
    return out;
  };
  return { width: w, height: h, channels: c, data: pass(pass(f.data, true), false) };
}
