/** DDIMScheduler (docs/diffusion.md §2.2). */
import type { NoiseSource } from '../random.js';
import { BaseScheduler } from './base.js';
import { SchedulerConfig, spacedTimesteps } from './schedule.js';
import type { StepResult } from './types.js';

export class DdimScheduler extends BaseScheduler {
  readonly name = 'ddim' as const;
  /** η: 0 = deterministic DDIM. */
  eta = 0;
  /** Last step's direction term √(1−ᾱ'−σ²)·ε (Rerender-style fusion needs it). */
  lastDirection: Float32Array | null = null;

  constructor(config: SchedulerConfig = {}) {
    super(config, { clip_sample: true, clip_sample_range: 1, set_alpha_to_one: true, steps_offset: 0, timestep_spacing: 'leading' });
  }

  private get finalAlpha(): number {
    return this.cfg.set_alpha_to_one ? 1 : this.alphasCumprod[0];
  }

  setTimesteps(n: number): void {
    this.requireSteps(n);
    this.timesteps = spacedTimesteps(this.cfg.timestep_spacing, this.cfg.num_train_timesteps, n, this.cfg.timestep_spacing === 'leading' ? this.cfg.steps_offset : 0);
  }

  step(eps: Float32Array, i: number, x: Float32Array, noise?: NoiseSource): StepResult {
    const t = this.timesteps[i];
    const prevT = t - Math.floor(this.cfg.num_train_timesteps / this.n);
    const a = this.alphasCumprod[t];
    const ap = prevT >= 0 ? this.alphasCumprod[prevT] : this.finalAlpha;
    const sa = Math.sqrt(a);
    const sb = Math.sqrt(1 - a);
    const v = this.cfg.prediction_type === 'v_prediction';
    const x0 = new Float32Array(x.length);
    const e = v ? new Float32Array(x.length) : eps;
    for (let k = 0; k < x.length; k++) {
      if (v) {
        x0[k] = sa * x[k] - sb * eps[k];
        e[k] = sa * eps[k] + sb * x[k];
      } else x0[k] = (x[k] - sb * eps[k]) / sa;
      if (this.cfg.clip_sample) {
        const r = this.cfg.clip_sample_range ?? 1;
        x0[k] = Math.min(Math.max(x0[k], -r), r);
      }
    }
    const variance = ((1 - ap) / (1 - a)) * (1 - a / ap);
    const std = this.eta * Math.sqrt(variance);
    const dirCoef = Math.sqrt(Math.max(1 - ap - std * std, 0));
    const sap = Math.sqrt(ap);
    const z = std > 0 && noise ? noise.normal(x.length) : null;
    const prev = new Float32Array(x.length);
    const dir = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) {
      dir[k] = dirCoef * e[k];
      prev[k] = sap * x0[k] + dir[k] + (z ? std * z[k] : 0);
    }
    this.lastDirection = dir;
    return { prevSample: prev, predOriginalSample: x0 };
  }

  addNoise(x0: Float32Array, z: Float32Array, i: number): Float32Array {
    return this.vpNoise(x0, z, this.timesteps[i]);
  }
}
