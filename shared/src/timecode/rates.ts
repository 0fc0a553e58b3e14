import type { Rational } from '../protocol/common.js';

/**
 * A timecode counting rate: the exact frame rate plus the nominal integer rate the SMPTE labels
 * count in (24 for 24000/1001) and whether frame labels are dropped (29.97/59.94 DF only).
 */
export interface TimecodeRate {
  fps: Rational;
  /** Frames per timecode "second": round(num/den). */
  nominal: number;
  dropFrame: boolean;
}

/** The rates the issue names, by their usual labels. */
export const STANDARD_RATES: Readonly<Record<string, TimecodeRate>> = Object.freeze({
  '23.976': { fps: { num: 24000, den: 1001 }, nominal: 24, dropFrame: false },
  '24': { fps: { num: 24, den: 1 }, nominal: 24, dropFrame: false },
  '25': { fps: { num: 25, den: 1 }, nominal: 25, dropFrame: false },
  '29.97DF': { fps: { num: 30000, den: 1001 }, nominal: 30, dropFrame: true },
  '29.97NDF': { fps: { num: 30000, den: 1001 }, nominal: 30, dropFrame: false },
  '30': { fps: { num: 30, den: 1 }, nominal: 30, dropFrame: false },
  '47.952': { fps: { num: 48000, den: 1001 }, nominal: 48, dropFrame: false },
  '48': { fps: { num: 48, den: 1 }, nominal: 48, dropFrame: false },
  '50': { fps: { num: 50, den: 1 }, nominal: 50, dropFrame: false },
  '59.94DF': { fps: { num: 60000, den: 1001 }, nominal: 60, dropFrame: true },
  '59.94NDF': { fps: { num: 60000, den: 1001 }, nominal: 60, dropFrame: false },
  '60': { fps: { num: 60, den: 1 }, nominal: 60, dropFrame: false },
});

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

/** Reduce a rational to lowest terms. */
export function reduceRational(r: Rational): Rational {
  const g = gcd(r.num, r.den) || 1;
  return { num: r.num / g, den: r.den / g };
}

/**
 * The timecode rate for an exact frame rate. Drop-frame is only possible for 30000/1001 and
 * 60000/1001 (SMPTE 12M); asking for it at another rate is an error.
 */
export function timecodeRate(fps: Rational, dropFrame = false): TimecodeRate {
  const r = reduceRational(fps);
  const nominal = Math.round(r.num / r.den);
  if (nominal <= 0) throw new RangeError(`Frame rate ${fps.num}/${fps.den} is not positive.`);
  if (dropFrame && !(r.den === 1001 && (nominal === 30 || nominal === 60))) {
    throw new RangeError(`Drop-frame timecode exists only at 29.97 and 59.94 fps, not at ${r.num}/${r.den}.`);
  }
  return { fps: r, nominal, dropFrame };
}

/** Labels dropped at each minute (except every tenth): 2 at 29.97, 4 at 59.94. */
export function dropPerMinute(rate: TimecodeRate): number {
  return rate.dropFrame ? (rate.nominal / 30) * 2 : 0;
}

/** Number of frames in 24 hours of timecode at this rate (where the labels wrap). */
export function framesPerDay(rate: TimecodeRate): number {
  const d = dropPerMinute(rate);
  return 24 * 60 * 60 * rate.nominal - 24 * 54 * d;
}
