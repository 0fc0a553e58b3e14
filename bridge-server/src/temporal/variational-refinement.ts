import { gradients, sampleClamped } from './image.js';
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

function warpInto(src: Float32Array, w: number, h: number, U: Float32Array, V: Float32Array, out: Float32Array): void {
  for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++, i++) out[i] = sampleClamped(src, w, h, x + U[i], y + V[i]);
}

/**
 * Variational refinement of a dense flow (as in DIS, after Brox et al.): minimises
 * Σ δΨ(data²) + γΨ(gradient-constancy²) + αΨ(|∇u|²+|∇v|²) with Ψ(s²)=√(s²+ε²), linearised around the
 * current flow, solved by fixed-point iterations with SOR inner sweeps. Updates U, V in place.
 * Images are in 0..255.
 */
export function refineFlow(I0: Plane, I1: Plane, U: Float32Array, V: Float32Array, p: VariationalParams, hole0: Uint8Array | null = null, hole1: Uint8Array | null = null): void {
  const w = I0.width, h = I0.height, n = w * h;
  if (p.fixedPointIterations <= 0 || w < 3 || h < 3) return;
  const g0 = gradients(I0), g1 = gradients(I1);
  const g0xx = gradients(g0.gx), g0yy = gradients(g0.gy);
  const g1xx = gradients(g1.gx), g1yy = gradients(g1.gy);
  const I1w = new Float32Array(n), I1xw = new Float32Array(n), I1yw = new Float32Array(n);
  const I1xxw = new Float32Array(n), I1xyw = new Float32Array(n), I1yyw = new Float32Array(n);
  warpInto(I1.data, w, h, U, V, I1w);
  warpInto(g1.gx.data, w, h, U, V, I1xw);
  warpInto(g1.gy.data, w, h, U, V, I1yw);
  warpInto(g1xx.gx.data, w, h, U, V, I1xxw);
  warpInto(g1xx.gy.data, w, h, U, V, I1xyw);
  warpInto(g1yy.gy.data, w, h, U, V, I1yyw);
  const Ix = new Float32Array(n), Iy = new Float32Array(n), Iz = new Float32Array(n);
  const Ixx = new Float32Array(n), Ixy = new Float32Array(n), Iyy = new Float32Array(n);
  const Ixz = new Float32Array(n), Iyz = new Float32Array(n), inside = new Uint8Array(n);
  const d0 = I0.data;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      const tx = x + U[i], ty = y + V[i];
      inside[i] = tx >= 0 && tx <= w - 1 && ty >= 0 && ty <= h - 1 ? 1 : 0;
      if (inside[i] && ((hole0 && hole0[i]) || (hole1 && hole1[Math.round(ty) * w + Math.round(tx)]))) inside[i] = 0;
      Ix[i] = 0.5 * (I1xw[i] + g0.gx.data[i]);
      Iy[i] = 0.5 * (I1yw[i] + g0.gy.data[i]);
      Iz[i] = I1w[i] - d0[i];
      Ixx[i] = 0.5 * (I1xxw[i] + g0xx.gx.data[i]);
      Ixy[i] = 0.5 * (I1xyw[i] + g0xx.gy.data[i]);
      Iyy[i] = 0.5 * (I1yyw[i] + g0yy.gy.data[i]);
      Ixz[i] = I1xw[i] - g0.gx.data[i];
      Iyz[i] = I1yw[i] - g0.gy.data[i];
    }
  }
  const du = new Float32Array(n), dv = new Float32Array(n);
  const A11 = new Float32Array(n), A12 = new Float32Array(n), A22 = new Float32Array(n);
  const b1 = new Float32Array(n), b2 = new Float32Array(n), ws = new Float32Array(n);
  const { alpha, gamma, delta, omega } = p;
  for (let fp = 0; fp < p.fixedPointIterations; fp++) {
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        // smoothness weight from forward differences of the total flow
        const ur = x < w - 1 ? U[i + 1] + du[i + 1] - U[i] - du[i] : 0;
        const ud = y < h - 1 ? U[i + w] + du[i + w] - U[i] - du[i] : 0;
        const vr = x < w - 1 ? V[i + 1] + dv[i + 1] - V[i] - dv[i] : 0;
        const vd = y < h - 1 ? V[i + w] + dv[i + w] - V[i] - dv[i] : 0;
        ws[i] = alpha / (2 * Math.sqrt(ur * ur + ud * ud + vr * vr + vd * vd + EPS2));
        if (!inside[i]) { A11[i] = A12[i] = A22[i] = b1[i] = b2[i] = 0; continue; }
        const r = Iz[i] + Ix[i] * du[i] + Iy[i] * dv[i];
        const wd = delta / (2 * Math.sqrt(r * r + EPS2));
        const rx = Ixz[i] + Ixx[i] * du[i] + Ixy[i] * dv[i];
        const ry = Iyz[i] + Ixy[i] * du[i] + Iyy[i] * dv[i];
        const wg = gamma / (2 * Math.sqrt(rx * rx + ry * ry + EPS2));
        A11[i] = wd * Ix[i] * Ix[i] + wg * (Ixx[i] * Ixx[i] + Ixy[i] * Ixy[i]);
        A12[i] = wd * Ix[i] * Iy[i] + wg * (Ixx[i] * Ixy[i] + Ixy[i] * Iyy[i]);
        A22[i] = wd * Iy[i] * Iy[i] + wg * (Ixy[i] * Ixy[i] + Iyy[i] * Iyy[i]);
        b1[i] = -(wd * Ix[i] * Iz[i] + wg * (Ixx[i] * Ixz[i] + Ixy[i] * Iyz[i]));
        b2[i] = -(wd * Iy[i] * Iz[i] + wg * (Ixy[i] * Ixz[i] + Iyy[i] * Iyz[i]));
      }
    }
    for (let it = 0; it < p.sorIterations; it++) {
      for (let y = 0, i = 0; y < h; y++) {
        for (let x = 0; x < w; x++, i++) {
          let sw = 0, su = 0, sv = 0;
          const uc = U[i], vc = V[i];
          if (x > 0) { const k = ws[i - 1]; sw += k; su += k * (U[i - 1] + du[i - 1] - uc); sv += k * (V[i - 1] + dv[i - 1] - vc); }
          if (x < w - 1) { const k = ws[i]; sw += k; su += k * (U[i + 1] + du[i + 1] - uc); sv += k * (V[i + 1] + dv[i + 1] - vc); }
          if (y > 0) { const k = ws[i - w]; sw += k; su += k * (U[i - w] + du[i - w] - uc); sv += k * (V[i - w] + dv[i - w] - vc); }
          if (y < h - 1) { const k = ws[i]; sw += k; su += k * (U[i + w] + du[i + w] - uc); sv += k * (V[i + w] + dv[i + w] - vc); }
          const du0 = du[i];
          const denU = A11[i] + sw;
          if (denU > 1e-12) du[i] = (1 - omega) * du0 + omega * (b1[i] - A12[i] * dv[i] + su) / denU;
          const denV = A22[i] + sw;
          if (denV > 1e-12) dv[i] = (1 - omega) * dv[i] + omega * (b2[i] - A12[i] * du[i] + sv) / denV;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) { U[i] += du[i]; V[i] += dv[i]; }
}
