import { StudioError } from '@synthetic-studio/shared';
import { DdimScheduler } from './ddim.js';
import { DpmSolverMultistepScheduler } from './dpm-solver.js';
import { EulerAncestralScheduler } from './euler-ancestral.js';
import { LcmScheduler } from './lcm.js';
import type { SchedulerConfig } from './schedule.js';
import type { Scheduler, SchedulerName } from './types.js';

export const SCHEDULER_NAMES: SchedulerName[] = ['ddim', 'euler-a', 'dpm++2m', 'dpm++2m-karras', 'dpm++2m-sde-karras', 'lcm'];

/**
 * A scheduler from a model's scheduler_config.json with `from_config` semantics: keys in the file
 * override each class's defaults. `iclightCompat` reproduces IC-Light's demo quirk of building its
 * DPM++ scheduler with diffusers' default linear betas.
 */
export function createScheduler(name: SchedulerName, config: SchedulerConfig = {}, opts: { iclightCompat?: boolean } = {}): Scheduler {
  const cfg = opts.iclightCompat ? { ...config, beta_schedule: 'linear' as const } : config;
  switch (name) {
    case 'ddim': return new DdimScheduler(cfg);
    case 'euler-a': return new EulerAncestralScheduler(cfg);
    case 'dpm++2m': return new DpmSolverMultistepScheduler(cfg, { use_karras_sigmas: false, algorithm_type: 'dpmsolver++' });
    case 'dpm++2m-karras': return new DpmSolverMultistepScheduler(cfg, { use_karras_sigmas: true, algorithm_type: 'dpmsolver++' });
    case 'dpm++2m-sde-karras': return new DpmSolverMultistepScheduler(cfg, { use_karras_sigmas: true, algorithm_type: 'sde-dpmsolver++' });
    case 'lcm': return new LcmScheduler(cfg);
    default: throw new StudioError('E_VALIDATION', `unknown scheduler '${String(name)}'; known: ${SCHEDULER_NAMES.join(', ')}`);
  }
}

export { DdimScheduler, DpmSolverMultistepScheduler, EulerAncestralScheduler, LcmScheduler };
export * from './types.js';
export { roundHalfEven, makeBetas, alphasCumprod, sigmasFromAlphas, karrasSigmas } from './schedule.js';
export type { SchedulerConfig, BetaSchedule, Spacing, PredictionType } from './schedule.js';
