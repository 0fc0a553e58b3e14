import { StudioError } from '@synthetic-studio/shared';
import { createOutputWriter, hashSamplesBE, probeMedia, readRawFrames, resolveRange, type FrameRange, type MediaInfo, type OutputWriter, type RawFrame } from '../media/index.js';
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
  const resumed = total - writer.missing().length;
  if (resumed > 0) ctx.log.info({ resumed, total }, 'resuming copy from checkpoints');
  // whole segments of an intra-coded source go from the decoder straight to the encoder (no pixels
  // through this process); the rest (or everything, for long-GOP sources) frame by frame below
  const piped = await writer.passThrough({ channels, onSegment: (n) => ctx.progress({ phase: 'copy', done: resumed + n, total }) });
  const missing = writer.missing();
  let decoded = piped.frames;
  const sourceHashes: { first?: string; last?: string } = { ...piped.hashes };
  const hash = (f: RawFrame) => hashSamplesBE(f.width, f.height, f.channels, f.data);
  // Frames pass through untouched, so they stay raw 16-bit (big-endian, PNG order) end to end.
  const raw = (a: number, b: number) => readRawFrames(info.path, { info, in: a, out: b, channels, signal, byteOrder: 'be' });
  // The first and last source frames are hashed for the sidecar, even when already checkpointed.
  if (writer.has(range.in) && !sourceHashes.first) for await (const f of raw(range.in, range.in + 1)) sourceHashes.first = hash(f);
  if (missing.length > 0) {
    // decode from the first frame not yet written to the end, skipping checkpointed ones
    for await (const f of raw(missing[0], range.out)) {
      if (signal.aborted) throw new StudioError('E_CANCELLED');
      if (f.index === range.in) sourceHashes.first = hash(f);
      if (f.index === range.out - 1) sourceHashes.last = hash(f);
      if (!writer.has(f.index)) await writer.writeRaw(f.index, f.data);
      decoded++;
      ctx.progress({ phase: 'copy', done: f.index - range.in + 1, total });
    }
  }
  if (!sourceHashes.last) for await (const f of raw(range.out - 1, range.out)) sourceHashes.last = hash(f);
  if (signal.aborted) throw new StudioError('E_CANCELLED');
  ctx.progress({ phase: 'encode', done: total, total });
  const wallSeconds = (performance.now() - started) / 1000;
  const metrics = { frames: total, decodedFrames: decoded, resumedFrames: resumed };
  const outputs = await writer.finalize({ engine: 'classical', params: request.params, metrics, wallSeconds, seed: request.seed ?? null, sourceHashes });
  return { outputs, metrics };
}
