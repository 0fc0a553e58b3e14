import type { FloatFrame } from '@synthetic-studio/shared';
import { createMask, type Mask } from './types.js';

/** Binary mask from a single-channel (or first-channel) frame: value > threshold. */
export function maskFromFrame(f: FloatFrame, threshold = 0.5): Mask {
  const m = createMask(f.width, f.height);
  for (let i = 0, j = 0; i < m.data.length; i++, j += f.channels) m.data[i] = f.data[j] > threshold ? 1 : 0;
  return m;
}

export function maskToFrame(m: Mask): FloatFrame {
  const d = new Float32Array(m.data.length);
  for (let i = 0; i < d.length; i++) d[i] = m.data[i] ? 1 : 0;
  return { width: m.width, height: m.height, channels: 1, data: d };
}

/**
 * Dilate by `radius` pixels with a disc (exact Euclidean, via a separable distance transform
 * bound: squared distance to the nearest set pixel ≤ radius²).
 */
export function dilateMask(m: Mask, radius: number): Mask {
  const { width: w, height: h } = m;
  const out = createMask(w, h);
  if (radius <= 0) { out.data.set(m.data); return out; }
  if (radius < Math.SQRT2) return dilateCross(m, out);
  const INF = 1e9;
  const r = Math.ceil(radius), r2 = radius * radius, md = m.data, od = out.data;
  // only the set pixels' bounding box, grown by r, can change
  let bx0 = w, bx1 = -1, by0 = h, by1 = -1;
  for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++, i++) if (md[i]) { if (x < bx0) bx0 = x; if (x > bx1) bx1 = x; if (y < by0) by0 = y; if (y > by1) by1 = y; }
  if (bx1 < 0) return out;
  const X0 = Math.max(0, bx0 - r), X1 = Math.min(w - 1, bx1 + r), gw = X1 - X0 + 1;
  // 1-D distance to the nearest set pixel in the row, for the rows that have set pixels
  // (brute force within radius; radius is small)
  const g = new Float32Array(gw * (by1 - by0 + 1));
  for (let y = by0; y <= by1; y++) {
    const gr = (y - by0) * gw, mr = y * w;
    let last = -INF;
    for (let x = X0; x <= X1; x++) { if (md[mr + x]) last = x; g[gr + x - X0] = x - last; }
    last = INF;
    for (let x = X1; x >= X0; x--) { if (md[mr + x]) last = x; const d = last - x; if (d < g[gr + x - X0]) g[gr + x - X0] = d; }
  }
  for (let y = Math.max(0, by0 - r), ye = Math.min(h - 1, by1 + r); y <= ye; y++) {
    const da = Math.max(-r, by0 - y), db = Math.min(r, by1 - y);
    for (let x = X0; x <= X1; x++) {
      let hit = 0;
      for (let dy = da; dy <= db && !hit; dy++) {
        const gx = g[(y + dy - by0) * gw + x - X0];
        if (gx * gx + dy * dy <= r2) hit = 1;
      }
      od[y * w + x] = hit;
    }
  }
  return out;
}

/** Dilation by a radius in [1, √2): the pixel and its 4 neighbours (the disk's only grid points). */
function dilateCross(m: Mask, out: Mask): Mask {
  const { width: w, height: h } = m, a = m.data, o = out.data;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      o[i] = a[i] | (x > 0 ? a[i - 1] : 0) | (x < w - 1 ? a[i + 1] : 0) | (y > 0 ? a[i - w] : 0) | (y < h - 1 ? a[i + w] : 0) ? 1 : 0;
    }
  }
  return out;
}

export function erodeMask(m: Mask, radius: number): Mask {
  const inv = createMask(m.width, m.height);
  for (let i = 0; i < inv.data.length; i++) inv.data[i] = m.data[i] ? 0 : 1;
  const d = dilateMask(inv, radius);
  for (let i = 0; i < d.data.length; i++) d.data[i] = d.data[i] ? 0 : 1;
  return d;
}

/** Pixels outside m that touch m (4-neighbourhood). */
export function outerRing(m: Mask): Mask {
  const { width: w, height: h } = m;
  const out = createMask(w, h);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      if (m.data[i]) continue;
      if ((x > 0 && m.data[i - 1]) || (x < w - 1 && m.data[i + 1]) || (y > 0 && m.data[i - w]) || (y < h - 1 && m.data[i + w])) out.data[i] = 1;
    }
  }
  return out;
}

export function orMasks(a: Mask, b: Mask): Mask {
  const out = createMask(a.width, a.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] | b.data[i];
  return out;
}

/** Nearest-neighbour resize of a mask (any sample set in the source area counts when shrinking). */
export function resizeMask(m: Mask, width: number, height: number): Mask {
  if (m.width === width && m.height === height) return { width, height, data: new Uint8Array(m.data) };
  const out = createMask(width, height);
  const fx = m.width / width, fy = m.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * fy), y1 = Math.max(y0 + 1, Math.ceil((y + 1) * fy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * fx), x1 = Math.max(x0 + 1, Math.ceil((x + 1) * fx));
      let v = 0;
      for (let yy = y0; yy < y1 && yy < m.height && !v; yy++) for (let xx = x0; xx < x1 && xx < m.width; xx++) if (m.data[yy * m.width + xx]) { v = 1; break; }
      out.data[y * width + x] = v;
    }
  }
  return out;
}

/** Indices of the set pixels. */
export function maskIndices(m: Mask): Int32Array {
  let n = 0;
  for (let i = 0; i < m.data.length; i++) if (m.data[i]) n++;
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < m.data.length; i++) if (m.data[i]) out[k++] = i;
  return out;
}

/** Run-length encoding of a binary mask (alternating run lengths, starting with a 0-run): tiny for real masks, so long clips can keep every tracked mask in memory. */
export function encodeMaskRle(m: Mask): { width: number; height: number; runs: Uint32Array } {
  const runs: number[] = [];
  let cur = 0, len = 0;
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i] ? 1 : 0;
    if (v === cur) len++;
    else { runs.push(len); cur = v; len = 1; }
  }
  runs.push(len);
  return { width: m.width, height: m.height, runs: Uint32Array.from(runs) };
}

export function decodeMaskRle(r: { width: number; height: number; runs: Uint32Array }): Mask {
  const out = createMask(r.width, r.height);
  let p = 0, v = 0;
  for (let k = 0; k < r.runs.length; k++) { if (v) out.data.fill(1, p, p + r.runs[k]); p += r.runs[k]; v ^= 1; }
  return out;
}
