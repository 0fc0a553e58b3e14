/**
 * Noise-schedule arithmetic shared by all schedulers, exactly as diffusers computes it
 * (docs/diffusion.md §2.1). Betas and ᾱ are computed in float64 and stored rounded to float32,
 * like torch's float32 tensors in diffusers.
 */
import { StudioError } from '@synthetic-studio/shared';

export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
export type Spacing = 'leading' | 'trailing' | 'linspace';
export type PredictionType = 'epsilon' | 'v_prediction';

/** diffusers scheduler_config.json keys we understand (missing ones take each scheduler's class defaults). */
export interface SchedulerConfig {
  num_train_timesteps?: number;
  beta_start?: number;
  beta_end?: number;
  beta_schedule?: BetaSchedule;
  trained_betas?: number[] | null;
  prediction_type?: PredictionType;
  timestep_spacing?: Spacing;
  steps_offset?: number;
  clip_sample?: boolean;
  clip_sample_range?: number;
  set_alpha_to_one?: boolean;
  use_karras_sigmas?: boolean;
  lower_order_final?: boolean;
  euler_at_final?: boolean;
  final_sigmas_type?: 'zero' | 'sigma_min';
  algorithm_type?: 'dpmsolver++' | 'sde-dpmsolver++';
  original_inference_steps?: number;
  timestep_scaling?: number;
  [key: string]: unknown;
}

/** NumPy `round`: halves go to the nearest even integer. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(a + ((b - a) * i) / (n - 1));
  return out;
}

export function makeBetas(cfg: Required<Pick<SchedulerConfig, 'num_train_timesteps' | 'beta_start' | 'beta_end' | 'beta_schedule'>> & { trained_betas?: number[] | null }): Float64Array {
  const N = cfg.num_train_timesteps;
  if (cfg.trained_betas && cfg.trained_betas.length) return Float64Array.from(cfg.trained_betas, Math.fround);
  if (cfg.beta_schedule === 'linear') return Float64Array.from(linspace(cfg.beta_start, cfg.beta_end, N), Math.fround);
  if (cfg.beta_schedule === 'scaled_linear') return Float64Array.from(linspace(Math.sqrt(cfg.beta_start), Math.sqrt(cfg.beta_end), N), (v) => Math.fround(v * v));
  if (cfg.beta_schedule === 'squaredcos_cap_v2') {
    const ab = (t: number) => Math.cos(((t + 0.008) / 1.008) * Math.PI / 2) ** 2;
    return Float64Array.from({ length: N }, (_, i) => Math.fround(Math.min(1 - ab((i + 1) / N) / ab(i / N), 0.999)));
  }
  throw new StudioError('E_VALIDATION', `unsupported beta_schedule '${String(cfg.beta_schedule)}'`);
}

export function alphasCumprod(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length);
  let p = 1;
  for (let i = 0; i < betas.length; i++) {
    p = Math.fround(p * Math.fround(1 - betas[i]));
    out[i] = p;
  }
  return out;
}

/** k-diffusion sigmas √((1−ᾱ)/ᾱ) for every training timestep. */
export function sigmasFromAlphas(ac: Float64Array): Float64Array {
  return ac.map((a) => Math.fround(Math.sqrt((1 - a) / a)));
}

/** np.interp of `values` (given on the integer grid 0..len−1) at x. */
export function interpGrid(values: ArrayLike<number>, x: number): number {
  if (x <= 0) return values[0];
  const last = values.length - 1;
  if (x >= last) return values[last];
  const i = Math.floor(x);
  const f = x - i;
  return values[i] + (values[i + 1] - values[i]) * f;
}

/** Karras et al. sigma ramp (ρ = 7). */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number): number[] {
  const rho = 7;
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return linspace(0, 1, n).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** diffusers `_sigma_to_t`: interpolate the timestep of a sigma in log-sigma space. */
export function sigmaToT(sigma: number, logSigmas: Float64Array): number {
  const ls = Math.log(Math.max(sigma, 1e-10));
  let low = 0;
  for (let i = 0; i < logSigmas.length; i++) if (ls - logSigmas[i] >= 0) low = i;
  low = Math.min(low, logSigmas.length - 2);
  const high = low + 1;
  let w = (logSigmas[low] - ls) / (logSigmas[low] - logSigmas[high]);
  w = Math.min(Math.max(w, 0), 1);
  return (1 - w) * low + w * high;
}

/** Integer timesteps for DDIM/DPM-style spacing (descending). */
export function spacedTimesteps(spacing: Spacing, N: number, n: number, offset: number): number[] {
  if (spacing === 'leading') {
    const r = Math.floor(N / n);
    return Array.from({ length: n }, (_, i) => roundHalfEven(i * r) + offset).reverse();
  }
  if (spacing === 'trailing') {
    const out: number[] = [];
    const step = N / n;
    for (let t = N; t > 0; t -= step) out.push(roundHalfEven(t) - 1);
    return out.slice(0, n);
  }
  return linspace(0, N - 1, n).map(roundHalfEven).reverse();
}
