import type { Rational } from '../protocol/common.js';
import { asTimecodeRate, frameToTimecode, parseTimecode, timecodeToFrame, type RateLike } from './timecode.js';
import type { TimecodeRate } from './rates.js';

/** An exact non-negative time in seconds as num/den (lowest terms). */
export interface RationalSeconds {
  num: number;
  den: number;
}

export type Rounding = 'floor' | 'round' | 'ceil' | 'exact';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

function divide(n: bigint, d: bigint, rounding: Rounding, what: string): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  // bigint division truncates toward zero; adjust to floor for negatives.
  const floor = r < 0n ? q - 1n : q;
  switch (rounding) {
    case 'floor':
      return floor;
    case 'ceil':
      return floor + 1n;
    case 'round':
      return 2n * (n - floor * d) >= d ? floor + 1n : floor;
    case 'exact':
      throw new RangeError(`${what} does not fall on a frame boundary.`);
  }
}

/** Source frame index → its start time in seconds, exactly (frame · den / num). */
export function frameToSeconds(frame: number, fps: Rational): RationalSeconds {
  const num = frame * fps.den;
  const g = gcd(num, fps.num) || 1;
  return { num: num / g, den: fps.num / g };
}

/** Seconds → frame index containing that instant (floor by default). */
export function secondsToFrame(seconds: RationalSeconds | number, fps: Rational, rounding: Rounding = 'floor'): number {
  if (typeof seconds === 'number') {
    const v = (seconds * fps.num) / fps.den;
    const eps = 1e-9 * Math.max(1, Math.abs(v));
    if (rounding === 'round') return Math.round(v);
    if (rounding === 'ceil') return Math.ceil(v - eps);
    if (rounding === 'exact' && Math.abs(v - Math.round(v)) > eps) throw new RangeError(`${seconds}s does not fall on a frame boundary.`);
    return rounding === 'exact' ? Math.round(v) : Math.floor(v + eps);
  }
  return Number(divide(BigInt(seconds.num) * BigInt(fps.num), BigInt(seconds.den) * BigInt(fps.den), rounding, `${seconds.num}/${seconds.den}s`));
}

/** Premiere Pro's time unit: 254016000000 ticks per second (every common rate is a whole number of ticks). */
export const PREMIERE_TICKS_PER_SECOND = 254016000000n;

/** Ticks per frame at `fps`; exact for every rate whose denominator divides into the tick rate. */
export function ticksPerFrame(fps: Rational): bigint {
  const n = PREMIERE_TICKS_PER_SECOND * BigInt(fps.den);
  const d = BigInt(fps.num);
  if (n % d !== 0n) throw new RangeError(`${fps.num}/${fps.den} fps is not a whole number of Premiere ticks per frame.`);
  return n / d;
}

/** Frame index → Premiere ticks (exact). */
export function frameToTicks(frame: number, fps: Rational): bigint {
  return BigInt(frame) * ticksPerFrame(fps);
}

/** Premiere ticks → frame index (floor by default; 'exact' throws when not on a frame boundary). */
export function ticksToFrame(ticks: bigint | string, fps: Rational, rounding: Rounding = 'floor'): number {
  const t = typeof ticks === 'string' ? BigInt(ticks) : ticks;
  return Number(divide(t * BigInt(fps.num), PREMIERE_TICKS_PER_SECOND * BigInt(fps.den), rounding, `${t} ticks`));
}

/** Seconds (rational) → Premiere ticks, exact when the time is a whole number of ticks. */
export function secondsToTicks(seconds: RationalSeconds, rounding: Rounding = 'exact'): bigint {
  return divide(BigInt(seconds.num) * PREMIERE_TICKS_PER_SECOND, BigInt(seconds.den), rounding, `${seconds.num}/${seconds.den}s`);
}

/**
 * Resolve addresses timeline positions as record frames: frames since 00:00:00:00 at the
 * timeline's rate (so a timeline starting at 01:00:00:00 at 24 fps starts at record frame 86400).
 */
export function recordFrameToTimecode(recordFrame: number, rate: TimecodeRate): string {
  return frameToTimecode(recordFrame, rate);
}

export function timecodeToRecordFrame(timecode: string, rate: TimecodeRate): number {
  return timecodeToFrame(timecode, rate);
}

/**
 * Where a source frame lands on a Resolve timeline: the clip item starts at `recordStart` and
 * shows source frame `sourceStart` there (same rate for clip and timeline).
 */
export function sourceFrameToRecordFrame(sourceFrame: number, item: { recordStart: number; sourceStart: number }): number {
  return item.recordStart + (sourceFrame - item.sourceStart);
}

export function recordFrameToSourceFrame(recordFrame: number, item: { recordStart: number; sourceStart: number }): number {
  return item.sourceStart + (recordFrame - item.recordStart);
}

/** Source timecode of frame `index` of a clip whose first frame carries `startTimecode`. */
export function sourceFrameToTimecode(index: number, startTimecode: string, rateLike: RateLike): string {
  const rate = asTimecodeRate(rateLike, parseTimecode(startTimecode).dropFrame);
  return frameToTimecode(timecodeToFrame(startTimecode, rate) + index, rate);
}

/** Frame index within a clip for a source timecode (inverse of sourceFrameToTimecode, within 24 h). */
export function timecodeToSourceFrame(timecode: string, startTimecode: string, rateLike: RateLike): number {
  const rate = asTimecodeRate(rateLike, parseTimecode(startTimecode).dropFrame);
  const day = timecodeToFrame('23:59:59' + (rate.dropFrame ? ';' : ':') + String(rate.nominal - 1).padStart(2, '0'), rate) + 1;
  const d = timecodeToFrame(timecode, rate) - timecodeToFrame(startTimecode, rate);
  return ((d % day) + day) % day;
}
