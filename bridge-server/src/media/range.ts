import { StudioError } from '@synthetic-studio/shared';
import type { FrameRange, MediaInfo } from './types.js';

/**
 * The half-open source range [in, out) a job works on; defaults to the whole clip. E_RANGE (naming
 * the numbers) when in >= out, negative, or past the end of the clip.
 */
export function resolveRange(info: Pick<MediaInfo, 'frameCount' | 'path'>, inPoint?: number, outPoint?: number): FrameRange {
  const a = inPoint ?? 0;
  const b = outPoint ?? info.frameCount;
  if (!Number.isInteger(a) || !Number.isInteger(b)) throw new StudioError('E_RANGE', `In (${a}) and out (${b}) must be whole frame numbers.`, { in: a, out: b });
  if (a < 0) throw new StudioError('E_RANGE', `In point ${a} is negative.`, { in: a, out: b });
  if (a >= b) throw new StudioError('E_RANGE', `In point ${a} must be below out point ${b} (the range is [in, out) in source frames).`, { in: a, out: b });
  if (b > info.frameCount) {
    throw new StudioError('E_RANGE', `Out point ${b} is past the end of the clip, which has ${info.frameCount} frames (last frame ${info.frameCount - 1}).`, { in: a, out: b, frameCount: info.frameCount });
  }
  return { in: a, out: b };
}
