import type { FloatFrame } from '@synthetic-studio/shared';
import { createPlane, type Plane } from './types.js';

/** Rec.601 luma of a frame, scaled to 0..255 (the flow engine's internal intensity unit). */
export function toGray255(f: FloatFrame): Plane {
  const { width, height, channels, data } = f;
  const out = createPlane(width, height);
  const o = out.data;
  const n = width * height;
  if (channels === 1) {
    for (let i = 0; i < n; i++) o[i] = data[i] * 255;
  } else {
    for (let i = 0, j = 0; i < n; i++, j += channels) o[i] = (0.299 * data[j] + 0.587 * data[j + 1] + 0.114 * data[j + 2]) * 255;
  }
  return out;
}

/** Separable [1 4 6 4 1]/16 blur with clamped borders. */
export function blur5(src: Plane, tmp?: Float32Array): Plane {
  const { width: w, height: h, data: s } = src;
  const t = tmp && tmp.length >= w * h ? tmp : new Float32Array(w * h);
  const out = createPlane(w, h);
  const o = out.data;
  const xm = w - 1, ym = h - 1;
  for (let y = 0; y < h; y++) {
    const r = y * w;
    for (let x = 0; x < w; x++) {
      const x0 = x < 2 ? 0 : x - 2, x1 = x < 1 ? 0 : x - 1, x3 = x + 1 > xm ? xm : x + 1, x4 = x + 2 > xm ? xm : x + 2;
      t[r + x] = (s[r + x0] + 4 * s[r + x1] + 6 * s[r + x] + 4 * s[r + x3] + s[r + x4]) * 0.0625;
    }
  }
  for (let y = 0; y < h; y++) {
    const r0 = (y < 2 ? 0 : y - 2) * w, r1 = (y < 1 ? 0 : y - 1) * w, r = y * w;
    const r3 = (y + 1 > ym ? ym : y + 1) * w, r4 = (y + 2 > ym ? ym : y + 2) * w;
    for (let x = 0; x < w; x++) o[r + x] = (t[r0 + x] + 4 * t[r1 + x] + 6 * t[r + x] + 4 * t[r3 + x] + t[r4 + x]) * 0.0625;
  }
  return out;
}

/** Half-size image: blur then take the mean of each 2x2 block. */
export function downsample2(src: Plane): Plane {
  const b = blur5(src);
  const w2 = Math.max(1, src.width >> 1), h2 = Math.max(1, src.height >> 1);
  const out = createPlane(w2, h2);
  const { width: w, height: h } = src;
  const s = b.data, o = out.data;
  for (let y = 0; y < h2; y++) {
    const ya = Math.min(h - 1, 2 * y), yb = Math.min(h - 1, 2 * y + 1);
    for (let x = 0; x < w2; x++) {
      const xa = Math.min(w - 1, 2 * x), xb = Math.min(w - 1, 2 * x + 1);
      o[y * w2 + x] = 0.25 * (s[ya * w + xa] + s[ya * w + xb] + s[yb * w + xa] + s[yb * w + xb]);
    }
  }
  return out;
}

/** Bilinear resize of a plane (pixel centres aligned), used for working-resolution conversion. */
export function resizePlane(src: Plane, width: number, height: number): Plane {
  if (src.width === width && src.height === height) return { width, height, data: new Float32Array(src.data) };
  // Area-average first when shrinking a lot, so the bilinear sample does not alias.
  let s = src;
  while (s.width >= 2 * width && s.height >= 2 * height) s = downsample2(s);
  // an exact power-of-two reduction needs no resampling (the bilinear pass would be the identity)
  if (s.width === width && s.height === height) return s;
  const out = createPlane(width, height);
  const { width: sw, height: sh, data: sd } = s;
  const o = out.data;
  const fx = sw / width, fy = sh / height;
  for (let y = 0; y < height; y++) {
    let sy = (y + 0.5) * fy - 0.5;
    if (sy < 0) sy = 0; else if (sy > sh - 1) sy = sh - 1;
    const y0 = Math.floor(sy), y1 = y0 + 1 < sh ? y0 + 1 : y0, ay = sy - y0;
    for (let x = 0; x < width; x++) {
      let sx = (x + 0.5) * fx - 0.5;
      if (sx < 0) sx = 0; else if (sx > sw - 1) sx = sw - 1;
      const x0 = Math.floor(sx), x1 = x0 + 1 < sw ? x0 + 1 : x0, ax = sx - x0;
      const a = sd[y0 * sw + x0] + (sd[y0 * sw + x1] - sd[y0 * sw + x0]) * ax;
      const b = sd[y1 * sw + x0] + (sd[y1 * sw + x1] - sd[y1 * sw + x0]) * ax;
      o[y * width + x] = a + (b - a) * ay;
    }
  }
  return out;
}

/** Central-difference gradients with clamped borders. */
export function gradients(src: Plane): { gx: Plane; gy: Plane } {
  const { width: w, height: h, data: s } = src;
  const gx = createPlane(w, h), gy = createPlane(w, h);
  const ox = gx.data, oy = gy.data;
  for (let y = 0; y < h; y++) {
    const r = y * w, ru = (y > 0 ? y - 1 : 0) * w, rd = (y < h - 1 ? y + 1 : h - 1) * w;
    for (let x = 0; x < w; x++) {
      const xl = x > 0 ? x - 1 : 0, xr = x < w - 1 ? x + 1 : w - 1;
      ox[r + x] = (s[r + xr] - s[r + xl]) * (xr - xl === 2 ? 0.5 : 1);
      oy[r + x] = (s[rd + x] - s[ru + x]) * (rd - ru === 2 * w ? 0.5 : 1);
    }
  }
  return { gx, gy };
}

/** Bilinear sample with clamped coordinates. */
export function sampleClamped(d: Float32Array, w: number, h: number, x: number, y: number): number {
  if (x < 0) x = 0; else if (x > w - 1) x = w - 1;
  if (y < 0) y = 0; else if (y > h - 1) y = h - 1;
  const x0 = x | 0, y0 = y | 0;
  const x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
  const ax = x - x0, ay = y - y0;
  const i00 = d[y0 * w + x0], i01 = d[y0 * w + x1], i10 = d[y1 * w + x0], i11 = d[y1 * w + x1];
  const a = i00 + (i01 - i00) * ax, b = i10 + (i11 - i10) * ax;
  return a + (b - a) * ay;
}

/** Match the global mean and standard deviation of `b` to `a` (cheap exposure compensation). */
export function matchExposure(a: Plane, b: Plane): Plane {
  const n = a.data.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a.data[i]; mb += b.data[i]; }
  ma /= n; mb /= n;
  let va = 0, vb = 0;
  for (let i = 0; i < n; i++) { const da = a.data[i] - ma, db = b.data[i] - mb; va += da * da; vb += db * db; }
  const sa = Math.sqrt(va / n), sb = Math.sqrt(vb / n);
  const g = sb > 1e-6 ? sa / sb : 1;
  const out = createPlane(b.width, b.height);
  for (let i = 0; i < n; i++) out.data[i] = (b.data[i] - mb) * g + ma;
  return out;
}
