import { luminance } from './color.js';
import { luminancePlane } from './filters.js';
import type { LightRig } from './light-rig.js';
import type { NormalMap } from './normals.js';
import { shadeRig } from './shading.js';

/**
 * How the lighting already in the plate is estimated:
 * - 'fit': least-squares fit of first-order spherical harmonics, Y ≈ c0 + c·n, to the frame's
 *   luminance over the (matte) pixels; albedo is absorbed, so only the low-order light survives.
 * - 'neutral': the plate is assumed evenly lit (no directional shading to remove).
 * - a rig: the plate's light is known (e.g. the sample scene's light A).
 */
export type SourceLighting = 'fit' | 'neutral' | { rig: LightRig };

/** Floor on the estimated source shading (relative to its mean) so ratios stay bounded. */
const FLOOR = 0.15;

/**
 * Estimated source shading per pixel, interleaved RGB, normalised so its mean luminance over the
 * weighted pixels is 1 (the source is taken to be lit at unit intensity) unless a rig is known,
 * in which case it is that rig's absolute shading.
 */
export function estimateSourceShading(
  linearRgb: Float32Array,
  channels: number,
  normals: NormalMap,
  lighting: SourceLighting,
  weights?: Float32Array,
): Float32Array {
  const n = normals.width * normals.height;
  if (typeof lighting === 'object') return floorShading(shadeRig(normals, lighting.rig), 0.02);
  const out = new Float32Array(n * 3);
  if (lighting === 'neutral') {
    out.fill(1);
    return out;
  }
  const y = luminancePlane(linearRgb, channels, n);
  const c = fitSh1(y, normals, weights);
  let sum = 0;
  let wsum = 0;
  const s = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = c[0] + c[1] * normals.data[i * 3] + c[2] * normals.data[i * 3 + 1] + c[3] * normals.data[i * 3 + 2];
    s[i] = v;
    const w = weights ? weights[i] : 1;
    sum += w * v;
    wsum += w;
  }
  const mean = wsum > 0 && sum > 0 ? sum / wsum : 1;
  for (let i = 0; i < n; i++) {
    const v = Math.max(FLOOR, s[i] / mean);
    out[i * 3] = v;
    out[i * 3 + 1] = v;
    out[i * 3 + 2] = v;
  }
  return out;
}

/** Weighted least squares for Y ≈ c0 + c1·nx + c2·ny + c3·nz (4×4 normal equations). */
export function fitSh1(y: Float32Array, normals: NormalMap, weights?: Float32Array): [number, number, number, number] {
  const A = new Float64Array(16);
  const b = new Float64Array(4);
  const nd = normals.data;
  const f = [1, 0, 0, 0];
  for (let i = 0; i < y.length; i++) {
    const w = weights ? weights[i] : 1;
    if (w <= 0 || !Number.isFinite(y[i])) continue;
    f[1] = nd[i * 3];
    f[2] = nd[i * 3 + 1];
    f[3] = nd[i * 3 + 2];
    for (let r = 0; r < 4; r++) {
      b[r] += w * f[r] * y[i];
      for (let k = 0; k < 4; k++) A[r * 4 + k] += w * f[r] * f[k];
    }
  }
  // Small ridge keeps the system solvable on flat frames (all normals equal).
  const ridge = 1e-6 * (A[0] + 1);
  for (let r = 1; r < 4; r++) A[r * 4 + r] += ridge;
  return solve4(A, b);
}

function solve4(A: Float64Array, b: Float64Array): [number, number, number, number] {
  const m = Array.from({ length: 4 }, (_, r) => [A[r * 4], A[r * 4 + 1], A[r * 4 + 2], A[r * 4 + 3], b[r]]);
  for (let col = 0; col < 4; col++) {
    let piv = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) piv = r;
    [m[col], m[piv]] = [m[piv], m[col]];
    const p = m[col][col];
    if (Math.abs(p) < 1e-12) continue;
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const k = m[r][col] / p;
      for (let c = col; c < 5; c++) m[r][c] -= k * m[col][c];
    }
  }
  return [0, 1, 2, 3].map((r) => (Math.abs(m[r][r]) < 1e-12 ? 0 : m[r][4] / m[r][r])) as [number, number, number, number];
}

function floorShading(s: Float32Array, floor: number): Float32Array {
  for (let i = 0; i < s.length; i += 3) {
    const y = luminance(s[i], s[i + 1], s[i + 2]);
    if (y < floor) {
      const k = y > 1e-6 ? floor / y : 0;
      if (k === 0) {
        s[i] = s[i + 1] = s[i + 2] = floor;
      } else {
        s[i] *= k;
        s[i + 1] *= k;
        s[i + 2] *= k;
      }
    }
  }
  return s;
}
