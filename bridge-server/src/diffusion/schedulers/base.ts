import { StudioError } from '@synthetic-studio/shared';
import type { NoiseSource } from '../random.js';
import { alphasCumprod, makeBetas, SchedulerConfig } from './schedule.js';
import type { Scheduler, SchedulerName, StepResult } from './types.js';

/** Shared state: resolved config (file values over class defaults) and the ᾱ table. */
export abstract class BaseScheduler implements Scheduler {
  abstract readonly name: SchedulerName;
  readonly cfg: Required<Pick<SchedulerConfig, 'num_train_timesteps' | 'beta_start' | 'beta_end' | 'beta_schedule' | 'prediction_type' | 'timestep_spacing' | 'steps_offset'>> & SchedulerConfig;
  readonly alphasCumprod: Float64Array;
  timesteps: number[] = [];
  protected n = 0;

  constructor(config: SchedulerConfig, defaults: SchedulerConfig) {
    const merged: SchedulerConfig = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', prediction_type: 'epsilon', steps_offset: 0, ...defaults };
    for (const [k, v] of Object.entries(config)) if (v !== undefined && v !== null && !k.startsWith('_')) merged[k] = v;
    if (config.trained_betas) merged.trained_betas = config.trained_betas;
    if (merged.prediction_type !== 'epsilon' && merged.prediction_type !== 'v_prediction') {
      throw new StudioError('E_VALIDATION', `prediction_type '${String(merged.prediction_type)}' is not supported (epsilon or v_prediction)`);
    }
    this.cfg = merged as BaseScheduler['cfg'];
    this.alphasCumprod = alphasCumprod(makeBetas(this.cfg));
  }

  get numTrainTimesteps(): number {
    return this.cfg.num_train_timesteps;
  }

  get initNoiseSigma(): number {
    return 1;
  }

  abstract setTimesteps(n: number, strength?: number): void;
  abstract step(modelOutput: Float32Array, i: number, x: Float32Array, noise?: NoiseSource): StepResult;
  abstract addNoise(x0: Float32Array, z: Float32Array, i: number): Float32Array;

  scaleModelInput(x: Float32Array, _i: number): Float32Array {
    return x;
  }

  startIndex(strength: number): number {
    if (!(strength > 0 && strength <= 1)) throw new StudioError('E_VALIDATION', `strength must be in (0, 1], got ${strength}`);
    const init = Math.min(Math.floor(this.n * strength), this.n);
    return Math.max(this.n - init, 0);
  }

  protected requireSteps(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.cfg.num_train_timesteps) throw new StudioError('E_VALIDATION', `steps must be an integer in 1..${this.cfg.num_train_timesteps}, got ${n}`);
    this.n = n;
  }

  /** VP noising with ᾱ at integer timestep t. */
  protected vpNoise(x0: Float32Array, z: Float32Array, t: number): Float32Array {
    const a = this.alphasCumprod[t];
    const sa = Math.sqrt(a);
    const sb = Math.sqrt(1 - a);
    const out = new Float32Array(x0.length);
    for (let k = 0; k < out.length; k++) out[k] = sa * x0[k] + sb * z[k];
    return out;
  }
}
