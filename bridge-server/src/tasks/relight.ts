import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError, type FloatFrame, type RequestOf } from '@synthetic-studio/shared';
import type { DiffusionPipeline } from '../diffusion/index.js';
import { maskFromFrame, maskToFrame, trackMask } from '../temporal/index.js';
import {
  createOutputWriter, fromLinear, loadMask, probeMedia, readFrame, readFrames, resolveRange, toLinear, writeFileAtomic,
  type MaskSource, type MediaInfo, type OutputWriter,
} from '../media/index.js';
import {
  applyRatio, ClassicalRelighter, compositeMatte, fitSize, icLightDirection, keyframeIndices, keyframeRatio, luminancePlane, modelSize,
  KeyframeRatioChain, resizeFrame, resolveLighting, rigPrompt, scaleFrame, snapMatte, SubjectSegmenter, temporalEnginePort,
  type RatioMap, type ResolvedLighting,
} from '../relight/index.js';
import { openDiffusionModel } from './diffusion-model.js';
import type { TaskContext, TaskDefinition, TaskResult } from './task.js';

type RelightRequest = RequestOf<'relight'>;
type Ctx = TaskContext<RelightRequest>;

/** Relight results also carry the rig mapping shown to the user. */
export interface RelightResult extends TaskResult {
  /** How the light spec or prompt became a rig (human-readable). */
  mapping: string;
  /** The rig as a --light spec ('' when a diffusion prompt was used as is). */
  rigSpec: string;
}

/** Frames re-run (not written) before the first missing frame on resume, to rebuild the flow history. */
const RESUME_WARMUP = 8;
/** Long side of the working resolution for ratios and flow. */
const WORKING_SIDE = 480;
/** Where the automatic subject matte model lives inside the models folder. */
export const SELFIE_MODEL_PATH = ['selfie-segmentation', 'selfie_segmentation_landscape.onnx'];
/** IC-Light demo seed, used when the request has none. */
const DEFAULT_SEED = 12345;

/**
 * Relight a clip. Frames are decoded, converted to linear light with the source's transfer,
 * relit (float all the way: HDR and log values are never clipped), converted back and written;
 * outside the subject matte the background is kept bit for bit, dimmed, or relit too.
 * Classical: a light rig → normals → shading ratio, stabilised along the flow. Diffusion:
 * IC-Light relights keyframes; their smooth ratio to the original travels along the flow.
 */
export const relightTask: TaskDefinition<'relight'> = {
  name: 'relight',
  label: 'Relight',
  engines: ['classical', 'diffusion'],
  validate(request) {
    if (request.engine === 'diffusion') {
      if (!request.model) throw new StudioError('E_MODEL_REQUIRED', 'diffusion relighting needs an IC-Light model (--model NAME|DIR)', { field: 'model' });
      if (!request.prompt && !request.params.light) {
        throw new StudioError('E_VALIDATION', 'diffusion relighting needs a lighting prompt or a light spec', { field: 'prompt' });
      }
      if (request.params.light) resolveLighting(request.params.light, undefined);
      return;
    }
    resolveLighting(request.params.light, request.prompt);
  },
  run: runRelight,
};

interface Job {
  ctx: Ctx;
  info: MediaInfo;
  range: { in: number; out: number };
  transfer: string;
  writer: OutputWriter;
  matte: MatteProvider;
  metrics: Record<string, number>;
  total: number;
}

async function runRelight(ctx: Ctx): Promise<RelightResult> {
  const started = Date.now();
  const { request, signal, log } = ctx;
  const lighting = lightingFor(request);
  log.info({ rig: lighting?.spec ?? null, engine: request.engine }, `relight mapping: ${mappingText(request, lighting)}`);

  const info = await probeMedia(request.source.path, { maxPixels: ctx.env.maxPixels, signal });
  const range = resolveRange(info, request.source.in, request.source.out);
  const transfer = workingTransfer(info.color.transfer, ctx);
  const writer = await createOutputWriter({ workDir: ctx.workDir, request, info, range, signal });
  const total = range.out - range.in;
  const metrics: Record<string, number> = { frames: total, lights: lighting?.rig.lights.length ?? 0, framesSkippedResume: total - writer.missing().length };
  const matte = await openMatte(ctx, info, range);
  if (matte.kind === 'none' && request.params.background !== 'relight') {
    log.warn({ background: request.params.background }, `relight: background "${request.params.background}" needs a subject matte (--mask or --auto-matte with a segmentation model); the whole frame is relit`);
  }
  const job: Job = { ctx, info, range, transfer, writer, matte, metrics, total };
  try {
    if (request.engine === 'diffusion') await runDiffusion(job, lighting);
    else await runClassical(job, lighting as ResolvedLighting);
    metrics.matte = matte.kind === 'none' ? 0 : matte.kind === 'auto' ? 2 : 1;
    ctx.progress({ phase: 'encode', done: total, total });
    const mapping = mappingText(request, lighting);
    const outputs = await writer.finalize({
      engine: request.engine,
      model: request.engine === 'diffusion' ? request.model ?? null : matte.kind === 'auto' ? 'mediapipe-selfie-segmentation' : null,
      seed: request.engine === 'diffusion' ? request.seed ?? DEFAULT_SEED : request.seed ?? null,
      params: { ...request.params, prompt: request.prompt ?? null, rig: lighting?.spec ?? null, mapping },
      metrics,
      wallSeconds: (Date.now() - started) / 1000,
    });
    return { outputs, metrics, notes: [`Lighting: ${mapping}`], mapping, rigSpec: lighting?.spec ?? '' };
  } catch (e) {
    await writer.abort().catch(() => undefined);
    throw e;
  } finally {
    await matte.close();
  }
}

/** Diffusion may run on a free prompt IC-Light understands even when it maps to no rig (a bad light spec still fails). */
function lightingFor(request: RelightRequest): ResolvedLighting | undefined {
  if (request.engine !== 'diffusion' || request.params.light) return resolveLighting(request.params.light, request.prompt);
  try {
    return resolveLighting(request.params.light, request.prompt);
  } catch {
    return undefined;
  }
}

function mappingText(request: RelightRequest, lighting: ResolvedLighting | undefined): string {
  if (request.engine !== 'diffusion') return (lighting as ResolvedLighting).mapping;
  const prompt = request.prompt ?? (lighting ? rigPrompt(lighting.rig) : '');
  const dir = lighting ? icLightDirection(lighting.rig) : 'none';
  return `IC-Light prompt "${prompt}", light preference ${dir}${lighting ? `; rig: ${lighting.mapping}` : ''}`;
}

async function runClassical(job: Job, lighting: ResolvedLighting): Promise<void> {
  const { ctx, info, range, transfer, writer, matte } = job;
  const { request, signal } = ctx;
  const params = request.params;
  const relighter = new ClassicalRelighter({ rig: lighting.rig, strength: params.strength, workingMaxSide: WORKING_SIDE, temporal: temporalEnginePort({ maxSide: WORKING_SIDE }) });
  const missing = writer.missing();
  const output = relitOutput(job);
  if (missing.length > 0) {
    const startAt = Math.max(range.in, missing[0] - RESUME_WARMUP);
    for await (const { index, frame } of readFrames(request.source.path, { in: startAt, out: range.out, info, signal })) {
      if (signal.aborted) throw new StudioError('E_CANCELLED');
      const lin = toLinear(frame, transfer);
      const m = await matte.get(index, frame);
      const ratio = relighter.nextRatio(lin, m ? { matte: m } : {});
      if (writer.has(index)) continue; // written by an earlier run: only the flow history is needed
      await output.write(index, frame, lin, ratio, m);
    }
  }
  output.finish();
}

async function runDiffusion(job: Job, lighting: ResolvedLighting | undefined): Promise<void> {
  const { ctx } = job;
  const model = await openDiffusionModel({
    task: 'relight', model: ctx.request.model, env: ctx.env, log: ctx.log, previews: false,
    kinds: ['ic-light-fc'], need: 'an IC-Light fc model (8-channel UNet)',
  });
  try {
    await relightWithKeyframes(job, lighting, model.pipeline);
  } finally {
    await model.close().catch(() => undefined);
  }
}

async function relightWithKeyframes(job: Job, lighting: ResolvedLighting | undefined, pipeline: DiffusionPipeline): Promise<void> {
  const { ctx, info, range, transfer, writer, matte, metrics, total } = job;
  const { request, signal } = ctx;
  const params = request.params;
  const port = temporalEnginePort({ maxSide: WORKING_SIDE });
  const ws = fitSize(info.width, info.height, WORKING_SIDE);
  const ms = modelSize(info.width, info.height, 512);
  const seed = request.seed ?? DEFAULT_SEED;
  const prompt = request.prompt ?? (lighting ? rigPrompt(lighting.rig) : 'natural lighting');
  const light = lighting ? icLightDirection(lighting.rig) : 'none';
  const keys = keyframeIndices(total, params.keyframeSpacing).map((k) => k + range.in);
  const cacheDir = join(ctx.workDir, 'relight-keys');
  await mkdir(cacheDir, { recursive: true });
  let keyRuns = 0;
  const keyRatio = async (index: number): Promise<RatioMap> => {
    const cached = await readRatio(join(cacheDir, `${index}.f32`), ws.width, ws.height);
    if (cached) return cached;
    const frame = await readFrame(request.source.path, index, { info, signal });
    // IC-Light relights a foreground over grey: give it the matte only when the background is
    // not relit too (otherwise its ratio there would compare the plate with grey).
    const m = params.background === 'relight' ? undefined : await matte.get(index, frame);
    const ratio = await keyframeRatio(pipeline, frame, {
      prompt, seed, steps: params.steps, guidance: params.guidance, light, signal, strength: params.strength,
      modelWidth: ms.width, modelHeight: ms.height, ratioWidth: ws.width, ratioHeight: ws.height,
      toLinear: (f) => toLinear(f, transfer), ...(m ? { matte: m } : {}),
    });
    keyRuns++;
    await writeFileAtomic(join(cacheDir, `${index}.f32`), new Uint8Array(ratio.data.buffer, ratio.data.byteOffset, ratio.data.byteLength));
    return ratio;
  };

  const output = relitOutput(job);
  const chain = new KeyframeRatioChain(port);
  const gaps = Math.max(1, keys.length - 1);
  const runGap = async (g: number, writes: number[] | null): Promise<void> => {
    const a = keys[g];
    const b = keys.length > 1 ? keys[g + 1] : a;
    const lastGap = g === gaps - 1;
    ctx.progress({ phase: 'keyframes', done: output.done, total });
    const rA = await keyRatio(a);
    const rB = b !== a ? await keyRatio(b) : undefined;
    const frames: Array<{ index: number; frame: FloatFrame }> = [];
    for await (const f of readFrames(request.source.path, { in: a, out: b + 1, info, signal })) frames.push(f);
    const guides = frames.map((f) => resizeFrame(f.frame, ws.width, ws.height));
    const ratios = chain.gap(guides, rA, rB, lastGap);
    for (let k = 0; k < ratios.length; k++) {
      if (signal.aborted) throw new StudioError('E_CANCELLED');
      const { index, frame } = frames[k];
      const ratio = ratios[k];
      if (!writes || !writes.includes(index)) continue;
      const lin = toLinear(frame, transfer);
      await output.write(index, frame, lin, ratio, await matte.get(index, frame));
    }
  };
  let fedThrough = -1;
  for (let g = 0; g < gaps; g++) {
    const a = keys[g];
    const b = keys.length > 1 ? keys[g + 1] : a;
    const writes: number[] = [];
    for (let i = a; i < (g === gaps - 1 ? b + 1 : b); i++) if (!writer.has(i)) writes.push(i);
    if (writes.length === 0) continue;
    if (signal.aborted) throw new StudioError('E_CANCELLED');
    // Resuming after skipped gaps: replay the previous gap (no writes) to rebuild the history.
    if (g > 0 && fedThrough !== g - 1) await runGap(g - 1, null);
    await runGap(g, writes);
    fedThrough = g;
  }
  output.finish();
  metrics.keyframes = keys.length;
  metrics.keyframesRun = keyRuns;
  metrics.keyframesPerFrame = keys.length / total;
  metrics.unetCalls = pipeline.unetCalls;
  metrics.unetCallsPerFrame = pipeline.unetCalls / Math.max(1, output.relit);
}

/**
 * The per-frame output step both engines share: compose the relit frame (matte, background
 * policy, back to code values), write it, count it for the metrics and report progress.
 */
function relitOutput(job: Job) {
  const { ctx, writer, metrics, total, transfer } = job;
  const params = ctx.request.params;
  let gain = 0;
  const state = {
    done: total - writer.missing().length,
    relit: 0,
    async write(index: number, frame: FloatFrame, lin: FloatFrame, ratio: RatioMap, matte: Float32Array | undefined): Promise<void> {
      const out = composeOutput(frame, lin, ratio, matte, params.background, params.backgroundDim, transfer);
      await writer.write(index, out);
      gain += meanLogLuminance(ratio);
      state.relit++;
      state.done++;
      ctx.progress({ phase: 'relight', done: state.done, total, preview: out });
    },
    finish(): void {
      metrics.framesRelit = state.relit;
      if (state.relit > 0) metrics.meanGain = Math.exp(gain / state.relit);
    },
  };
  return state;
}

async function readRatio(path: string, width: number, height: number): Promise<RatioMap | undefined> {
  try {
    const buf = await readFile(path);
    if (buf.byteLength !== width * height * 3 * 4) return undefined;
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    return { width, height, data };
  } catch {
    return undefined;
  }
}

/** The transfer to linearise with; unknown ones (PQ, HLG, camera logs) are relit as code values, unclipped. */
function workingTransfer(transfer: string | null, ctx: Ctx): string {
  try {
    toLinear({ width: 1, height: 1, channels: 3, data: new Float32Array(3) }, transfer);
    return transfer ?? 'bt709';
  } catch {
    ctx.log.warn({ transfer }, 'relight: unknown transfer function; relighting code values directly (no clipping)');
    return 'linear';
  }
}

/**
 * The output frame in code values. Compositing happens in code values so that with
 * background = keep the pixels outside the matte are the decoded source exactly.
 */
export function composeOutput(
  frame: FloatFrame,
  linear: FloatFrame,
  ratio: RatioMap,
  matte: Float32Array | undefined,
  background: 'keep' | 'dim' | 'relight',
  dim: number,
  transfer: string,
): FloatFrame {
  const relit = fromLinear(applyRatio(linear, ratio), transfer);
  if (!matte || background === 'relight') return relit;
  const bg = background === 'keep' ? frame : fromLinear(scaleFrame(linear, dim), transfer);
  return compositeMatte(relit, bg, matte);
}

function meanLogLuminance(ratio: RatioMap): number {
  const n = ratio.width * ratio.height;
  const y = luminancePlane(ratio.data, 3, n);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(Math.max(y[i], 1e-6));
  return s / n;
}

interface MatteProvider {
  kind: 'none' | 'mask' | 'auto';
  get(index: number, frame: FloatFrame): Promise<Float32Array | undefined>;
  close(): Promise<void>;
}

async function openMatte(ctx: Ctx, info: MediaInfo, range: { in: number; out: number }): Promise<MatteProvider> {
  const { request, signal } = ctx;
  if (request.mask) {
    const src: MaskSource = await loadMask(request.mask, { info, range, dilate: 0, feather: 0, signal });
    if (src.kind === 'single') {
      const tracked = await trackSingleMatte(ctx, info, range, src.mask, src.frame);
      await src.close();
      return { kind: 'mask', get: async (i) => tracked(i), close: async () => undefined };
    }
    return { kind: 'mask', get: async (i) => firstChannel(await src.get(i)), close: () => src.close() };
  }
  if (request.params.autoMatte) {
    const path = join(ctx.env.modelsDir, ...SELFIE_MODEL_PATH);
    if (!existsSync(path)) {
      ctx.log.warn({ path }, 'relight: autoMatte asked but no segmentation model is installed; relighting the whole frame');
      return { kind: 'none', get: async () => undefined, close: async () => undefined };
    }
    const seg = await SubjectSegmenter.load(path);
    const cache = new Map<number, Float32Array>();
    return {
      kind: 'auto',
      get: async (i, frame) => {
        const hit = cache.get(i);
        if (hit) return hit;
        const m = snapMatte(await seg.matte(frame));
        cache.clear(); // frames come in order; keep only the latest (keyframe and gap reads share it)
        cache.set(i, m);
        return m;
      },
      close: () => seg.close(),
    };
  }
  return { kind: 'none', get: async () => undefined, close: async () => undefined };
}

/** Longest range a single-frame matte is tracked over (all working-size frames sit in memory). */
const MAX_TRACK_FRAMES = 1200;

/**
 * A matte painted on one frame, tracked through the range with the temporal engine's object
 * tracker at the working size and scaled back up (bilinear, so the edge is soft). Too long a
 * range: the matte is held, with a warning.
 */
async function trackSingleMatte(ctx: Ctx, info: MediaInfo, range: { in: number; out: number }, mask: FloatFrame, frame: number): Promise<(index: number) => Float32Array> {
  const held = firstChannel(mask);
  const total = range.out - range.in;
  if (total > MAX_TRACK_FRAMES) {
    ctx.log.warn({ frames: total }, `relight: the range is longer than ${MAX_TRACK_FRAMES} frames; the single-frame matte is held, not tracked`);
    return () => held;
  }
  const ws = fitSize(info.width, info.height, WORKING_SIDE);
  const frames: FloatFrame[] = [];
  for await (const f of readFrames(ctx.request.source.path, { in: range.in, out: range.out, info, signal: ctx.signal })) {
    frames.push(resizeFrame(f.frame, ws.width, ws.height));
    ctx.progress({ phase: 'track matte', done: frames.length, total });
  }
  const key = Math.min(total - 1, Math.max(0, frame - range.in));
  const small = maskFromFrame(resizeFrame({ width: info.width, height: info.height, channels: 1, data: held }, ws.width, ws.height));
  const masks = trackMask(frames, [{ index: key, mask: small }]);
  return (index: number) => {
    const k = index - range.in;
    if (k === key) return held;
    return resizeFrame(maskToFrame(masks[k]), info.width, info.height).data;
  };
}

function firstChannel(f: FloatFrame): Float32Array {
  if (f.channels === 1) return f.data;
  const n = f.width * f.height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f.data[i * f.channels];
  return out;
}
