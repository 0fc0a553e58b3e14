import { StudioError, type FloatFrame } from '@synthetic-studio/shared';

const INF = 1e20;

/** 1-D squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012). */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
  }
}

/**
 * Exact Euclidean distance (in pixels) from every pixel to the nearest pixel whose mask value is
 * ≥ threshold (0 inside). Pure; O(pixels).
 */
export function maskDistance(mask: FloatFrame, threshold = 0.5): Float32Array {
  if (mask.channels !== 1) throw new StudioError('E_INTERNAL', 'maskDistance expects a single-channel mask.');
  const { width: w, height: h, data } = mask;
  const n = Math.max(w, h);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const grid = new Float64Array(w * h);
  for (let i = 0; i < w * h; i++) grid[i] = data[i] >= threshold ? 0 : INF;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = grid[y * w + x];
    edt1d(f, h, d, v, z);
    for (let y = 0; y < h; y++) grid[y * w + x] = d[y];
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) f[x] = grid[y * w + x];
    edt1d(f, w, d, v, z);
    for (let x = 0; x < w; x++) out[y * w + x] = Math.sqrt(d[x]);
  }
  return out;
}

/** Grow the mask by `px` pixels (Euclidean disc): every pixel within px of the mask becomes 1. Pure. */
export function dilateMask(mask: FloatFrame, px: number): FloatFrame {
  const out = new Float32Array(mask.data);
  if (px > 0) {
    const dist = maskDistance(mask);
    for (let i = 0; i < out.length; i++) if (dist[i] <= px) out[i] = 1;
  }
  return { width: mask.width, height: mask.height, channels: 1, data: out };
}

/**
 * Soft edge of `px` pixels outside the mask: value 1 − d/(px+1) at distance d from it, so the
 * edge reaches exactly 0 beyond px pixels and nothing farther away is touched. Pure.
 */
export function featherMask(mask: FloatFrame, px: number): FloatFrame {
  const out = new Float32Array(mask.data);
  if (px > 0) {
    const dist = maskDistance(mask);
    for (let i = 0; i < out.length; i++) {
      const d = dist[i];
      if (d > 0 && d <= px) out[i] = Math.max(out[i], 1 - d / (px + 1));
    }
  }
  return { width: mask.width, height: mask.height, channels: 1, data: out };
}

/** Bilinear resize of a single-channel mask (pixel centres aligned). */
export function resizeMask(mask: FloatFrame, width: number, height: number): FloatFrame {
  const { width: sw, height: sh, data } = mask;
  const out = new Float32Array(width * height);
  const sx = sw / width;
  const sy = sh / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(sh - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(sw - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const wx = fx - x0;
      const a = data[y0 * sw + x0] * (1 - wx) + data[y0 * sw + x1] * wx;
      const b = data[y1 * sw + x0] * (1 - wx) + data[y1 * sw + x1] * wx;
      out[y * width + x] = a * (1 - wy) + b * wy;
    }
  }
  return { width, height, channels: 1, data: out };
}

/** True when no pixel is selected. */
export function isMaskEmpty(mask: FloatFrame): boolean {
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] > 0) return false;
  return true;
}
