import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError, type FloatFrame, type RequestOf, type SchedulerNameParam } from '@synthetic-studio/shared';
import { boxBlur, deriveSeed, flowToLatent, fuseLatents, generateKeyframe, integralNoiseWarp, planKeyframe, SeededRandom, warpLatents } from '../diffusion/index.js';
import { writeFileAtomic } from '../media/index.js';
import {
  computeFlowPair, extrapolateVideo, fbConsistency, seamChange, sharedFlowPool, warpBilinear, type FlowField, type Mask,
} from '../temporal/index.js';
import { completeWithDiffusion, completionMetrics } from './diffusion-completion.js';
import { KeyframeGenerator } from './diffusion-keyframes.js';
import { openDiffusionModel, schedulerFor, type JobDiffusionModel } from './diffusion-model.js';
import { openSpatialExtension, openTemporalExtension } from './extend-plan.js';
import { outpaintCanvas } from './outpaint-canvas.js';
import { executedSteps, MODEL_RESOLUTION, validateDiffusionSchedule } from './inpaint-diffusion.js';
import { abortOutputOnError, checkpointFrames, finishOutput } from './job-output.js';
import type { TaskContext, TaskResult } from './task.js';
import { hashedRangeFrames, SequentialFrames, type SourceHashes } from './temporal-io.js';

type ExtendRequest = RequestOf<'extend'>;
type Ctx = TaskContext<ExtendRequest>;

const DEFAULT_SEED = 1;
/** New frames over which the refinement fades in from the seam (the first new frame gets 1/(RAMP+1)). */
const REFINE_RAMP = 4;
/** Radius (px at 512 long side, scaled to the frame) below which refinement keeps the extrapolation's colours. */
const DETAIL_RADIUS = 6;
/** How the temporal refinement keeps the new frames' detail consistent from frame to frame. */
export interface TemporalRefineTuning {
  /** Share of the previous new frame's detail (warped by flow) kept in each new frame's detail. */
  detailCarry: number;
  /** Fraction of the executed steps whose latents are fused with the previous new frame's (warped). */
  fuseSteps: number;
  /** Fusion weight where the flow is reliable. */
  fuseStrength: number;
  /** Initial noise warped along the flow (∫-noise) instead of fresh noise per frame. */
  warpNoise: boolean;
}

/**
 * Measured on the sample scene (bench/jobs-diffusion.bench.ts) with a denoiser whose answer is
 * stable (x0 estimate = smoothed noisy latent): the refined frames then change no more from frame
 * to frame than the classical ones (E_warp ≤ 1x classical), while plain per-frame img2img with
 * warped noise adds ~3x. Random-weight fixtures do not denoise, so their noise stays in the picture.
 */
export const TEMPORAL_REFINE: Readonly<TemporalRefineTuning> = { detailCarry: 0.75, fuseSteps: 1, fuseStrength: 0.8, warpNoise: true };
const NEED_TEMPORAL = 'an SD-1.5 model (img2img refinement of the new frames)';
const NEED_SPATIAL = 'an inpainting model (SD-1.5 inpainting, or an SD-1.5 model for latent-blended inpainting)';

/** The diffusion settings of an extend job, per-mode defaults filled in (what runs and what the sidecar records). */
export interface ExtendDiffusionSettings {
  strength: number;
  steps: number;
  guidance: number;
  scheduler: SchedulerNameParam;
  negativePrompt?: string;
}

export function extendDiffusionSettings(request: ExtendRequest): ExtendDiffusionSettings {
  const p = request.params;
  const temporal = p.mode === 'temporal';
  return {
    // temporal refines what the extrapolation made (low strength); spatial invents the border (as inpaint)
    strength: p.strength ?? (temporal ? 0.35 : 1),
    steps: p.steps,
    guidance: p.guidance,
    scheduler: p.scheduler ?? (temporal ? 'dpmpp-2m' : 'dpmpp-2m-karras'),
    ...(p.negativePrompt ? { negativePrompt: p.negativePrompt } : {}),
  };
}

export function validateExtendDiffusion(request: ExtendRequest): void {
  const s = extendDiffusionSettings(request);
  validateDiffusionSchedule(s.steps, s.strength, s.scheduler);
  if (!request.model) {
    const need = request.params.mode === 'temporal' ? NEED_TEMPORAL : NEED_SPATIAL;
    throw new StudioError('E_MODEL_MISSING', `extend with the diffusion engine needs ${need}: pull one with \`synthetic-studio models pull NAME\` and pass --model NAME (or a model folder).`, { field: 'model' });
  }
}

/**
 * `extend` with the diffusion engine (the request already passed extend's own validation).
 * - temporal: the classical extrapolation (camera motion continued, disocclusions completed),
 *   then every new frame is refined by img2img at low strength with initial noise warped along
 *   the new frames' flow, so generated detail moves with the picture instead of smearing or
 *   flickering. Only the refinement's detail (above a small blur radius) is added, mostly the
 *   previous new frame's detail carried along the flow, fading in over the first frames, so the
 *   seam to the source stays within its usual frame-to-frame change. Each frame's detail is
 *   persisted in the work folder: a resumed job continues the chain without re-running the UNet.
 *   The new frames hold no source pixels, so dilate/feather have nothing to act on here.
 * - spatial: the range on the larger canvas; camera motion brings in what other frames saw, and
 *   the diffusion model invents the rest on keyframes that are then propagated. The new border is
 *   grown `dilate` px into the picture and the fill blended over `feather` px beyond that
 *   (outpaintCanvas, shared with the classical engine); farther in, the source is bit-exact.
 * Both run the request's scheduler/steps/strength/guidance/negative prompt (extendDiffusionSettings:
 * the defaults differ per mode) and record the values used in the sidecar.
 */
export async function runExtendDiffusion(ctx: Ctx, tuning: Partial<TemporalRefineTuning> = {}): Promise<TaskResult> {
  validateExtendDiffusion(ctx.request);
  const temporal = ctx.request.params.mode === 'temporal';
  const model = await openDiffusionModel({
    task: 'extend', model: ctx.request.model, env: ctx.env, log: ctx.log,
    kinds: ['sd', 'sd-inpaint'], need: temporal ? NEED_TEMPORAL : NEED_SPATIAL,
  });
  try {
    return temporal ? await runTemporal(ctx, model, { ...TEMPORAL_REFINE, ...tuning }) : await runSpatial(ctx, model);
  } finally {
    await model.close();
  }
}

async function runTemporal(ctx: Ctx, model: JobDiffusionModel, tuning: TemporalRefineTuning): Promise<TaskResult> {
  const started = performance.now();
  const { request, signal } = ctx;
  const { info, count, writer, metrics, tail, sourceHashes, indexOf } = await openTemporalExtension(ctx);
  const seed = request.seed ?? DEFAULT_SEED;
  const ds = extendDiffusionSettings(request);
  return abortOutputOnError(writer, async () => {
    const win = planKeyframe(info.width, info.height, undefined, { resolution: MODEL_RESOLUTION });
    const lw = win.latentWidth, lh = win.latentHeight;
    const { detailCarry, fuseSteps, fuseStrength, warpNoise } = tuning;
    let prev: { frame: FloatFrame; noise: Float32Array; detail: FloatFrame; steps: Float32Array[] } | null = null;
    const firstTwo: FloatFrame[] = [];
    let firstClassical: FloatFrame | null = null;
    let refined = 0;
    const radius = Math.max(1, Math.round((DETAIL_RADIUS * Math.max(info.width, info.height)) / MODEL_RESOLUTION));
    const detailDir = join(ctx.workDir, 'extend-detail');
    await mkdir(detailDir, { recursive: true });
    await extrapolateVideo(tail, count, {
      pool: sharedFlowPool(), signal, seed,
      onProgress: (q) => ctx.progress({ phase: q.phase === 'flow' ? 'flow' : 'extend', done: q.done, total: q.total }),
    }, async (i, f) => {
      if (signal.aborted) throw new StudioError('E_CANCELLED');
      const index = indexOf(i);
      // F_{cur→prev} between consecutive new frames: the noise and the previous detail follow it
      const pair = prev ? computeFlowPair(f, prev.frame) : null;
      const valid = pair ? fbConsistency(pair.fwd, pair.bwd).valid : null;
      const latFlow = pair ? flowToLatent(planar(pair.fwd), f.width, f.height, lw, lh) : null;
      const latValid = valid ? latentValid(valid, lw, lh) : null;
      const noise = prev && latFlow && latValid && warpNoise
        ? integralNoiseWarp(prev.noise, latFlow, lw, lh, deriveSeed(seed, 0x657874, i), { valid: latValid })
        : new SeededRandom(warpNoise ? deriveSeed(seed, 0x657874) : deriveSeed(seed, 0x657874, i)).normal(4 * lw * lh);
      if (i === 0) firstClassical = f;
      // the detail and step latents of each new frame are persisted, so a resumed job rebuilds the chain without the UNet
      const cachePath = join(detailDir, `${i}.f32`);
      const latPath = join(detailDir, `${i}.lat`);
      let detail = await readDetail(cachePath, f);
      let steps = detail ? await readSteps(latPath, 4 * lw * lh) : null;
      if (!detail || !steps) {
        // cross-frame latent fusion (docs/diffusion.md §6.4): the latents after each of the first
        // `fuseSteps` of the executed steps lean towards the previous new frame's, warped along
        // the flow where it is reliable, so the denoiser settles on the detail it made there
        const fuseWeight = prev && prev.steps.length && latValid ? latValid.map((v) => v * fuseStrength) : null;
        const record: Float32Array[] = [];
        const gen = await generateKeyframe({
          pipeline: model.pipeline, image: f, prompt: request.prompt?.trim() ?? '', negativePrompt: ds.negativePrompt, seed, steps: ds.steps, strength: ds.strength,
          guidance: ds.guidance, scheduler: schedulerFor(ds.scheduler), initNoise: noise, signal, window: { resolution: MODEL_RESOLUTION },
          ...(model.preview ? { preview: model.preview } : {}),
          onStep: (s) => {
            ctx.progress({ phase: 'refine', done: s.index + 1, total: s.total, ...(s.preview ? { preview: s.preview } : {}) });
            let out: Float32Array | undefined;
            const ref = prev?.steps[s.index];
            if (fuseWeight && latFlow && ref && s.index < Math.ceil(fuseSteps * s.total)) out = fuseLatents(s.latents, warpLatents(ref, latFlow, lw, lh).warped, fuseWeight, 1);
            record.push(new Float32Array(out ?? s.latents));
            return out;
          },
        });
        detail = highPassDiff(f, gen, radius);
        // the previous frame's detail carried along the flow (most of it): detail moves with the picture
        if (prev && pair && valid) detail = blendCarried(detail, prev.detail, pair.fwd, valid, detailCarry);
        refined++;
        steps = record;
        await writeSteps(latPath, record);
        await writeFileAtomic(cachePath, new Uint8Array(detail.data.buffer, detail.data.byteOffset, detail.data.byteLength));
      }
      prev = { frame: f, noise, detail, steps };
      const out = addScaled(f, detail, Math.min(1, (i + 1) / (REFINE_RAMP + 1)));
      if (firstTwo.length < 2) firstTwo.push(out);
      if (!writer.has(index)) await writer.write(index, out);
      ctx.progress({ phase: 'extend', done: i + 1, total: count, ...(i % 12 === 0 ? { preview: out } : {}) });
    });
    metrics.seamChange = seamChange(tail, firstTwo[0]);
    metrics.seamChangeClassical = seamChange(tail, firstClassical!);
    if (firstTwo.length >= 2) metrics.newFrameChange = seamChange(tail, firstTwo[1], firstTwo[0]);
    metrics.framesRefined = refined;
    metrics.unetCalls = model.pipeline.unetCalls;
    metrics.unetCallsPerFrame = model.pipeline.unetCalls / count;
    metrics.unetCallsRelative = model.pipeline.unetCalls / (count * executedSteps(ds.steps, 1));
    return finishOutput(ctx, writer, started, count, (wallSeconds) => ({ engine: 'diffusion', model: request.model ?? null, params: { ...request.params, ...ds, prompt: request.prompt ?? null }, metrics, wallSeconds, seed, sourceHashes }));
  });
}

function planar(f: FlowField): Float32Array {
  const out = new Float32Array(2 * f.width * f.height);
  out.set(f.u, 0);
  out.set(f.v, f.width * f.height);
  return out;
}

function latentValid(valid: Mask, lw: number, lh: number): Float32Array {
  const { width: w, height: h } = valid;
  const out = new Float32Array(lw * lh).fill(1);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (valid.data[y * w + x]) continue;
    out[Math.min(lh - 1, Math.floor((y * lh) / h)) * lw + Math.min(lw - 1, Math.floor((x * lw) / w))] = 0;
  }
  return out;
}

/** High-pass of (gen − base): the refinement's detail without its colour shift. */
export function highPassDiff(base: FloatFrame, gen: FloatFrame, radius: number): FloatFrame {
  const { width: w, height: h, channels: c } = base;
  const diff = new Float32Array(w * h * c);
  for (let i = 0; i < diff.length; i++) diff[i] = gen.data[i] - base.data[i];
  const low = boxBlur({ width: w, height: h, channels: c, data: diff }, radius).data;
  for (let i = 0; i < diff.length; i++) diff[i] -= low[i];
  return { width: w, height: h, channels: c, data: diff };
}

/** detail·(1 − k) + k·(previous detail warped by F_{cur→prev}) where the flow is reliable. */
function blendCarried(detail: FloatFrame, prevDetail: FloatFrame, curToPrev: FlowField, valid: Mask, k: number): FloatFrame {
  const { frame: warped, valid: inside } = warpBilinear(prevDetail, curToPrev);
  const c = detail.channels;
  const out = new Float32Array(detail.data);
  for (let p = 0; p < detail.width * detail.height; p++) {
    if (!valid.data[p] || !inside.data[p]) continue;
    for (let ch = 0; ch < c; ch++) out[p * c + ch] = (1 - k) * detail.data[p * c + ch] + k * warped.data[p * c + ch];
  }
  return { ...detail, data: out };
}

function addScaled(base: FloatFrame, detail: FloatFrame, amount: number): FloatFrame {
  const out = new Float32Array(base.data.length);
  for (let i = 0; i < out.length; i++) out[i] = base.data[i] + amount * detail.data[i];
  return { ...base, data: out };
}

async function writeSteps(path: string, steps: Float32Array[]): Promise<void> {
  const n = steps.length ? steps[0].length : 0;
  const all = new Float32Array(steps.length * n);
  steps.forEach((st, k) => all.set(st, k * n));
  await writeFileAtomic(path, new Uint8Array(all.buffer));
}

async function readSteps(path: string, n: number): Promise<Float32Array[] | null> {
  try {
    const buf = await readFile(path);
    if (buf.byteLength % (4 * n)) return null;
    const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    return Array.from({ length: all.length / n }, (_, k) => all.slice(k * n, (k + 1) * n));
  } catch {
    return null;
  }
}

async function readDetail(path: string, like: FloatFrame): Promise<FloatFrame | null> {
  try {
    const buf = await readFile(path);
    if (buf.byteLength !== like.data.length * 4) return null;
    return { width: like.width, height: like.height, channels: like.channels, data: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) };
  } catch {
    return null;
  }
}

async function runSpatial(ctx: Ctx, model: JobDiffusionModel): Promise<TaskResult> {
  const started = performance.now();
  const { request, signal } = ctx;
  const p = request.params;
  const ds = extendDiffusionSettings(request);
  const { info, range, placement, total, writer, metrics } = await openSpatialExtension(ctx);
  const seed = request.seed ?? DEFAULT_SEED;
  // the keyframe's own grow/feather only blend its invented residual into the propagated fill
  // inside the hole; the user's dilate/feather shape the hole itself (below), as in inpaint remove
  const keys = new KeyframeGenerator(model, {
    prompt: request.prompt?.trim() ?? '', negativePrompt: ds.negativePrompt, seed, steps: ds.steps, strength: ds.strength, guidance: ds.guidance,
    scheduler: schedulerFor(ds.scheduler), feather: 4, maskDilation: 2, resolution: MODEL_RESOLUTION, fuseSteps: 0, fuseStrength: 0,
  }, join(ctx.workDir, 'outpaint-keys'), signal, ctx.progress);
  const sourceHashes: SourceHashes = {};
  return abortOutputOnError(writer, async () => {
    if (writer.missing().length > 0) {
      const reader = new SequentialFrames(info.path, info, range.in, range.out, signal);
      const source = hashedRangeFrames(reader, range, sourceHashes);
      const canvas = outpaintCanvas(source, placement, p.dilate, p.feather);
      const save = checkpointFrames(ctx, writer, (i) => range.in + i, 'extend', total);
      try {
        const summary = await completeWithDiffusion(
          {
            length: total,
            frame: canvas.frame,
            hole: canvas.hole,
          },
          {
            keyframe: (i, image, residual) => keys.generate(range.in + i, image, residual),
            pool: sharedFlowPool(), signal, seed,
            onProgress: (q) => ctx.progress({ phase: q.phase === 'flow' ? 'flow' : 'extend', done: q.done, total: q.total }),
          },
          async (i, frame) => save(i, canvas.paste(i, frame)),
        );
        Object.assign(metrics, completionMetrics(summary));
      } finally {
        await reader.close();
      }
    }
    Object.assign(metrics, keys.costMetrics(total, executedSteps(ds.steps, ds.strength)));
    return finishOutput(ctx, writer, started, total, (wallSeconds) => ({ engine: 'diffusion', model: request.model ?? null, params: { ...request.params, ...ds, prompt: request.prompt ?? null }, metrics, wallSeconds, seed, sourceHashes }));
  });
}
