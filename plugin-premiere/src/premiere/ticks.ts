import {
  PREMIERE_TICKS_PER_SECOND,
  frameToTimecode,
  secondsToTicks,
  ticksPerFrame as sharedTicksPerFrame,
  ticksToFrame,
  timecodeRate,
  type Rational,
} from '@synthetic-studio/shared';

/**
 * Premiere time at the adapter's edge. Premiere counts 254016000000 ticks per second and
 * `TickTime.ticksNumber` loses precision past about 9.85 hours, so frame math is BigInt on
 * `TickTime.ticks` (a decimal string), done by the shared timecode module; this file adds what is
 * Premiere-specific: host float rates → exact rationals, and rounding to the nearest frame.
 */
export const TICKS_PER_SECOND = PREMIERE_TICKS_PER_SECOND;

/** Whole rates that also exist as NTSC ×1000/1001 variants. */
const NTSC_BASES = [24, 30, 48, 60, 120];

/**
 * A host frame rate (a float such as 23.976023976 or 29.97) as an exact rational:
 * NTSC rates become n·1000/1001, whole rates n/1, anything else the nearest /1000.
 */
export function fpsToRational(fps: number): Rational {
  if (!Number.isFinite(fps) || fps <= 0) throw new RangeError(`not a frame rate: ${fps}`);
  const rounded = Math.round(fps);
  if (Math.abs(fps - rounded) < 1e-6) return { num: rounded, den: 1 };
  for (const base of NTSC_BASES) {
    // 23.976 (3 decimals, as some hosts report) and 23.976023976… both map to 24000/1001.
    if (Math.abs(fps - (base * 1000) / 1001) < 6e-4) return { num: base * 1000, den: 1001 };
  }
  const num = Math.round(fps * 1000);
  const g = gcd(num, 1000);
  return { num: num / g, den: 1000 / g };
}

/** Ticks per frame at `rate` (throws for a rate that is not a whole number of ticks per frame). */
export function ticksPerFrame(rate: Rational): bigint {
  return sharedTicksPerFrame(rate);
}

/** Ticks → frame index at `rate`, rounded to the nearest frame (host points sit on frame edges). */
export function ticksToFrames(ticks: string | bigint, rate: Rational): number {
  return ticksToFrame(ticks, rate, 'round');
}

/** Frame count → ticks at `rate` (rounded to a whole tick for exotic rates). */
export function framesToTicks(frames: number, rate: Rational): bigint {
  return secondsToTicks({ num: frames * rate.den, den: rate.num }, 'round');
}

/** Frame count → SMPTE timecode; drop-frame labels (";") only where they exist (29.97/59.94). */
export function framesToTimecode(frames: number, rate: Rational, dropFrame: boolean): string {
  const nominal = Math.round(rate.num / rate.den);
  const df = dropFrame && rate.den === 1001 && (nominal === 30 || nominal === 60);
  return frameToTimecode(frames, timecodeRate(rate, df));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
