/**
 * DPMSolverMultistepScheduler, order 2, midpoint: DPM-Solver++ 2M and its SDE variant, with the
 * Karras sigma option (docs/diffusion.md §2.4).
 */
import { zeroNoise, type NoiseSource } from '../random.js';
import { BaseScheduler } from './base.js';
import { interpGrid, karrasSigmas, linspace, roundHalfEven, SchedulerConfig, sigmaToT, sigmasFromAlphas } from './schedule.js';
import type { SchedulerName, StepResult } from './types.js';

export class DpmSolverMultistepScheduler extends BaseScheduler {
  readonly name: SchedulerName;
  sigmas: number[] = [];
  private readonly sigmaAll: Float64Array;
  private readonly logSigmas: Float64Array;
  private prevModelOutput: Float32Array | null = null;
  private prevIndex = -2;

  constructor(config: SchedulerConfig = {}, overrides: SchedulerConfig = {}) {
    super({ ...config, ...overrides }, {
      timestep_spacing: 'linspace', steps_offset: 0, lower_order_final: true, euler_at_final: false,
      final_sigmas_type: 'zero', use_karras_sigmas: false, algorithm_type: 'dpmsolver++',
    });
    this.sigmaAll = sigmasFromAlphas(this.alphasCumprod);
    this.logSigmas = this.sigmaAll.map(Math.log);
    const sde = this.cfg.algorithm_type === 'sde-dpmsolver++';
    this.name = sde ? 'dpm++2m-sde-karras' : this.cfg.use_karras_sigmas ? 'dpm++2m-karras' : 'dpm++2m';
  }

  setTimesteps(n: number): void {
    this.requireSteps(n);
    const N = this.cfg.num_train_timesteps;
    const last = N; // lambda_min_clipped = −inf
    let ts: number[];
    if (this.cfg.timestep_spacing === 'linspace') ts = linspace(0, last - 1, n + 1).map(roundHalfEven).reverse().slice(0, n);
    else if (this.cfg.timestep_spacing === 'leading') {
      const r = Math.floor(last / (n + 1));
      ts = Array.from({ length: n + 1 }, (_, i) => i * r).reverse().slice(0, n).map((t) => t + this.cfg.steps_offset);
    } else {
      ts = [];
      for (let t = last; t > 0 && ts.length < n; t -= N / n) ts.push(roundHalfEven(t) - 1);
    }
    let sig: number[];
    if (this.cfg.use_karras_sigmas) {
      sig = karrasSigmas(this.sigmaAll[0], this.sigmaAll[N - 1], n);
      ts = sig.map((s) => roundHalfEven(sigmaToT(s, this.logSigmas)));
    } else sig = ts.map((t) => interpGrid(this.sigmaAll, t));
    const final = this.cfg.final_sigmas_type === 'sigma_min' ? this.sigmaAll[0] : 0;
    this.sigmas = [...sig.map(Math.fround), final];
    this.timesteps = ts;
    this.prevModelOutput = null;
    this.prevIndex = -2;
  }

  private vp(i: number): { alpha: number; s: number; lambda: number } {
    const sigma = this.sigmas[i];
    const alpha = 1 / Math.sqrt(sigma * sigma + 1);
    const s = sigma * alpha;
    return { alpha, s, lambda: Math.log(alpha) - Math.log(s) };
  }

  step(out: Float32Array, i: number, x: Float32Array, noise: NoiseSource = zeroNoise): StepResult {
    const cur = this.vp(i);
    const m = new Float32Array(x.length);
    const v = this.cfg.prediction_type === 'v_prediction';
    for (let k = 0; k < x.length; k++) m[k] = v ? cur.alpha * x[k] - cur.s * out[k] : (x[k] - cur.s * out[k]) / cur.alpha;
    const n = this.n;
    const lowerFinal = i === n - 1 && (this.cfg.euler_at_final || (this.cfg.lower_order_final && n < 15) || this.cfg.final_sigmas_type === 'zero');
    const hasHistory = this.prevModelOutput !== null && this.prevIndex === i - 1;
    const firstOrder = !hasHistory || lowerFinal;
    const sde = this.cfg.algorithm_type === 'sde-dpmsolver++';
    const prev = new Float32Array(x.length);
    const sigmaNext = this.sigmas[i + 1];
    if (sigmaNext === 0) {
      prev.set(m); // both variants reduce to x' = m exactly (avoids ln 0)
    } else {
      const nx = this.vp(i + 1);
      const h = nx.lambda - cur.lambda;
      const z = sde ? noise.normal(x.length) : null;
      let D1: Float32Array | null = null;
      if (!firstOrder) {
        const pr = this.vp(i - 1);
        const h0 = cur.lambda - pr.lambda;
        const r0 = h0 / h;
        const prevM = this.prevModelOutput!;
        D1 = new Float32Array(x.length);
        for (let k = 0; k < x.length; k++) D1[k] = Number.isFinite(r0) && r0 !== 0 && h !== 0 ? (m[k] - prevM[k]) / r0 : 0;
      }
      if (!sde) {
        const c = nx.alpha * (Math.exp(-h) - 1);
        const ratio = nx.s / cur.s;
        for (let k = 0; k < x.length; k++) prev[k] = ratio * x[k] - c * m[k] - (D1 ? 0.5 * c * D1[k] : 0);
      } else {
        const ratio = (nx.s / cur.s) * Math.exp(-h);
        const c = nx.alpha * (1 - Math.exp(-2 * h));
        const ns = nx.s * Math.sqrt(1 - Math.exp(-2 * h));
        for (let k = 0; k < x.length; k++) prev[k] = ratio * x[k] + c * m[k] + (D1 ? 0.5 * c * D1[k] : 0) + ns * z![k];
      }
    }
    this.prevModelOutput = m;
    this.prevIndex = i;
    return { prevSample: prev, predOriginalSample: m };
  }

  addNoise(x0: Float32Array, z: Float32Array, i: number): Float32Array {
    const { alpha, s } = this.vp(i);
    const out = new Float32Array(x0.length);
    for (let k = 0; k < out.length; k++) out[k] = alpha * x0[k] + s * z[k];
    return out;
  }
}
