/** EulerAncestralDiscreteScheduler (docs/diffusion.md §2.3). */
import { zeroNoise, type NoiseSource } from '../random.js';
import { BaseScheduler } from './base.js';
import { interpGrid, linspace, roundHalfEven, SchedulerConfig, sigmasFromAlphas } from './schedule.js';
import type { StepResult } from './types.js';

export class EulerAncestralScheduler extends BaseScheduler {
  readonly name = 'euler-a' as const;
  sigmas: number[] = [];
  private readonly sigmaAll: Float64Array;

  constructor(config: SchedulerConfig = {}) {
    super(config, { timestep_spacing: 'linspace', steps_offset: 0 });
    this.sigmaAll = sigmasFromAlphas(this.alphasCumprod);
  }

  override get initNoiseSigma(): number {
    const max = Math.max(...this.sigmas);
    return this.cfg.timestep_spacing === 'linspace' || this.cfg.timestep_spacing === 'trailing' ? max : Math.sqrt(max * max + 1);
  }

  setTimesteps(n: number): void {
    this.requireSteps(n);
    const N = this.cfg.num_train_timesteps;
    let ts: number[];
    if (this.cfg.timestep_spacing === 'linspace') ts = linspace(0, N - 1, n).reverse();
    else if (this.cfg.timestep_spacing === 'leading') {
      const r = Math.floor(N / n);
      ts = Array.from({ length: n }, (_, i) => roundHalfEven(i * r) + this.cfg.steps_offset).reverse();
    } else {
      ts = [];
      for (let t = N; t > 0 && ts.length < n; t -= N / n) ts.push(roundHalfEven(t) - 1);
    }
    // sigmas interpolate at float64 timesteps; the timesteps themselves are float32 (torch)
    this.sigmas = [...ts.map((t) => Math.fround(interpGrid(this.sigmaAll, t))), 0];
    this.timesteps = ts.map(Math.fround);
  }

  override scaleModelInput(x: Float32Array, i: number): Float32Array {
    const s = this.sigmas[i];
    const f = 1 / Math.sqrt(s * s + 1);
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) out[k] = x[k] * f;
    return out;
  }

  step(eps: Float32Array, i: number, x: Float32Array, noise: NoiseSource = zeroNoise): StepResult {
    const s = this.sigmas[i];
    const sn = this.sigmas[i + 1];
    const v = this.cfg.prediction_type === 'v_prediction';
    const x0 = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) x0[k] = v ? eps[k] * (-s / Math.sqrt(s * s + 1)) + x[k] / (s * s + 1) : x[k] - s * eps[k];
    const sUp = Math.sqrt(Math.max((sn * sn * (s * s - sn * sn)) / (s * s), 0));
    const sDown = Math.sqrt(Math.max(sn * sn - sUp * sUp, 0));
    const z = sUp > 0 ? noise.normal(x.length) : null;
    const prev = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const d = (x[k] - x0[k]) / s;
      prev[k] = x[k] + d * (sDown - s) + (z ? sUp * z[k] : 0);
    }
    return { prevSample: prev, predOriginalSample: x0 };
  }

  addNoise(x0: Float32Array, z: Float32Array, i: number): Float32Array {
    const s = this.sigmas[i];
    const out = new Float32Array(x0.length);
    for (let k = 0; k < out.length; k++) out[k] = x0[k] + s * z[k];
    return out;
  }
}
