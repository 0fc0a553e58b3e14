import type { NoiseSource } from '../random.js';

export type SchedulerName = 'ddim' | 'euler-a' | 'dpm++2m' | 'dpm++2m-karras' | 'dpm++2m-sde-karras' | 'lcm';

export interface StepResult {
  prevSample: Float32Array;
  /** The model's current estimate of the clean latent (x0); for previews and x0 fusion. */
  predOriginalSample: Float32Array;
}

/**
 * One sampler. Indices are positions in `timesteps` (diffusers' step_index); never look steps up
 * by value (Karras schedules can repeat values).
 */
export interface Scheduler {
  readonly name: SchedulerName;
  /** Full schedule for the last setTimesteps call (timestep values fed to the UNet). */
  readonly timesteps: number[];
  readonly initNoiseSigma: number;
  readonly numTrainTimesteps: number;
  setTimesteps(n: number, strength?: number): void;
  scaleModelInput(x: Float32Array, i: number): Float32Array;
  step(modelOutput: Float32Array, i: number, x: Float32Array, noise?: NoiseSource): StepResult;
  /** Noise clean latents to the level of step index i (img2img start, latent blending). */
  addNoise(x0: Float32Array, z: Float32Array, i: number): Float32Array;
  /** Index of the first step to execute for an img2img strength in (0,1]. */
  startIndex(strength: number): number;
}
