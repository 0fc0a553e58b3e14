import { StudioError } from '@synthetic-studio/shared';
import { describeRig, type LightRig } from './light-rig.js';
import { promptToRig } from './prompt-rig.js';
import { parseLightSpec } from './rig-spec.js';
import { rigToSpec } from './rig-to-spec.js';

export interface ResolvedLighting {
  rig: LightRig;
  /** The rig as a spec string (what to pass as --light to get the same result). */
  spec: string;
  /** Shown to the user: the prompt mapping when the rig came from words, else the rig. */
  mapping: string;
  source: 'light' | 'prompt';
}

/**
 * The rig of a relight request: an explicit light spec wins; otherwise the prompt is mapped to a
 * rig (the mapping is explained). Neither → E_VALIDATION.
 */
export function resolveLighting(light: string | undefined, prompt: string | undefined): ResolvedLighting {
  if (light !== undefined && light.trim() !== '') {
    const rig = parseLightSpec(light);
    return { rig, spec: rigToSpec(rig), mapping: `light spec "${light}" → ${describeRig(rig)}`, source: 'light' };
  }
  if (prompt !== undefined && prompt.trim() !== '') {
    const m = promptToRig(prompt);
    return { rig: m.rig, spec: m.spec, mapping: m.description, source: 'prompt' };
  }
  throw new StudioError('E_VALIDATION', 'relight needs a light: give --light (e.g. "preset:golden-hour") or a lighting prompt (e.g. "warm light from the left")', {
    field: 'params.light',
  });
}
