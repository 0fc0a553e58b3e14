import { gradients } from './image.js';
import type { Plane } from './types.js';

export interface VariationalParams {
  /** Outer fixed-point iterations (re-linearisation of the robust weights). */
  fixedPointIterations: number;
  /** Inner successive over-relaxation sweeps per fixed-point iteration. */
  sorIterations: number;
  omega: number;
  /** Smoothness weight. */
  alpha: number;
  /** Gradient-constancy weight (what makes the refinement robust to exposure change). */
  gamma: number;
  /** Brightness-constancy weight. */
  delta: number;
}

export const DEFAULT_VARIATIONAL: VariationalParams = { fixedPointIterations: 5, sorIterations: 5, omega: 1.6, alpha: 20, gamma: 10, delta: 5 };

const EPS2 = 1e-6;

/** One fixed-point re-linearisation: robust weights and the per-pixel 2×2 system (see refineFlow for the layout). */
function linearise(w: number, h: number, U: Float32Array, V: Float32Array, T: Float32Array, inside: Uint8Array, D: Float32Array, C: Float32Array, alpha: number, gamma: number, delta: number, omega: number): void {
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      const j = i + w, c = 8 * j;
      const uc = U[i], vc = V[i];
      const dui = D[2 * j], dvi = D[2 * j + 1];
      // smoothness weight from forward differences of the total flow, on the edges that exist
      // (this pixel's right and down edges; left and up were set earlier in this raster pass)
      {
        const ut = uc + dui, vt = vc + dvi;
        let ur = 0, ud = 0, vr = 0, vd = 0;
        if (x < w - 1) { ur = U[i + 1] + D[2 * j + 2] - ut; vr = V[i + 1] + D[2 * j + 3] - vt; }
        if (y < h - 1) { ud = U[i + w] + D[2 * (j + w)] - ut; vd = V[i + w] + D[2 * (j + w) + 1] - vt; }
        const k = alpha / (2 * Math.sqrt(ur * ur + ud * ud + vr * vr + vd * vd + EPS2));
        C[c] = x < w - 1 ? k : 0;
        C[c + 1] = y < h - 1 ? k : 0;
      }
      const kl = C[c - 8], kr = C[c], ku = C[c - 8 * w + 1], kd = C[c + 1];
      const sw = kl + kr + ku + kd;
      // neighbours that do not exist have weight 0 (and are not read)
      let su = 0, sv = 0;
      if (kl) { su += kl * (U[i - 1] - uc); sv += kl * (V[i - 1] - vc); }
      if (kr) { su += kr * (U[i + 1] - uc); sv += kr * (V[i + 1] - vc); }
      if (ku) { su += ku * (U[i - w] - uc); sv += ku * (V[i - w] - vc); }
      if (kd) { su += kd * (U[i + w] - uc); sv += kd * (V[i + w] - vc); }
      let a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
      if (inside[i]) {
        const t = 8 * i;
        const ix = T[t], iy = T[t + 1], iz = T[t + 2], ixx = T[t + 3], ixy = T[t + 4], iyy = T[t + 5], ixz = T[t + 6], iyz = T[t + 7];
        const r = iz + ix * dui + iy * dvi;
        const wd = delta / (2 * Math.sqrt(r * r + EPS2));
        const rx = ixz + ixx * dui + ixy * dvi;
        const ry = iyz + ixy * dui + iyy * dvi;
        const wg = gamma / (2 * Math.sqrt(rx * rx + ry * ry + EPS2));
        a11 = wd * ix * ix + wg * (ixx * ixx + ixy * ixy);
        a12 = wd * ix * iy + wg * (ixx * ixy + ixy * iyy);
        a22 = wd * iy * iy + wg * (ixy * ixy + iyy * iyy);
        b1 = -(wd * ix * iz + wg * (ixx * ixz + ixy * iyz));
        b2 = -(wd * iy * iz + wg * (ixy * ixz + iyy * iyz));
      }
      const denU = a11 + sw, denV = a22 + sw;
      C[c + 2] = a12; C[c + 3] = b1 + su; C[c + 4] = b2 + sv;
      C[c + 5] = denU > 1e-12 ? omega / denU : 0;
      C[c + 6] = denV > 1e-12 ? omega / denV : 0;
    }
  }
}

/** One SOR sweep over the padded increments D with the coefficients C. */
function sorSweep(w: number, n: number, D: Float32Array, C: Float32Array, om1: number): void {
  for (let j = w, e = w + n; j < e; j++) {
    const c = 8 * j, d = 2 * j;
    const kl = C[c - 8], kr = C[c], ku = C[c - 8 * w + 1], kd = C[c + 1];
    const a12 = C[c + 2];
    const ru = C[c + 5];
    // a pixel with no equation keeps its increment
    if (ru !== 0) D[d] = om1 * D[d] + (C[c + 3] - a12 * D[d + 1] + kl * D[d - 2] + kr * D[d + 2] + ku * D[d - 2 * w] + kd * D[d + 2 * w]) * ru;
    const rv = C[c + 6];
    if (rv !== 0) D[d + 1] = om1 * D[d + 1] + (C[c + 4] - a12 * D[d] + kl * D[d - 1] + kr * D[d + 3] + ku * D[d - 2 * w + 1] + kd * D[d + 2 * w + 1]) * rv;
  }
}

/**
 * Variational refinement of a dense flow (as in DIS, after Brox et al.): minimises
 * Σ δΨ(data²) + γΨ(gradient-constancy²) + αΨ(|∇u|²+|∇v|²) with Ψ(s²)=√(s²+ε²), linearised around the
 * current flow, solved by fixed-point iterations with SOR inner sweeps. Updates U, V in place.
 * Images are in 0..255.
 *
 * Memory layout (the solver is bandwidth-bound): per-pixel terms are interleaved in a few arrays
 * rather than spread over a dozen; increments and per-pixel coefficients are padded by one image row
 * of zeros above and below (index j = i + w), and an edge weight is zero where the edge leaves the
 * image, so the SOR sweep runs without border branches.
 */
export function refineFlow(I0: Plane, I1: Plane, U: Float32Array, V: Float32Array, p: VariationalParams, hole0: Uint8Array | null = null, hole1: Uint8Array | null = null): void {
  const w = I0.width, h = I0.height, n = w * h;
  if (p.fixedPointIterations <= 0 || w < 3 || h < 3) return;
  const g0 = gradients(I0), g1 = gradients(I1);
  const g0xx = gradients(g0.gx), g0yy = gradients(g0.gy);
  const g1xx = gradients(g1.gx), g1yy = gradients(g1.gy);
  // linearised data terms, 8 per pixel: Ix Iy Iz Ixx Ixy Iyy Ixz Iyz, from I1's channels sampled at
  // x + (U, V) (bilinear, clamped; the weights are shared by the six channels)
  const T = new Float32Array(8 * n), inside = new Uint8Array(n);
  const d0 = I0.data, g0x = g0.gx.data, g0y = g0.gy.data, g0xxd = g0xx.gx.data, g0xyd = g0xx.gy.data, g0yyd = g0yy.gy.data;
  const s0 = I1.data, s1 = g1.gx.data, s2 = g1.gy.data, s3 = g1xx.gx.data, s4 = g1xx.gy.data, s5 = g1yy.gy.data;
  const xm = w - 1, ym = h - 1;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      let tx = x + U[i], ty = y + V[i];
      let ins = tx >= 0 && tx <= xm && ty >= 0 && ty <= ym ? 1 : 0;
      if (ins && ((hole0 && hole0[i]) || (hole1 && hole1[Math.round(ty) * w + Math.round(tx)]))) ins = 0;
      inside[i] = ins;
      if (tx < 0) tx = 0; else if (tx > xm) tx = xm;
      if (ty < 0) ty = 0; else if (ty > ym) ty = ym;
      const x0 = tx | 0, y0 = ty | 0;
      const ax = tx - x0, ay = ty - y0;
      const w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
      const qa = y0 * w + x0, qb = qa + (x0 < xm ? 1 : 0), qc = qa + (y0 < ym ? w : 0), qd = qc + qb - qa;
      const i1 = w00 * s0[qa] + w01 * s0[qb] + w10 * s0[qc] + w11 * s0[qd];
      const i1x = w00 * s1[qa] + w01 * s1[qb] + w10 * s1[qc] + w11 * s1[qd];
      const i1y = w00 * s2[qa] + w01 * s2[qb] + w10 * s2[qc] + w11 * s2[qd];
      const i1xx = w00 * s3[qa] + w01 * s3[qb] + w10 * s3[qc] + w11 * s3[qd];
      const i1xy = w00 * s4[qa] + w01 * s4[qb] + w10 * s4[qc] + w11 * s4[qd];
      const i1yy = w00 * s5[qa] + w01 * s5[qb] + w10 * s5[qc] + w11 * s5[qd];
      const t = 8 * i;
      T[t] = 0.5 * (i1x + g0x[i]);
      T[t + 1] = 0.5 * (i1y + g0y[i]);
      T[t + 2] = i1 - d0[i];
      T[t + 3] = 0.5 * (i1xx + g0xxd[i]);
      T[t + 4] = 0.5 * (i1xy + g0xyd[i]);
      T[t + 5] = 0.5 * (i1yy + g0yyd[i]);
      T[t + 6] = i1x - g0x[i];
      T[t + 7] = i1y - g0y[i];
    }
  }
  const P = n + 2 * w;
  // D: increments du, dv at 2j, 2j+1. C: per pixel (8j..): wx (edge j↔j+1), wy (edge j↔j+w), A12,
  // b1, b2 (with the smoothness pull of the fixed U, V), ω/(A11+Σw), ω/(A22+Σw) (0: no equation)
  const D = new Float32Array(2 * P), C = new Float32Array(8 * P);
  const { alpha, gamma, delta, omega } = p;
  const om1 = 1 - omega;
  for (let fp = 0; fp < p.fixedPointIterations; fp++) {
    linearise(w, h, U, V, T, inside, D, C, alpha, gamma, delta, omega);
    for (let it = 0; it < p.sorIterations; it++) sorSweep(w, n, D, C, om1);
  }
  for (let i = 0; i < n; i++) { U[i] += D[2 * (i + w)]; V[i] += D[2 * (i + w) + 1]; }
}
