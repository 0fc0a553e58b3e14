import { reduceRational, type Rational } from '@synthetic-studio/shared';

/** A timeline or clip rate as Resolve reports it, turned into an exact rational. */
export interface ParsedRate {
  fps: Rational;
  dropFrame: boolean;
}

// NTSC rates are N*1000/1001; Resolve prints them rounded (23.976, 29.97, 59.94, 119.88).
const NTSC_BASES = [24, 30, 48, 60, 120];

/**
 * A decimal rate (number or string: 24, "25", 23.976, "29.97") to a rational. Never computes with
 * the decimal beyond recognising it (pitfall 1): NTSC rates map to N*1000/1001.
 */
export function rateFromNumber(value: number | string): Rational | null {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(n) || n <= 0) return null;
  if (Math.abs(n - Math.round(n)) < 1e-6) return { num: Math.round(n), den: 1 };
  for (const base of NTSC_BASES) {
    if (Math.abs(n - (base * 1000) / 1001) < 0.006) return { num: base * 1000, den: 1001 };
  }
  // Anything else (e.g. 12.5): exact to the thousandth.
  return reduceRational({ num: Math.round(n * 1000), den: 1000 });
}

/**
 * Resolve's `timelineFrameRate` setting ("24", "29.97 DF", "29.97", "59.94 NDF", 23.976 …).
 * `dropFrameSetting` is the optional `timelineDropFrameTimecode` value ('1'/'0'), used when the
 * rate string carries no suffix (whether the getter returns " DF" is unverified, hosts.md 2.3).
 */
export function parseResolveRate(value: unknown, dropFrameSetting?: unknown): ParsedRate | null {
  if (value === null || value === undefined || value === '') return null;
  let text = String(value).trim().toUpperCase();
  let dropFrame: boolean | undefined;
  const suffix = /\s*(NDF|DF)$/.exec(text);
  if (suffix) {
    dropFrame = suffix[1] === 'DF';
    text = text.slice(0, suffix.index).trim();
  }
  const fps = rateFromNumber(text);
  if (!fps) return null;
  if (dropFrame === undefined) dropFrame = String(dropFrameSetting ?? '').trim() === '1';
  // Drop frame exists only at 29.97 and 59.94.
  if (dropFrame && !(fps.den === 1001 && (fps.num === 30000 || fps.num === 60000))) dropFrame = false;
  return { fps, dropFrame };
}

export function sameRate(a: Rational, b: Rational): boolean {
  return a.num * b.den === b.num * a.den;
}

/** Convert a frame count between rates exactly, rounding to the nearest frame. */
export function convertFrames(frames: number, from: Rational, to: Rational): number {
  if (sameRate(from, to)) return frames;
  return Math.round((frames * to.num * from.den) / (to.den * from.num));
}
