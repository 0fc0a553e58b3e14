/**
 * Variational refinement of a dense flow (as in DIS, after Brox et al.): minimises
 * Σ δΨ(data²) + γΨ(gradient-constancy²) + αΨ(|∇u|²+|∇v|²) with Ψ(s²)=√(s²+ε²), linearised around the
 * current flow, solved by fixed-point iterations with SOR inner sweeps; images in 0..255. It runs
 * as the last steps of every DIS level (fixedPointBand in flow-dis-bands.ts).
 */
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
