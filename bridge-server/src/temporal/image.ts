import type { FloatFrame } from '@synthetic-studio/shared';
import { createPlane, type Plane } from './types.js';

/** Rec.601 luma of a frame, scaled to 0..255 (the flow engine's internal intensity unit). */
export function toGray255(f: FloatFrame): Plane {
  const out = createPlane(f.width, f.height);
  for (let y = 0; y < f.height; y++) grayRow(f.data, f.channels, f.width, y, out.data.subarray(y * f.width, (y + 1) * f.width));
  return out;
}

/**
 * Half-size image: a [1 4 6 4 1]/16 blur (clamped borders) then the mean of each 2x2 block (clamped indices), computed in one pass.
 * Both steps are separable, so per axis they compose to the 6-tap [1 5 10 10 5 1]/32 filter evaluated
 * at even positions only; only the first and last output column/row touch the clamped border, and
 * those use the exact composition of the clamped 5-tap blur with the clamped pair mean.
 */
export function downsample2(src: Plane): Plane {
  return halve(src.width, src.height, src.data, 0);
}

/**
 * downsample2(toGray255(f)) without the full-size grey plane: each grey row is made just before
 * the horizontal pass needs it. Same values as the two-step form up to float rounding.
 */
export function grayHalf255(f: FloatFrame): Plane {
  return halve(f.width, f.height, f.data, f.channels);
}

/** Grey row y (Rec.601 luma × 255) of a frame with c channels into row[0..w). */
function grayRow(d: Float32Array, c: number, w: number, y: number, row: Float32Array): void {
  if (c === 1) {
    for (let x = 0, j = y * w; x < w; x++, j++) row[x] = d[j] * 255;
  } else {
    for (let x = 0, j = y * w * c; x < w; x++, j += c) row[x] = (0.299 * d[j] + 0.587 * d[j + 1] + 0.114 * d[j + 2]) * 255;
  }
}

/** Unnormalised clamped [1 4 6 4 1] at position p of r[off + 0..m]. */
function tap5(r: Float32Array, off: number, p: number, m: number): number {
  const p0 = p < 2 ? 0 : p - 2, p1 = p < 1 ? 0 : p - 1, p3 = p + 1 > m ? m : p + 1, p4 = p + 2 > m ? m : p + 2;
  return r[off + p0] + 4 * r[off + p1] + 6 * r[off + p] + 4 * r[off + p3] + r[off + p4];
}

/** Horizontal half-size filter of the w-wide row at r[off..] into dst[t .. t + w2). */
function halveRow(r: Float32Array, off: number, w: number, dst: Float32Array, t: number): void {
  const w2 = w > 1 ? w >> 1 : 1, m = w - 1;
  dst[t] = (tap5(r, off, 0, m) + tap5(r, off, m < 1 ? m : 1, m)) * 0.03125;
  if (w2 === 1) return;
  // taps 2x-2 .. 2x+3 of the output columns 1 .. w2-2 are all inside the row
  let a = r[off], b = r[off + 1], c = r[off + 2], d = r[off + 3];
  for (let x = 1, i = off + 4; x < w2 - 1; x++, i += 2) {
    const e = r[i], f = r[i + 1];
    dst[t + x] = (a + f + 5 * (b + e) + 10 * (c + d)) * 0.03125;
    a = c; b = d; c = e; d = f;
  }
  dst[t + w2 - 1] = (tap5(r, off, 2 * w2 - 2, m) + tap5(r, off, 2 * w2 - 1, m)) * 0.03125;
}

/**
 * The half-size filter of a w x h image: a grey plane (channels 0) or a frame whose grey rows are
 * made on the fly. Horizontal results live in a ring of 8 half-width rows (an output row needs 6
 * consecutive ones), so no full-size temporary is allocated.
 */
function halve(w: number, h: number, src: Float32Array, channels: number): Plane {
  const w2 = w > 1 ? w >> 1 : 1, h2 = h > 1 ? h >> 1 : 1, ym = h - 1;
  const out = createPlane(w2, h2);
  const o = out.data;
  const ring = new Float32Array(8 * w2);
  const row = channels > 0 ? new Float32Array(w) : src;
  let next = 0; // next source row to filter into the ring
  for (let y2 = 0; y2 < h2; y2++) {
    const a = 2 * y2, last = a + 3 > ym ? ym : a + 3;
    for (; next <= last; next++) {
      if (channels > 0) grayRow(src, channels, w, next, row);
      halveRow(row, channels > 0 ? 0 : next * w, w, ring, (next & 7) * w2);
    }
    const ro = y2 * w2;
    if (y2 > 0 && y2 < h2 - 1) {
      const r0 = ((a - 2) & 7) * w2, r1 = ((a - 1) & 7) * w2, r2 = (a & 7) * w2;
      const r3 = ((a + 1) & 7) * w2, r4 = ((a + 2) & 7) * w2, r5 = ((a + 3) & 7) * w2;
      for (let x = 0; x < w2; x++) {
        o[ro + x] = (ring[r0 + x] + ring[r5 + x] + 5 * (ring[r1 + x] + ring[r4 + x]) + 10 * (ring[r2 + x] + ring[r3 + x])) * 0.03125;
      }
    } else {
      // border row: clamped 5-tap around rows a and b = min(a + 1, h - 1), as weights on ring rows
      const b = a + 1 > ym ? ym : a + 1;
      const offs: number[] = [], wts: number[] = [];
      for (const c of [a, b]) {
        for (let d = -2; d <= 2; d++) {
          const y = c + d < 0 ? 0 : c + d > ym ? ym : c + d;
          offs.push((y & 7) * w2); wts.push((d === 0 ? 6 : d === 1 || d === -1 ? 4 : 1) * 0.03125);
        }
      }
      for (let x = 0; x < w2; x++) {
        let acc = 0;
        for (let k = 0; k < 10; k++) acc += wts[k] * ring[offs[k] + x];
        o[ro + x] = acc;
      }
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
