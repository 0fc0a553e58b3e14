import { StudioError, type FloatFrame, type RequestOf } from '@synthetic-studio/shared';
import { createOutputWriter, frameHash, probeMedia, resolveRange, type MediaInfo, type OutputWriter } from '../media/index.js';
import { canvasForAspect, canvasForSize, type Anchor, type CanvasPlacement } from '../temporal/index.js';
import type { TaskContext } from './task.js';
import { readSpan } from './temporal-io.js';

// The set-up of an `extend` job, the same for the classical and the diffusion engine: what to
// read, where the new frames or the larger canvas go, and the output writer.

type Ctx = TaskContext<RequestOf<'extend'>>;

function parseAspect(a: string): number {
  const [w, h] = a.split(':').map(Number);
  return w / h;
}

function fpsOf(info: MediaInfo): number {
  return info.fps.num / info.fps.den;
}

export interface TemporalExtension {
  info: MediaInfo;
  range: { in: number; out: number };
  /** New frames to make. */
  count: number;
  writer: OutputWriter;
  metrics: Record<string, number>;
  /**
   * The last second of the range (at least 3 frames) in the direction of the extension, the frame
   * next to the seam last: the motion estimate and the seam reference.
   */
  tail: FloatFrame[];
  sourceHashes: { first: string; last: string };
  /** Source frame number of new frame i (counting away from the seam). */
  indexOf(i: number): number;
}

/** Probe, range, output writer and the source tail of a temporal extension (N new frames after the out point or before the in point). */
export async function openTemporalExtension(ctx: Ctx): Promise<TemporalExtension> {
  const { request, signal } = ctx;
  const info = await probeMedia(request.source.path, { maxPixels: ctx.env.maxPixels, signal });
  const range = resolveRange(info, request.source.in, request.source.out);
  const count = request.params.frames!;
  const after = request.params.direction === 'after';
  const span = range.out - range.in;
  if (span < 2) throw new StudioError('E_RANGE', 'Extending in time needs at least 2 source frames in the range.', { in: range.in, out: range.out });
  const tailLen = Math.min(span, Math.max(3, Math.round(fpsOf(info)) + 1));
  const firstFrame = after ? range.out : range.in - count;
  const writer = await createOutputWriter({ workDir: ctx.workDir, request, info, range, firstFrame, frameCount: count, audio: false, channels: 3, signal });
  const metrics: Record<string, number> = { frames: count, resumedFrames: count - writer.missing().length };
  let tail: FloatFrame[];
  try {
    tail = after ? await readSpan(info.path, info, range.out - tailLen, range.out, signal) : (await readSpan(info.path, info, range.in, range.in + tailLen, signal)).reverse();
  } catch (e) {
    await writer.abort().catch(() => undefined);
    throw e;
  }
  const sourceHashes = { first: frameHash(after ? tail[0] : tail[tail.length - 1]), last: frameHash(after ? tail[tail.length - 1] : tail[0]) };
  return { info, range, count, writer, metrics, tail, sourceHashes, indexOf: (i) => (after ? range.out + i : range.in - 1 - i) };
}

export interface SpatialExtension {
  info: MediaInfo;
  range: { in: number; out: number };
  /** Where the source frame sits on the larger canvas. */
  placement: CanvasPlacement;
  /** Frames in the range. */
  total: number;
  writer: OutputWriter;
  metrics: Record<string, number>;
}

/** Probe, range, canvas placement (aspect or size, anchored; within the pixel limit) and output writer of a spatial extension. */
export async function openSpatialExtension(ctx: Ctx): Promise<SpatialExtension> {
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
  return { info, range, placement, total, writer, metrics };
}
