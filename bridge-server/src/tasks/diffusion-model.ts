import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { StudioError, type TaskName } from '@synthetic-studio/shared';
import {
  DiffusionPipeline, DiffusionRuntime, isTinyAutoencoderFolder, providerWarning, TinyAutoencoder,
  type ExecutionProvider, type ModelKind, type SchedulerName,
} from '../diffusion/index.js';
import type { TaskEnvironment, TaskLogger } from './task.js';

/**
 * `--model NAME|DIR` → a model folder: an installed model name (a folder under the models
 * folder) or a path to a model folder. Not found: E_MODEL_MISSING naming where it looked.
 */
export function resolveModelDir(model: string, modelsDir: string): string {
  const candidates = isAbsolute(model) || model.includes('/') || model.includes('\\') ? [model] : [join(modelsDir, model), model];
  const hit = candidates.find((p) => existsSync(p));
  if (!hit) {
    throw new StudioError('E_MODEL_MISSING', `The model "${model}" is not installed (looked in ${candidates.join(', ')}); run \`synthetic-studio models list\` and pull one, or pass a model folder.`, { model });
  }
  return hit;
}

/** An opened diffusion pipeline for one job, with the optional TAESD preview decoder. */
export interface JobDiffusionModel {
  dir: string;
  pipeline: DiffusionPipeline;
  runtime: DiffusionRuntime;
  /** Per-step previews, when a tiny autoencoder is installed in the models folder. */
  preview?: { decoder: TinyAutoencoder; every: number };
  close(): Promise<void>;
}

export interface OpenModelOptions {
  task: TaskName;
  /** request.model (undefined → E_MODEL_MISSING with what to do). */
  model: string | undefined;
  env: TaskEnvironment;
  /** Kinds this job can run with, and what the job needs them for (error sentences). */
  kinds: readonly ModelKind[];
  need: string;
  log?: TaskLogger;
  /** 'worker' (default: the event loop stays free for progress and cancel) or 'in-process'. */
  mode?: 'worker' | 'in-process';
  /** Look for a TAESD folder for previews (default true). */
  previews?: boolean;
}

const KNOWN_PROVIDERS: ReadonlySet<string> = new Set(['cpu', 'cuda', 'dml', 'coreml', 'webgpu', 'tensorrt']);

/**
 * Open the job's diffusion model with the configured execution providers (in a worker thread),
 * refuse a model of the wrong kind with a sentence, note a provider fallback in the log, and find
 * a TAESD preview decoder among the installed models.
 */
export async function openDiffusionModel(o: OpenModelOptions): Promise<JobDiffusionModel> {
  if (!o.model) {
    throw new StudioError('E_MODEL_MISSING', `${o.task} with the diffusion engine needs ${o.need}: pull one with \`synthetic-studio models pull NAME\` and pass --model NAME (or a model folder).`, { field: 'model' });
  }
  const dir = resolveModelDir(o.model, o.env.modelsDir);
  if (isTinyAutoencoderFolder(dir)) {
    throw new StudioError('E_ENGINE_UNSUPPORTED', `${dir} is a tiny autoencoder (TAESD), used only for previews; ${o.task} needs ${o.need}.`, { model: dir, kind: 'taesd' });
  }
  const providers = o.env.executionProviders.filter((p) => KNOWN_PROVIDERS.has(p)) as ExecutionProvider[];
  const runtime = new DiffusionRuntime({ mode: o.mode ?? 'worker', providers: providers.length ? providers : ['cpu'] });
  try {
    const pipeline = await DiffusionPipeline.load(dir, runtime);
    if (!o.kinds.includes(pipeline.kind)) {
      throw new StudioError('E_ENGINE_UNSUPPORTED', `${dir} is a ${pipeline.kind} model; ${o.task} needs ${o.need} (${o.kinds.join(' or ')}).`, { model: dir, kind: pipeline.kind, expected: o.kinds });
    }
    const unet = pipeline.model.unet;
    const warning = unet ? providerWarning(unet) : null;
    if (warning) o.log?.warn({ code: warning.code, ...warning.details }, warning.message);
    const decoder = o.previews === false ? undefined : await findPreviewDecoder(o.env.modelsDir, runtime, o.log);
    return {
      dir, pipeline, runtime,
      ...(decoder ? { preview: { decoder, every: 1 } } : {}),
      close: () => runtime.dispose(),
    };
  } catch (e) {
    await runtime.dispose().catch(() => undefined);
    throw e;
  }
}

/** The first installed tiny autoencoder (names containing "taesd" first), or undefined. */
export async function findPreviewDecoder(modelsDir: string, runtime: DiffusionRuntime, log?: TaskLogger): Promise<TinyAutoencoder | undefined> {
  let names: string[];
  try {
    names = readdirSync(modelsDir).filter((n) => statSync(join(modelsDir, n)).isDirectory());
  } catch {
    return undefined;
  }
  names.sort((a, b) => Number(!/taesd/i.test(a)) - Number(!/taesd/i.test(b)) || a.localeCompare(b));
  for (const n of names) {
    const dir = join(modelsDir, n);
    if (!isTinyAutoencoderFolder(dir)) continue;
    try {
      return await TinyAutoencoder.fromFolder(dir, runtime);
    } catch (e) {
      log?.warn({ dir, err: (e as Error).message }, 'preview decoder could not be opened; no step previews');
    }
  }
  return undefined;
}

/** Protocol scheduler names → the diffusion engine's. */
export function schedulerFor(name: string): SchedulerName {
  switch (name) {
    case 'ddim': return 'ddim';
    case 'euler-a': return 'euler-a';
    case 'dpmpp-2m': return 'dpm++2m';
    case 'dpmpp-2m-karras': return 'dpm++2m-karras';
    case 'lcm': return 'lcm';
    default: throw new StudioError('E_VALIDATION', `unknown scheduler "${name}"`, { field: 'params.scheduler' });
  }
}
