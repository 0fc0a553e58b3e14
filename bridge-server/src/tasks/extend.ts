import { StudioError, type FloatFrame, type RequestOf } from '@synthetic-studio/shared';
import { createOutputWriter, frameHash, probeMedia, resolveRange, type MediaInfo } from '../media/index.js';
import { canvasForAspect, canvasForSize, extrapolateVideo, outpaintVideo, seamChange, sharedFlowPool, type Anchor } from '../temporal/index.js';
import { runExtendDiffusion, validateExtendDiffusion } from './extend-diffusion.js';
import type { TaskContext, TaskDefinition, TaskResult } from './task.js';
import { readSpan, SequentialFrames } from './temporal-io.js';

type ExtendRequest = RequestOf<'extend'>;
type Ctx = TaskContext<ExtendRequest>;

function parseAspect(a: string): number {
  const [w, h] = a.split(':').map(Number);
  return w / h;
}

/**
 * `extend`. The diffusion engine lives in extend-diffusion.ts; this file is the classical engine
 * and the dispatch. Classical:
 * - temporal: N new frames after the out point (or before the in point): the camera motion of the
 *   last frames continues, local motion decays, disocclusions are filled by video completion. The
 *   result is its own clip with continuing timecode, to butt against the source. The seam change
 *   (quality.md) is reported in the metrics.
 * - spatial: the range on a larger canvas (aspect or size, anchored); the new border is completed
 *   from what other frames saw, patch synthesis for the rest; source pixels stay bit-exact.
 */
export const extendTask: TaskDefinition<'extend'> = {
  name: 'extend',
  label: 'Extend',
  engines: ['classical', 'diffusion'],
  validate(request) {
    const p = request.params;
    if (request.engine === 'diffusion') validateExtendDiffusion(request);
    else if (request.prompt && request.prompt.trim() !== '') {
      throw new StudioError('E_MODEL_REQUIRED', 'Guiding an extension with a prompt needs a diffusion model; the classical engine continues what the clip shows. Drop the prompt or choose --engine diffusion with a model.', { field: 'prompt' });
    }
    if (p.mode === 'temporal') {
      if (!p.frames) throw new StudioError('E_VALIDATION', 'A temporal extension needs the number of new frames (--frames N).', { field: 'params.frames' });
      if (p.aspect || p.size) throw new StudioError('E_VALIDATION', 'Give either --frames (temporal) or --aspect/--size (spatial), not both.', { field: 'params.mode' });
    } else {
      if (!p.aspect && !p.size) throw new StudioError('E_VALIDATION', 'A spatial extension needs --aspect W:H or --size WxH.', { field: 'params.aspect' });
      if (p.aspect && p.size) throw new StudioError('E_VALIDATION', 'Give --aspect or --size, not both.', { field: 'params.size' });
    }
  },
  async run(ctx): Promise<TaskResult> {
    if (ctx.request.engine === 'diffusion') return runExtendDiffusion(ctx);
    extendTask.validate!(ctx.request);
    return ctx.request.params.mode === 'temporal' ? runTemporal(ctx) : runSpatial(ctx);
  },
};

function fpsOf(info: MediaInfo): number {
  return info.fps.num / info.fps.den;
}

async function runTemporal(ctx: Ctx): Promise<TaskResult> {
  const started = performance.now();
  const { request, signal } = ctx;
  const info = await probeMedia(request.source.path, { maxPixels: ctx.env.maxPixels, signal });
  const range = resolveRange(info, request.source.in, request.source.out);
  const count = request.params.frames!;
  const after = request.params.direction === 'after';
  const span = range.out - range.in;
  if (span < 2) throw new StudioError('E_RANGE', 'Extending in time needs at least 2 source frames in the range.', { in: range.in, out: range.out });
  // the last second of the range (at least 3 frames): motion estimate and the seam reference
  const tailLen = Math.min(span, Math.max(3, Math.round(fpsOf(info)) + 1));
  const firstFrame = after ? range.out : range.in - count;
  const writer = await createOutputWriter({ workDir: ctx.workDir, request, info, range, firstFrame, frameCount: count, audio: false, channels: 3, signal });
  const metrics: Record<string, number> = { frames: count, resumedFrames: count - writer.missing().length };
  try {
    const span0 = after ? await readSpan(info.path, info, range.out - tailLen, range.out, signal) : (await readSpan(info.path, info, range.in, range.in + tailLen, signal)).reverse();
    const sourceHashes = { first: frameHash(after ? span0[0] : span0[span0.length - 1]), last: frameHash(after ? span0[span0.length - 1] : span0[0]) };
    let first: FloatFrame | null = null;
    const newFrames: FloatFrame[] = [];
    await extrapolateVideo(span0, count, {
      pool: sharedFlowPool(),
      signal,
      seed: request.seed ?? 1,
      onProgress: (p) => { if (p.phase === 'flow') ctx.progress({ phase: 'flow', done: p.done, total: p.total }); },
    }, async (i, f) => {
      if (signal.aborted) throw new StudioError('E_CANCELLED');
      if (i === 0) first = f;
      if (newFrames.length < 2) newFrames.push(f);
      const index = after ? range.out + i : range.in - 1 - i;
      if (!writer.has(index)) await writer.write(index, f);
      ctx.progress({ phase: 'extend', done: i + 1, total: count, ...(i % 12 === 0 ? { preview: f } : {}) });
    });
    metrics.seamChange = seamChange(span0, first!);
    if (newFrames.length >= 2) {
      // change between the first two new frames relative to the source's usual change
      metrics.newFrameChange = seamChange(span0, newFrames[1], newFrames[0]);
    }
    if (signal.aborted) throw new StudioError('E_CANCELLED');
    ctx.progress({ phase: 'encode', done: count, total: count });
    const wallSeconds = (performance.now() - started) / 1000;
    const outputs = await writer.finalize({ engine: 'classical', params: request.params, metrics, wallSeconds, seed: request.seed ?? null, sourceHashes });
    return { outputs, metrics };
  } catch (e) {
    await writer.abort().catch(() => undefined);
    throw e;
  }
}

async function runSpatial(ctx: Ctx): Promise<TaskResult> {
  const started = performance.now();
  const { request, signal } = ctx;
  const p = request.params;
  const info = await probeMedia(request.source.path, { maxPixels: ctx.env.maxPixels, signal });
  const range = resolveRange(info, request.source.in, request.source.out);
  const anchor = p.anchor as Anchor;
  const placement = p.size ? canvasForSize(info.width, info.height, p.size.width, p.size.height, anchor) : canvasForAspect(info.width, info.height, parseAspect(p.aspect!), anchor);
  if (placement.width * placement.height > ctx.env.maxPixels) throw new StudioError('E_MEDIA_TOO_LARGE', `The extended frame ${placement.width}x${placement.height} is above the configured pixel limit.`);
  const total = range.out - range.in;
  const writer = await createOutputWriter({ workDir: ctx.workDir, request, info, range, width: placement.width, height: placement.height, channels: 3, signal });
  const metrics: Record<string, number> = {
    frames: total, width: placement.width, height: placement.height, offsetX: placement.x, offsetY: placement.y,
    newAreaFraction: 1 - (info.width * info.height) / (placement.width * placement.height), resumedFrames: total - writer.missing().length,
  };
  const sourceHashes: { first?: string; last?: string } = {};
  try {
    if (writer.missing().length > 0) {
      const reader = new SequentialFrames(info.path, info, range.in, range.out, signal);
      try {
        const summary = await outpaintVideo({
          length: total,
          frame: async (i) => {
            const f = await reader.get(range.in + i);
            if (i === 0) sourceHashes.first = frameHash(f);
            if (i === total - 1) sourceHashes.last = frameHash(f);
            return f;
          },
        }, placement, {
          pool: sharedFlowPool(),
          signal,
          seed: request.seed ?? 1,
          onProgress: (q) => { if (q.phase === 'flow') ctx.progress({ phase: 'flow', done: q.done, total: q.total }); },
        }, async (i, f) => {
          if (signal.aborted) throw new StudioError('E_CANCELLED');
          const index = range.in + i;
          if (!writer.has(index)) await writer.write(index, f);
          ctx.progress({ phase: 'extend', done: i + 1, total, ...(i % 12 === 0 ? { preview: f } : {}) });
        });
        metrics.propagatedPixels = summary.propagatedPixels;
        metrics.synthesisedKeyframes = summary.synthesisedKeyframes;
        metrics.smoothFilledPixels = summary.smoothFilledPixels;
      } finally {
        await reader.close();
      }
    }
    if (signal.aborted) throw new StudioError('E_CANCELLED');
    ctx.progress({ phase: 'encode', done: total, total });
    const wallSeconds = (performance.now() - started) / 1000;
    const outputs = await writer.finalize({ engine: 'classical', params: request.params, metrics, wallSeconds, seed: request.seed ?? null, sourceHashes });
    return { outputs, metrics };
  } catch (e) {
    await writer.abort().catch(() => undefined);
    throw e;
  }
}
