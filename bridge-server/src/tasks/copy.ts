import { StudioError } from '@synthetic-studio/shared';
import { createOutputWriter, frameHash, probeMedia, readFrames, resolveRange, type MediaInfo, type OutputWriter, type FrameRange } from '../media/index.js';
import type { TaskContext, TaskDefinition, TaskResult } from './task.js';

/**
 * `copy`: decode the source range and write it through the output writer unchanged — the
 * lossless round trip every other task builds on. Frames already checkpointed in workDir are
 * skipped (resume after a crash); a resumed job produces the same output as an uninterrupted one.
 */
export const copyTask: TaskDefinition<'copy'> = {
  name: 'copy',
  label: 'Copy (transcode range)',
  engines: ['classical'],
  validate(request) {
    if (request.engine !== 'classical') throw new StudioError('E_ENGINE_UNSUPPORTED', 'copy runs with the classical engine only.');
  },
  async run(ctx): Promise<TaskResult> {
    const started = performance.now();
    const { request, signal } = ctx;
    const info = await probeMedia(request.source.path, { maxPixels: ctx.env.maxPixels, signal });
    const range = resolveRange(info, request.source.in, request.source.out);
    const channels = info.hasAlpha ? 4 : 3;
    const writer = await createOutputWriter({ workDir: ctx.workDir, request, info, range, channels, signal });
    try {
      return await copyFrames(ctx, info, range, channels, writer, started);
    } catch (e) {
      await writer.abort(); // temp outputs go; checkpoints stay for a resume
      throw e;
    }
  },
};

async function copyFrames(ctx: TaskContext<Extract<TaskContext['request'], { task: 'copy' }>>, info: MediaInfo, range: FrameRange, channels: 3 | 4, writer: OutputWriter, started: number): Promise<TaskResult> {
  const { request, signal } = ctx;
  const total = range.out - range.in;
  const missing = writer.missing();
  const resumed = total - missing.length;
  if (resumed > 0) ctx.log.info({ resumed, total }, 'resuming copy from checkpoints');
  let decoded = 0;
  const sourceHashes: { first?: string; last?: string } = {};
  // The first and last source frames are hashed for the sidecar, even when already checkpointed.
  if (writer.has(range.in)) {
    for await (const { frame } of readFrames(info.path, { info, in: range.in, out: range.in + 1, channels, signal })) sourceHashes.first = frameHash(frame);
  }
  if (missing.length > 0) {
    // decode from the first frame not yet written to the end, skipping checkpointed ones
    for await (const { index, frame } of readFrames(info.path, { info, in: missing[0], out: range.out, channels, signal })) {
      if (signal.aborted) throw new StudioError('E_CANCELLED');
      if (index === range.in) sourceHashes.first = frameHash(frame);
      if (index === range.out - 1) sourceHashes.last = frameHash(frame);
      if (!writer.has(index)) await writer.write(index, frame);
      decoded++;
      ctx.progress({ phase: 'copy', done: index - range.in + 1, total });
    }
  }
  if (!sourceHashes.last) {
    for await (const { frame } of readFrames(info.path, { info, in: range.out - 1, out: range.out, channels, signal })) sourceHashes.last = frameHash(frame);
  }
  if (signal.aborted) throw new StudioError('E_CANCELLED');
  ctx.progress({ phase: 'encode', done: total, total });
  const wallSeconds = (performance.now() - started) / 1000;
  const metrics = { frames: total, decodedFrames: decoded, resumedFrames: resumed };
  const outputs = await writer.finalize({ engine: 'classical', params: request.params, metrics, wallSeconds, seed: request.seed ?? null, sourceHashes });
  return { outputs, metrics };
}
