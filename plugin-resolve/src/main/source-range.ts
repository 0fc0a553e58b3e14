import type { Rational } from '@synthetic-studio/shared';
import { convertFrames, sameRate } from './frame-rate.js';
import type { TimelineItemApi } from './resolve-api.js';

export interface SourceRangeInput {
  timelineFps: Rational;
  sourceFps: Rational;
  /** The source's start timecode as a frame count (0 when it starts at 00:00:00:00). */
  sourceStartTcFrames: number;
}

export interface SourceRange {
  /** Half-open [in, out) in file-relative source frames. */
  sourceIn: number;
  sourceOut: number;
  /** Which reader gave the in point after the cross-check. */
  inFrom: 'left-offset' | 'seconds';
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1;

/**
 * Source in/out of a timeline item, cross-checked between readers that are known to disagree
 * (pitfall 6): `GetLeftOffset` is exact but counts timeline frames; `GetSourceStartFrame` is
 * file-relative but sometimes 1 off; `GetSourceStartTime` is seconds and timecode-absolute on
 * media with a non-zero start TC; `GetSourceEndFrame` is exclusive when the rates match and
 * inclusive when they differ. The in point must be confirmed by two readers; the length comes
 * from the record duration and must match the source readers' length (else the clip is retimed).
 */
export async function readSourceRange(item: TimelineItemApi, input: SourceRangeInput): Promise<SourceRange | { reason: string }> {
  const { timelineFps, sourceFps, sourceStartTcFrames } = input;
  const left = convertFrames(Number(await item.GetLeftOffset()), timelineFps, sourceFps);
  const startFrame = Number(await item.GetSourceStartFrame());
  const startTime = Number(await item.GetSourceStartTime());
  const endFrame = Number(await item.GetSourceEndFrame());
  const endTime = Number(await item.GetSourceEndTime());
  const duration = convertFrames(Number(await item.GetDuration()), timelineFps, sourceFps);

  // Seconds readers, taken both as file-relative and as timecode-absolute.
  const tcSeconds = (sourceStartTcFrames * sourceFps.den) / sourceFps.num;
  const secondsToFrames = (s: number) => Math.round((s * sourceFps.num) / sourceFps.den);
  const fromSeconds = (s: number): number[] => {
    if (!Number.isFinite(s)) return [];
    const out = [secondsToFrames(s)];
    if (sourceStartTcFrames > 0 && s + 1e-6 >= tcSeconds) out.push(secondsToFrames(s - tcSeconds));
    return out;
  };
  const secondsIn = fromSeconds(startTime);

  let sourceIn: number;
  let inFrom: SourceRange['inFrom'];
  if (close(left, startFrame) || secondsIn.some((s) => close(left, s))) {
    sourceIn = left;
    inFrom = 'left-offset';
  } else {
    const agreed = secondsIn.find((s) => close(s, startFrame));
    if (agreed === undefined) {
      return { reason: `Resolve reports inconsistent source in points for this clip (left offset ${left}, source start ${startFrame}, ${startTime.toFixed(3)} s); re-select it or report the Resolve version.` };
    }
    sourceIn = agreed;
    inFrom = 'seconds';
  }
  if (duration <= 0) return { reason: 'The clip has no duration on the timeline.' };

  // Length cross-check: the source readers' length must equal the record length in source frames.
  const endExclusive = sameRate(timelineFps, sourceFps) ? endFrame : endFrame + 1;
  const lengths: number[] = [];
  if (Number.isFinite(endExclusive) && Number.isFinite(startFrame)) lengths.push(endExclusive - startFrame);
  if (Number.isFinite(endTime) && Number.isFinite(startTime)) lengths.push(secondsToFrames(endTime) - secondsToFrames(startTime));
  if (lengths.length > 0 && !lengths.some((l) => close(l, duration))) {
    return { reason: 'This clip plays at a changed speed (its source length differs from its timeline length); remove the retime or render it first.' };
  }
  return { sourceIn, sourceOut: sourceIn + duration, inFrom };
}
