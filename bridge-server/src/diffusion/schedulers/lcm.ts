/** LCMScheduler (docs/diffusion.md §2.5). Strength is applied inside setTimesteps. */
import { StudioError } from '@synthetic-studio/shared';
import { zeroNoise, type NoiseSource } from '../random.js';
import { BaseScheduler } from './base.js';
import type { SchedulerConfig } from './schedule.js';
import type { StepResult } from './types.js';

export class LcmScheduler extends BaseScheduler {
  readonly name = 'lcm' as const;

  constructor(config: SchedulerConfig = {}) {
    super(config, { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', original_inference_steps: 50, clip_sample: false, set_alpha_to_one: true, timestep_scaling: 10, timestep_spacing: 'leading' });
  }

  setTimesteps(n: number, strength = 1): void {
    const orig = this.cfg.original_inference_steps ?? 50;
    if (n > orig) throw new StudioError('E_VALIDATION', `LCM supports at most ${orig} steps, got ${n}`);
    this.requireSteps(n);
    const k = Math.floor(this.cfg.num_train_timesteps / orig);
    const count = Math.floor(orig * strength);
    const origin = Array.from({ length: count }, (_, i) => (i + 1) * k - 1).reverse();
    if (n > origin.length) throw new StudioError('E_VALIDATION', `LCM: ${n} steps exceed the ${origin.length} available at strength ${strength}`);
    this.timesteps = Array.from({ length: n }, (_, j) => origin[Math.floor((j * origin.length) / n)]);
  }

  override startIndex(_strength: number): number {
    return 0;
  }

  private boundary(t: number): { cSkip: number; cOut: number } {
    const s = t * (this.cfg.timestep_scaling ?? 10);
    return { cSkip: 0.25 / (s * s + 0.25), cOut: s / Math.sqrt(s * s + 0.25) };
  }

  step(eps: Float32Array, i: number, x: Float32Array, noise: NoiseSource = zeroNoise): StepResult {
    const t = this.timesteps[i];
    const last = i + 1 >= this.timesteps.length;
    const prevT = last ? t : this.timesteps[i + 1];
    const a = this.alphasCumprod[t];
    const ap = this.alphasCumprod[prevT];
    const { cSkip, cOut } = this.boundary(t);
    const v = this.cfg.prediction_type === 'v_prediction';
    const denoised = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const x0 = v ? Math.sqrt(a) * x[k] - Math.sqrt(1 - a) * eps[k] : (x[k] - Math.sqrt(1 - a) * eps[k]) / Math.sqrt(a);
      denoised[k] = cOut * x0 + cSkip * x[k];
    }
    if (last) return { prevSample: denoised, predOriginalSample: denoised };
    const z = noise.normal(x.length);
    const prev = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) prev[k] = Math.sqrt(ap) * denoised[k] + Math.sqrt(1 - ap) * z[k];
    return { prevSample: prev, predOriginalSample: denoised };
  }

  addNoise(x0: Float32Array, z: Float32Array, i: number): Float32Array {
    return this.vpNoise(x0, z, this.timesteps[i]);
  }
}
