import { StudioError, type RequestOf } from '@synthetic-studio/shared';
import { createOutputWriter, loadMask, probeMedia, resolveRange, type MaskSource, type MediaInfo } from '../media/index.js';
import {
  completeVideo, decodeMaskRle, encodeMaskRle, maskArea, maskFromFrame, MaskTracker, sharedFlowPool, type Mask,
} from '../temporal/index.js';
import { FeatheredFill } from './feathered-fill.js';
import { runInpaintDiffusion, validateInpaintDiffusion } from './inpaint-diffusion.js';
import { checkpointFrames, finishOutput } from './job-output.js';
import type { TaskContext, TaskDefinition, TaskResult } from './task.js';
import { hashedRangeFrames, readSpan, SequentialFrames, type SourceHashes } from './temporal-io.js';

type InpaintRequest = RequestOf<'inpaint'>;
type Ctx = TaskContext<InpaintRequest>;

/** Frames decoded at once while tracking a mask backwards from the frame it was painted on. */
const TRACK_CHUNK = 16;

/**
 * `inpaint`. The diffusion engine lives in inpaint-diffusion.ts; this file is the classical
 * engine and the dispatch. Classical: remove the masked region from every frame of the range by
 * flow-guided video completion (temporal engine). A mask painted on one frame is tracked along the
 * object's motion first. With `feather` > 0 the hole handed to the completion is the dilated mask
 * plus the feather band, and the fill is pasted over the source with the same weights as the
 * diffusion engine's paste (FeatheredFill, shared with the diffusion remove: featherWeights, 1 in
 * the dilated mask, falling over `feather` px outside it). Pixels outside the dilated mask plus
 * the feather band are written bit-exact; frames already checkpointed are not written again
 * (resume after a crash).
 */
export const inpaintTask: TaskDefinition<'inpaint'> = {
  name: 'inpaint',
  label: 'Remove / replace',
  engines: ['classical', 'diffusion'],
  validate(request) {
    if (request.engine === 'diffusion') return validateInpaintDiffusion(request);
    if (request.prompt && request.prompt.trim() !== '') {
      throw new StudioError('E_MODEL_REQUIRED', 'Replacing the masked region with a prompt needs a diffusion model; the classical engine can only remove. Drop the prompt or choose --engine diffusion with a model.', { field: 'prompt' });
    }
    if (!request.mask) throw new StudioError('E_VALIDATION', 'inpaint needs a mask: what to remove.', { field: 'mask' });
  },
  run: (ctx) => (ctx.request.engine === 'diffusion' ? runInpaintDiffusion(ctx) : runInpaint(ctx)),
};

/** Per-frame masks of the range as binary masks (tracked when a single mask was painted). */
export async function rangeMasks(ctx: Ctx, info: MediaInfo, range: { in: number; out: number }, src: MaskSource): Promise<(i: number) => Promise<Mask>> {
  if (src.kind === 'per-frame') return async (i) => maskFromFrame(await src.get(i), 0);
  const { signal } = ctx;
  const key = src.frame;
  const keyMask = maskFromFrame(src.mask, 0);
  const from = Math.min(range.in, key), to = Math.max(range.out, key + 1);
  const stored = new Map<number, ReturnType<typeof encodeMaskRle>>();
  stored.set(key, encodeMaskRle(keyMask));
  const total = to - from;
  let done = 1;
  // forwards from the painted frame, streaming
  if (key + 1 < to) {
    const reader = new SequentialFrames(info.path, info, key, to, signal);
    try {
      const tracker = new MaskTracker(await reader.get(key), keyMask, { signal });
      for (let i = key + 1; i < to; i++) {
        stored.set(i, encodeMaskRle(tracker.step(await reader.get(i))));
        ctx.progress({ phase: 'track', done: ++done, total });
      }
    } finally {
      await reader.close();
    }
  }
  // backwards, in chunks read forwards
  let hi = key;
  let behind: MaskTracker | null = null;
  while (hi > from) {
    const lo = Math.max(from, hi - TRACK_CHUNK);
    const span = await readSpan(info.path, info, lo, hi + 1, signal);
    behind ??= new MaskTracker(span[span.length - 1], keyMask, { signal });
    for (let i = hi - 1; i >= lo; i--) {
      stored.set(i, encodeMaskRle(behind.step(span[i - lo])));
      ctx.progress({ phase: 'track', done: ++done, total });
    }
    hi = lo;
  }
  return async (i) => decodeMaskRle(stored.get(i)!);
}

async function runInpaint(ctx: Ctx): Promise<TaskResult> {
  const started = performance.now();
  const { request, signal } = ctx;
  inpaintTask.validate!(request);
  const info = await probeMedia(request.source.path, { maxPixels: ctx.env.maxPixels, signal });
  const range = resolveRange(info, request.source.in, request.source.out);
  const maskSrc = await loadMask(request.mask!, { info, range, dilate: request.params.dilate, feather: 0, signal });
  const writer = await createOutputWriter({ workDir: ctx.workDir, request, info, range, channels: 3, signal });
  const total = range.out - range.in;
  const metrics: Record<string, number> = { frames: total, resumedFrames: total - writer.missing().length };
  const sourceHashes: SourceHashes = {};
  try {
    if (writer.missing().length > 0) {
      const maskOf = await rangeMasks(ctx, info, range, maskSrc);
      const reader = new SequentialFrames(info.path, info, range.in, range.out, signal);
      const source = hashedRangeFrames(reader, range, sourceHashes);
      const save = checkpointFrames(ctx, writer, (i) => range.in + i, 'fill', total);
      let maskPixels = 0;
      const feathered = new FeatheredFill(request.params.feather);
      try {
        const summary = await completeVideo(
          {
            length: total,
            frame: async (i) => feathered.source(i, await source(i)),
            mask: async (i) => {
              const m = await maskOf(range.in + i);
              if (m.width !== info.width || m.height !== info.height) throw new StudioError('E_MASK_SIZE');
              return feathered.hole(i, m);
            },
          },
          {
            dilate: 0, // the media layer already grew the mask by params.dilate
            pool: sharedFlowPool(),
            signal,
            seed: request.seed ?? 1,
            onProgress: (p) => { if (p.phase === 'flow') ctx.progress({ phase: 'flow', done: p.done, total: p.total }); },
          },
          async (i, filled, hole) => {
            if (signal.aborted) throw new StudioError('E_CANCELLED');
            maskPixels += maskArea(hole);
            await save(i, feathered.paste(i, filled));
          },
        );
        metrics.maskedFraction = maskPixels / (total * info.width * info.height);
        metrics.propagatedPixels = summary.propagatedPixels;
        metrics.synthesisedKeyframes = summary.synthesisedKeyframes;
        metrics.smoothFilledPixels = summary.smoothFilledPixels;
        metrics.windows = summary.windows;
      } finally {
        await reader.close();
      }
    }
    return await finishOutput(ctx, writer, started, total, (wallSeconds) => {
      metrics.secondsPerFrame = wallSeconds / total;
      return { engine: 'classical', params: request.params, metrics, wallSeconds, seed: request.seed ?? null, sourceHashes };
    });
  } catch (e) {
    await writer.abort().catch(() => undefined);
    throw e;
  } finally {
    await maskSrc.close();
  }
}
