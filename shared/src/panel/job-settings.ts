import type { HostSelection } from '../host/host-adapter.js';
import { parseJobRequest } from '../protocol/parse.js';
import type { Capabilities, EngineName, HostName, JobRequest, JobRequestInput, MaskSpec, ModelInfo, OutputFormat, TaskName } from '../protocol/index.js';
import { rigToSpec, type LightRig, defaultRig } from './light-rig.js';

/** What the user set in the job tabs. Defaults mirror the JobRequest schema's. */
export interface JobSettings {
  engine: EngineName;
  /** Installed model name, or null for the classical engine / none chosen. */
  model: string | null;
  prompt: string;
  seed: number;
  /** Locked: every Generate reuses `seed`; unlocked: each Generate draws a new one. */
  seedLocked: boolean;
  placeAbove: boolean;
  format: OutputFormat;
  inpaint: { strength: number; keyframeSpacing: number; feather: number; dilate: number };
  extend: {
    mode: 'temporal' | 'spatial';
    frames: number;
    direction: 'after' | 'before';
    aspect: string;
    anchor: 'center' | 'left' | 'right' | 'top' | 'bottom' | 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
    /** Diffusion refinement of new frames (temporal mode): low, so detail is kept, not re-invented. */
    strength: number;
    /** Diffusion strength of the new border (spatial mode): 1 generates it from noise, like inpaint. */
    outpaintStrength: number;
    keyframeSpacing: number;
  };
  relight: {
    rig: LightRig;
    background: 'keep' | 'dim' | 'relight';
    strength: number;
    keyframeSpacing: number;
    /** Let the bridge find the subject (needs an installed segmentation model) when no mask is painted. */
    autoMatte: boolean;
  };
}

export function defaultSettings(seed = 1234): JobSettings {
  return {
    engine: 'classical',
    model: null,
    prompt: '',
    seed,
    seedLocked: false,
    placeAbove: true,
    format: 'prores',
    inpaint: { strength: 1, keyframeSpacing: 12, feather: 2, dilate: 4 },
    extend: { mode: 'temporal', frames: 24, direction: 'after', aspect: '2.39:1', anchor: 'center', strength: 0.35, outpaintStrength: 1, keyframeSpacing: 12 },
    relight: { rig: defaultRig(), background: 'relight', strength: 1, keyframeSpacing: 12, autoMatte: false },
  };
}

/** The tabs in the order the panel shows them; only tasks the bridge reports appear. */
export const TASK_TABS: readonly { task: TaskName; label: string }[] = [
  { task: 'inpaint', label: 'Remove / Replace' },
  { task: 'extend', label: 'Extend' },
  { task: 'relight', label: 'Relight' },
  { task: 'copy', label: 'Copy range' },
];

export function availableTabs(caps: Capabilities | null): { task: TaskName; label: string; engines: EngineName[] }[] {
  if (!caps) return [];
  return TASK_TABS.flatMap((t) => {
    const reported = caps.tasks.find((x) => x.name === t.task);
    return reported ? [{ ...t, engines: reported.engines }] : [];
  });
}

const MODEL_KINDS: Record<TaskName, ModelInfo['kind'][]> = {
  copy: [],
  inpaint: ['sd-inpaint', 'sd'],
  extend: ['sd-inpaint', 'sd'],
  relight: ['ic-light-fc'],
};

/** Installed models that can drive `task` with the diffusion engine. */
export function modelsFor(caps: Capabilities | null, task: TaskName): ModelInfo[] {
  if (!caps) return [];
  return caps.models.filter((m) => m.installed && MODEL_KINDS[task].includes(m.kind));
}

/** Can the bridge find a subject matte by itself (an installed segmentation model)? */
export function canAutoMatte(caps: Capabilities | null): boolean {
  return Boolean(caps?.models.some((m) => m.installed && m.kind === 'segmentation'));
}

/** Does this task take a painted mask? (Relight's matte is optional.) */
export function taskUsesMask(task: TaskName): 'required' | 'optional' | 'none' {
  return task === 'inpaint' ? 'required' : task === 'relight' ? 'optional' : 'none';
}

export interface BuildInput {
  task: TaskName;
  settings: JobSettings;
  selection: HostSelection;
  host: HostName;
  mask?: MaskSpec;
  seed: number;
}

/** Turn the panel's settings and the host selection into the one JobRequest (validated). */
export function buildJobRequest({ task, settings, selection, host, mask, seed }: BuildInput): JobRequest {
  const useModel = settings.engine === 'diffusion' && settings.model ? { model: settings.model } : {};
  const prompt = settings.prompt.trim();
  const base = {
    engine: task === 'copy' ? 'classical' : settings.engine,
    ...(task === 'copy' ? {} : useModel),
    source: {
      path: selection.mediaPath,
      in: selection.sourceIn,
      out: selection.sourceOut,
      fps: selection.sourceFps,
      ...(selection.sourceTimecode ? { timecode: selection.sourceTimecode } : {}),
    },
    ...(selection.placement
      ? {
          placement: {
            host,
            track: selection.placement.track,
            start: selection.placement.start,
            ...(selection.placement.sequenceFps ? { sequenceFps: selection.placement.sequenceFps } : {}),
          },
        }
      : {}),
    ...(prompt && task !== 'copy' ? { prompt } : {}),
    output: { format: settings.format },
    seed,
  };
  let input: JobRequestInput;
  switch (task) {
    case 'copy':
      input = { task, ...base, params: {} };
      break;
    case 'inpaint':
      input = { task, ...base, ...(mask ? { mask } : {}), params: { ...settings.inpaint } };
      break;
    case 'extend': {
      const e = settings.extend;
      const params = e.mode === 'temporal'
        ? { mode: e.mode, frames: e.frames, direction: e.direction, strength: e.strength, keyframeSpacing: e.keyframeSpacing }
        : { mode: e.mode, aspect: e.aspect, anchor: e.anchor, strength: e.outpaintStrength, keyframeSpacing: e.keyframeSpacing };
      input = { task, ...base, params };
      break;
    }
    case 'relight': {
      const r = settings.relight;
      input = {
        task,
        ...base,
        ...(mask ? { mask } : {}),
        params: {
          ...(prompt ? {} : { light: rigToSpec(r.rig) }),
          background: r.background,
          strength: r.strength,
          keyframeSpacing: r.keyframeSpacing,
          ...(r.autoMatte && !mask ? { autoMatte: true } : {}),
        },
      };
      break;
    }
  }
  return parseJobRequest(input);
}

/** A fresh 32-bit seed. */
export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * 0xffffffff) >>> 0;
}
