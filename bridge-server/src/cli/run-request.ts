import fs from 'node:fs';
import path from 'node:path';
import { StudioError, type JobRequestInput, type TaskName } from '@synthetic-studio/shared';

/** The flags `run` accepts (commander's camelCase names). Every task takes the same common flags. */
export interface RunFlags {
  input: string;
  in?: number;
  out?: number;
  mask?: string;
  maskFrame?: number;
  maskChannel?: 'auto' | 'luma' | 'alpha';
  maskId?: number;
  noTrack?: boolean;
  prompt?: string;
  negativePrompt?: string;
  engine?: 'classical' | 'diffusion';
  model?: string;
  output?: string;
  format?: string;
  seed?: number;
  priority?: number;
  // task parameters
  frames?: number;
  direction?: string;
  mode?: string;
  aspect?: string;
  size?: string;
  anchor?: string;
  light?: string;
  background?: string;
  backgroundDim?: number;
  autoMatte?: boolean;
  dilate?: number;
  feather?: number;
  strength?: number;
  steps?: number;
  guidance?: number;
  scheduler?: string;
  keyframeSpacing?: number;
}

/** Flag → params key. Only given flags are passed; the task's schema refuses the ones it does not know. */
const PARAM_FLAGS = ['frames', 'direction', 'mode', 'aspect', 'anchor', 'light', 'background', 'backgroundDim', 'autoMatte', 'dilate', 'feather', 'strength', 'steps', 'guidance', 'scheduler', 'keyframeSpacing', 'negativePrompt'] as const;

/**
 * Build the JobRequest for `run <task>` from its flags (frames already resolved from timecodes).
 * `--output X`: an existing folder receives a versioned result (`<clip>_<task>_v001…`); any other
 * path is the exact destination (a movie file, or the folder a frame sequence is written into).
 */
export function buildRunRequest(task: TaskName, f: RunFlags, cwd = process.cwd()): JobRequestInput {
  const params: Record<string, unknown> = {};
  for (const k of PARAM_FLAGS) if (f[k] !== undefined) params[k] = f[k];
  if (f.size !== undefined) {
    const m = /^(\d+)x(\d+)$/i.exec(f.size.trim());
    if (!m) throw new StudioError('E_VALIDATION', `--size must be WIDTHxHEIGHT (e.g. 1920x1080), not "${f.size}".`);
    params.size = { width: Number(m[1]), height: Number(m[2]) };
  }
  if (params.mode === undefined && task === 'extend' && (params.aspect !== undefined || params.size !== undefined)) params.mode = 'spatial';
  const output: Record<string, unknown> = {};
  if (f.format) output.format = f.format;
  if (f.output) {
    const out = path.resolve(cwd, f.output);
    if (isDirectory(out)) output.dir = out;
    else output.path = out;
  }
  const request: Record<string, unknown> = {
    task,
    source: { path: path.resolve(cwd, f.input), ...(f.in !== undefined ? { in: f.in } : {}), ...(f.out !== undefined ? { out: f.out } : {}) },
    placement: { host: 'cli' },
    output,
    params,
  };
  if (f.engine) request.engine = f.engine;
  if (f.model) request.model = isPathLike(f.model) ? path.resolve(cwd, f.model) : f.model;
  if (f.prompt !== undefined) request.prompt = f.prompt;
  if (f.seed !== undefined) request.seed = f.seed;
  if (f.priority !== undefined) request.priority = f.priority;
  if (f.mask) {
    request.mask = {
      kind: 'file',
      path: path.resolve(cwd, f.mask),
      ...(f.maskChannel ? { channel: f.maskChannel } : {}),
      ...(f.maskId !== undefined ? { id: f.maskId } : {}),
      ...(f.maskFrame !== undefined ? { frame: f.maskFrame } : {}),
      ...(f.noTrack ? { track: false } : {}),
    };
  }
  return request as JobRequestInput;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isPathLike(s: string): boolean {
  return s.includes('/') || s.includes('\\') || s.startsWith('.');
}
