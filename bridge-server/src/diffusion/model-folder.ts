/**
 * Loading a model folder in the diffusers/Optimum ONNX layout and deciding what it is from the
 * UNet's input signature (docs/diffusion.md §1.7): 4 channels → sd, 9 → sd-inpaint,
 * 8 → ic-light-fc, 12 → ic-light-fbc; a folder with only vae_encoder/vae_decoder → taesd.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '@synthetic-studio/shared';
import type { DiffusionRuntime } from './runtime/runtime.js';
import type { ModelSession, TensorInfo } from './runtime/types.js';
import { floatFeed } from './runtime/feeds.js';
import { ClipTokenizer } from './tokenizer.js';
import { Component, signatureProblems } from './signatures.js';

export type ModelKind = 'sd' | 'sd-inpaint' | 'ic-light-fc' | 'ic-light-fbc' | 'taesd';
export const KIND_BY_CHANNELS: Record<number, ModelKind> = { 4: 'sd', 9: 'sd-inpaint', 8: 'ic-light-fc', 12: 'ic-light-fbc' };

export interface UnetInfo {
  inChannels: 4 | 8 | 9 | 12;
  /** Where inChannels came from. */
  channelsFrom: 'override' | 'config' | 'static-dim' | 'probe';
  timestepRank: 0 | 1;
  timestepType: string;
  floatType: 'float32' | 'float16';
  timestepCondDim: number | null;
}

export interface LoadedModel {
  dir: string;
  kind: ModelKind;
  /** The execution provider the UNet (or decoder for TAESD) actually runs on. */
  provider: string;
  textEncoder: ModelSession | null;
  unet: ModelSession | null;
  vaeEncoder: ModelSession;
  vaeDecoder: ModelSession;
  tokenizer: ClipTokenizer | null;
  unetInfo: UnetInfo | null;
  schedulerConfig: Record<string, unknown>;
  /** UNet latents = scalingFactor · VAE latents (1 for TAESD). */
  scalingFactor: number;
  encoderOutput: 'latent_sample' | 'latent_parameters';
  /** Pixel range of the VAE's image side: '-1..1' for AutoencoderKL, '0..1' for TAESD by default. */
  imageRange: '-1..1' | '0..1';
  modelIndex: Record<string, unknown> | null;
}

export interface LoadOptions {
  /** Override the UNet channel count when neither config nor metadata say it. */
  inChannels?: 4 | 8 | 9 | 12;
}

function readJson(path: string): Record<string, unknown> | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new StudioError('E_MODEL_CORRUPT', `${path} is not valid JSON: ${(e as Error).message}`, { path });
  }
}

function find(infos: TensorInfo[], name: string): TensorInfo | undefined {
  return infos.find((t) => t.name === name);
}

function validate(component: Component, s: ModelSession): void {
  const problems = signatureProblems(component, s.inputs, s.outputs);
  if (problems.length) {
    throw new StudioError('E_MODEL_SIGNATURE', `${s.path}: ${problems.join('; ')}`, { component, path: s.path, problems });
  }
}

/** Whether a folder looks like a TAESD-style tiny autoencoder (no UNet, has both VAE halves). */
export function isTinyAutoencoderFolder(dir: string): boolean {
  return !existsSync(join(dir, 'unet', 'model.onnx')) && existsSync(join(dir, 'vae_decoder', 'model.onnx')) && existsSync(join(dir, 'vae_encoder', 'model.onnx'));
}

async function probeChannels(unet: ModelSession, info: Omit<UnetInfo, 'inChannels' | 'channelsFrom'>): Promise<4 | 8 | 9 | 12 | null> {
  const sample = find(unet.inputs, 'sample')!;
  const ts = find(unet.inputs, 'timestep')!;
  const ehs = find(unet.inputs, 'encoder_hidden_states')!;
  for (const c of [4, 9, 8, 12] as const) {
    const feeds = {
      sample: floatFeed(sample, new Float32Array(c * 64), [1, c, 8, 8]),
      timestep: floatFeed(ts, Float32Array.of(999), info.timestepRank === 0 ? [] : [1]),
      encoder_hidden_states: floatFeed(ehs, new Float32Array(77 * 768), [1, 77, 768]),
      ...(info.timestepCondDim ? { timestep_cond: floatFeed(find(unet.inputs, 'timestep_cond')!, new Float32Array(info.timestepCondDim), [1, info.timestepCondDim]) } : {}),
    };
    try {
      await unet.run(feeds);
      return c;
    } catch {
      /* wrong channel count: try the next */
    }
  }
  return null;
}

/** Open, validate and classify a model folder. Sessions come from (and stay cached in) `runtime`. */
export async function loadModelFolder(dir: string, runtime: DiffusionRuntime, opts: LoadOptions = {}): Promise<LoadedModel> {
  if (!existsSync(dir)) throw new StudioError('E_MODEL_MISSING', `model folder not found: ${dir}`, { dir });
  const modelIndex = readJson(join(dir, 'model_index.json'));
  const vaeCfg = readJson(join(dir, 'vae_decoder', 'config.json')) ?? readJson(join(dir, 'vae_encoder', 'config.json'));
  const tiny = isTinyAutoencoderFolder(dir);
  const need = tiny ? ['vae_encoder', 'vae_decoder'] : ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'];
  for (const sub of need) {
    if (!existsSync(join(dir, sub, 'model.onnx'))) throw new StudioError('E_MODEL_MISSING', `${dir}: missing ${sub}/model.onnx`, { dir, component: sub });
  }
  const vaeEncoder = await runtime.open(join(dir, 'vae_encoder', 'model.onnx'));
  const vaeDecoder = await runtime.open(join(dir, 'vae_decoder', 'model.onnx'));
  if (tiny) {
    // tiny autoencoders are exported under many names: require one image/latent input and a rank-4 output
    for (const s of [vaeEncoder, vaeDecoder]) {
      const problems: string[] = [];
      if (s.inputs.length !== 1 || s.inputs[0].shape.length !== 4) problems.push(`expected one rank-4 input, found ${s.inputs.map((i) => `'${i.name}' [${i.shape.join(', ')}]`).join(', ') || 'none'}`);
      if (!s.outputs.some((o) => o.shape.length === 4)) problems.push('expected a rank-4 output');
      if (problems.length) throw new StudioError('E_MODEL_SIGNATURE', `${s.path}: ${problems.join('; ')}`, { path: s.path, problems });
    }
  } else {
    validate('vae_encoder', vaeEncoder);
    validate('vae_decoder', vaeDecoder);
  }
  const encOut = vaeEncoder.outputs.find((o) => o.name === 'latent_parameters' || o.shape[1] === 8) ? 'latent_parameters' : 'latent_sample';
  if (tiny) {
    const range = vaeCfg?.image_range === '-1..1' ? '-1..1' : '0..1';
    return {
      dir, kind: 'taesd', provider: vaeDecoder.provider, textEncoder: null, unet: null, vaeEncoder, vaeDecoder, tokenizer: null, unetInfo: null,
      schedulerConfig: {}, scalingFactor: typeof vaeCfg?.scaling_factor === 'number' ? vaeCfg.scaling_factor : 1, encoderOutput: encOut, imageRange: range, modelIndex,
    };
  }
  const schedulerConfig = readJson(join(dir, 'scheduler', 'scheduler_config.json'));
  if (!schedulerConfig) throw new StudioError('E_MODEL_MISSING', `${dir}: missing scheduler/scheduler_config.json`, { dir });
  const tokenizer = ClipTokenizer.fromFolder(join(dir, 'tokenizer'));
  const textEncoder = await runtime.open(join(dir, 'text_encoder', 'model.onnx'));
  validate('text_encoder', textEncoder);
  const unet = await runtime.open(join(dir, 'unet', 'model.onnx'));
  validate('unet', unet);

  const sample = find(unet.inputs, 'sample')!;
  const ts = find(unet.inputs, 'timestep')!;
  const tc = find(unet.inputs, 'timestep_cond');
  const unetCfg = readJson(join(dir, 'unet', 'config.json'));
  const base = {
    timestepRank: ts.shape.length as 0 | 1,
    timestepType: ts.type,
    floatType: (sample.type === 'float16' ? 'float16' : 'float32') as 'float32' | 'float16',
    timestepCondDim: tc ? (typeof tc.shape[1] === 'number' ? tc.shape[1] : typeof unetCfg?.time_cond_proj_dim === 'number' ? unetCfg.time_cond_proj_dim : 256) : null,
  };
  let inChannels: number | null = null;
  let channelsFrom: UnetInfo['channelsFrom'] = 'probe';
  if (opts.inChannels) { inChannels = opts.inChannels; channelsFrom = 'override'; }
  else if (typeof unetCfg?.in_channels === 'number') { inChannels = unetCfg.in_channels; channelsFrom = 'config'; }
  else if (typeof sample.shape[1] === 'number') { inChannels = sample.shape[1]; channelsFrom = 'static-dim'; }
  else inChannels = await probeChannels(unet, base);
  if (inChannels === null || !KIND_BY_CHANNELS[inChannels]) {
    throw new StudioError('E_MODEL_SIGNATURE', `${join(dir, 'unet', 'model.onnx')}: UNet 'sample' has ${inChannels ?? 'an undetectable number of'} input channels; supported: 4 (sd), 9 (sd-inpaint), 8 (ic-light-fc), 12 (ic-light-fbc)`, { dir, inChannels });
  }
  if (typeof sample.shape[1] === 'number' && sample.shape[1] !== inChannels) {
    throw new StudioError('E_MODEL_SIGNATURE', `${dir}: unet/config.json says in_channels ${inChannels} but the model's 'sample' input has ${sample.shape[1]} channels`, { dir });
  }
  const unetInfo: UnetInfo = { ...base, inChannels: inChannels as UnetInfo['inChannels'], channelsFrom };
  const scalingFactor = typeof vaeCfg?.scaling_factor === 'number' ? vaeCfg.scaling_factor : 0.18215;
  return {
    dir, kind: KIND_BY_CHANNELS[inChannels], provider: unet.provider, textEncoder, unet, vaeEncoder, vaeDecoder, tokenizer, unetInfo,
    schedulerConfig, scalingFactor, encoderOutput: encOut, imageRange: '-1..1', modelIndex,
  };
}

/** Release every session of a loaded model. */
export async function releaseModel(model: LoadedModel, runtime: DiffusionRuntime): Promise<void> {
  for (const s of [model.textEncoder, model.unet, model.vaeEncoder, model.vaeDecoder]) if (s) await runtime.release(s.path);
}

/** Open, validate and classify a folder, then release its sessions (CLI import/verify). */
export async function validateModelFolder(dir: string, runtime: DiffusionRuntime): Promise<{ kind: ModelKind; provider: string; unetInfo: UnetInfo | null }> {
  const m = await loadModelFolder(dir, runtime);
  await releaseModel(m, runtime);
  return { kind: m.kind, provider: m.provider, unetInfo: m.unetInfo };
}
