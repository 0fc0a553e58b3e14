import type { FlowField, Mask } from './types.js';

/** 2-D affine motion: displacement d(x, y) = (a0 + a1 x + a2 y, b0 + b1 x + b2 y). */
export interface AffineMotion { a: [number, number, number]; b: [number, number, number] }

export const ZERO_MOTION: AffineMotion = { a: [0, 0, 0], b: [0, 0, 0] };

export function affineAt(m: AffineMotion, x: number, y: number): [number, number] {
  return [m.a[0] + m.a[1] * x + m.a[2] * y, m.b[0] + m.b[1] * x + m.b[2] * y];
}

function median(a: number[]): number {
  if (a.length === 0) return 0;
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

function solve3(M: number[], r: number[]): [number, number, number] | null {
  const [a, b, c, d, e, f, g, h, i] = M;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (Math.abs(det) < 1e-9) return null;
  const inv = [(e * i - f * h), -(b * i - c * h), (b * f - c * e), -(d * i - f * g), (a * i - c * g), -(a * f - c * d), (d * h - e * g), -(a * h - b * g), (a * e - b * d)];
  return [0, 1, 2].map((k) => (inv[3 * k] * r[0] + inv[3 * k + 1] * r[1] + inv[3 * k + 2] * r[2]) / det) as [number, number, number];
}

/**
 * Robust affine fit of a flow over the selected pixels (all when `region` is null): iteratively
 * reweighted least squares with a Cauchy weight, on a subsampled grid. The flow grid may differ
 * from the region grid; coordinates are flow-grid pixels. Returns the motion in flow-grid units.
 */
export function fitAffine(f: FlowField, region: Mask | null = null, step = 2, iterations = 5, model: 'affine' | 'translation' = 'affine'): AffineMotion {
  const w = f.width, h = f.height;
  const rx = region ? region.width / w : 1, ry = region ? region.height / h : 1;
  const xs: number[] = [], ys: number[] = [], us: number[] = [], vs: number[] = [];
  for (let y = 0; y < h; y += step) for (let x = 0; x < w; x += step) {
    if (region && !region.data[Math.min(region.height - 1, Math.floor(y * ry)) * region.width + Math.min(region.width - 1, Math.floor(x * rx))]) continue;
    const i = y * w + x;
    xs.push(x / w - 0.5); ys.push(y / h - 0.5); us.push(f.u[i]); vs.push(f.v[i]);
  }
  const n = xs.length;
  if (model === 'translation') {
    // Cauchy-weighted mean, started from the median (robust to the background at the edges)
    let mu = median(us), mv = median(vs);
    for (let it = 0; it < iterations; it++) {
      const res = us.map((u, k) => Math.hypot(u - mu, vs[k] - mv));
      const s = Math.max(0.25, 1.5 * median(res));
      let su = 0, sv = 0, sw = 0;
      for (let k = 0; k < n; k++) { const q = 1 / (1 + (res[k] / s) ** 2); su += q * us[k]; sv += q * vs[k]; sw += q; }
      if (sw > 0) { mu = su / sw; mv = sv / sw; }
    }
    return { a: [mu, 0, 0], b: [mv, 0, 0] };
  }
  if (n < 3) {
    let su = 0, sv = 0;
    for (let k = 0; k < n; k++) { su += us[k]; sv += vs[k]; }
    return n ? { a: [su / n, 0, 0], b: [sv / n, 0, 0] } : { a: [0, 0, 0], b: [0, 0, 0] };
  }
  const wt = new Float64Array(n).fill(1);
  let pa: [number, number, number] = [0, 0, 0], pb: [number, number, number] = [0, 0, 0];
  for (let it = 0; it < iterations; it++) {
    const M = new Array(9).fill(0), ru = [0, 0, 0], rv = [0, 0, 0];
    for (let k = 0; k < n; k++) {
      const p = [1, xs[k], ys[k]], q = wt[k];
      for (let r = 0; r < 3; r++) { ru[r] += q * p[r] * us[k]; rv[r] += q * p[r] * vs[k]; for (let c = 0; c < 3; c++) M[3 * r + c] += q * p[r] * p[c]; }
    }
    const sa = solve3(M, ru), sb = solve3(M, rv);
    if (!sa || !sb) break;
    pa = sa; pb = sb;
    // Cauchy reweighting with a scale from the median residual
    const res = new Float64Array(n);
    for (let k = 0; k < n; k++) res[k] = Math.hypot(us[k] - (pa[0] + pa[1] * xs[k] + pa[2] * ys[k]), vs[k] - (pb[0] + pb[1] * xs[k] + pb[2] * ys[k]));
    const sorted = Array.from(res).sort((x, y) => x - y);
    const s = Math.max(0.25, 1.5 * sorted[n >> 1]);
    for (let k = 0; k < n; k++) wt[k] = 1 / (1 + (res[k] / s) ** 2);
  }
  // back to pixel coordinates: x_n = x/w - 0.5
  return {
    a: [pa[0] - 0.5 * pa[1] - 0.5 * pa[2], pa[1] / w, pa[2] / h],
    b: [pb[0] - 0.5 * pb[1] - 0.5 * pb[2], pb[1] / w, pb[2] / h],
  };
}
