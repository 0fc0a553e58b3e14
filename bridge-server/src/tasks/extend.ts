import { StudioError, type FloatFrame, type RequestOf } from '@synthetic-studio/shared';
import { completeVideo, extrapolateVideo, seamChange, sharedFlowPool } from '../temporal/index.js';
import { runExtendDiffusion, validateExtendDiffusion } from './extend-diffusion.js';
import { openSpatialExtension, openTemporalExtension } from './extend-plan.js';
import { outpaintCanvas } from './outpaint-canvas.js';
import { abortOutputOnError, checkpointFrames, finishOutput } from './job-output.js';
import type { TaskContext, TaskDefinition, TaskResult } from './task.js';
import { hashedRangeFrames, SequentialFrames, type SourceHashes } from './temporal-io.js';

type ExtendRequest = RequestOf<'extend'>;
type Ctx = TaskContext<ExtendRequest>;

/**
 * `extend`. The diffusion engine lives in extend-diffusion.ts; this file is the classical engine
 * and the dispatch. Classical:
 * - temporal: N new frames after the out point (or before the in point): the camera motion of the
 *   last frames continues, local motion decays, disocclusions are filled by video completion. The
 *   result is its own clip with continuing timecode, to butt against the source. The seam change
 *   (quality.md) is reported in the metrics.
 * - spatial: the range on a larger canvas (aspect or size, anchored); the new border is completed
 *   from what other frames saw, patch synthesis for the rest, grown `dilate` px into the picture and
 *   blended over `feather` px (outpaintCanvas); beyond that the source pixels stay bit-exact.
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

async function runTemporal(ctx: Ctx): Promise<TaskResult> {
  const started = performance.now();
  const { request, signal } = ctx;
  const { count, writer, metrics, tail, sourceHashes, indexOf } = await openTemporalExtension(ctx);
  const save = checkpointFrames(ctx, writer, indexOf, 'extend', count);
  return abortOutputOnError(writer, async () => {
    let first: FloatFrame | null = null;
    const newFrames: FloatFrame[] = [];
    await extrapolateVideo(tail, count, {
      pool: sharedFlowPool(),
      signal,
      seed: request.seed ?? 1,
      onProgress: (p) => { if (p.phase === 'flow') ctx.progress({ phase: 'flow', done: p.done, total: p.total }); },
    }, async (i, f) => {
      if (i === 0) first = f;
      if (newFrames.length < 2) newFrames.push(f);
      await save(i, f);
    });
    metrics.seamChange = seamChange(tail, first!);
    if (newFrames.length >= 2) {
      // change between the first two new frames relative to the source's usual change
      metrics.newFrameChange = seamChange(tail, newFrames[1], newFrames[0]);
    }
    return finishOutput(ctx, writer, started, count, (wallSeconds) => ({ engine: 'classical', params: request.params, metrics, wallSeconds, seed: request.seed ?? null, sourceHashes }));
  });
}

async function runSpatial(ctx: Ctx): Promise<TaskResult> {
  const started = performance.now();
  const { request, signal } = ctx;
  const { info, range, placement, total, writer, metrics } = await openSpatialExtension(ctx);
  const sourceHashes: SourceHashes = {};
  return abortOutputOnError(writer, async () => {
    if (writer.missing().length > 0) {
      const reader = new SequentialFrames(info.path, info, range.in, range.out, signal);
      try {
        const canvas = outpaintCanvas(hashedRangeFrames(reader, range, sourceHashes), placement, request.params.dilate, request.params.feather);
        const save = checkpointFrames(ctx, writer, (i) => range.in + i, 'extend', total);
        // the hole is already grown by the user's dilate (outpaintCanvas), so completeVideo adds none
        const summary = await completeVideo({ length: total, frame: canvas.frame, mask: canvas.hole }, {
          dilate: 0,
          pool: sharedFlowPool(),
          signal,
          seed: request.seed ?? 1,
          onProgress: (q) => { if (q.phase === 'flow') ctx.progress({ phase: 'flow', done: q.done, total: q.total }); },
        }, (i, f) => save(i, canvas.paste(i, f)));
        metrics.propagatedPixels = summary.propagatedPixels;
        metrics.synthesisedKeyframes = summary.synthesisedKeyframes;
        metrics.smoothFilledPixels = summary.smoothFilledPixels;
      } finally {
        await reader.close();
      }
    }
    return finishOutput(ctx, writer, started, total, (wallSeconds) => ({ engine: 'classical', params: request.params, metrics, wallSeconds, seed: request.seed ?? null, sourceHashes }));
  });
}
