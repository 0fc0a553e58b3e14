import type { Rational } from '@synthetic-studio/shared';

/**
 * Premiere time arithmetic. Premiere counts time in ticks, 254016000000 per second; every common
 * rate has an integer number of ticks per frame. `TickTime.ticksNumber` loses precision past
 * about 9.85 hours, so all frame math here is BigInt on `TickTime.ticks` (a decimal string).
 * (The shared timecode module did not exist when this was written; this is the Premiere-only part.)
 */
export const TICKS_PER_SECOND = 254016000000n;

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

/** Ticks per frame at `rate` (exact for every rate whose ticks/frame is an integer). */
export function ticksPerFrame(rate: Rational): bigint {
  return (TICKS_PER_SECOND * BigInt(rate.den)) / BigInt(rate.num);
}

/** Ticks → frame index at `rate`, rounded to the nearest frame (host points sit on frame edges). */
export function ticksToFrames(ticks: string | bigint, rate: Rational): number {
  const t = typeof ticks === 'bigint' ? ticks : BigInt(ticks);
  const num = t * BigInt(rate.num);
  const den = TICKS_PER_SECOND * BigInt(rate.den);
  const sign = num < 0n ? -1n : 1n;
  const abs = num < 0n ? -num : num;
  return Number(sign * ((abs + den / 2n) / den));
}

/** Frame index → ticks at `rate`, exact. */
export function framesToTicks(frames: number, rate: Rational): bigint {
  return (BigInt(frames) * TICKS_PER_SECOND * BigInt(rate.den)) / BigInt(rate.num);
}

/** Is `ticks` an exact frame boundary at `rate`? */
export function isOnFrame(ticks: string | bigint, rate: Rational): boolean {
  const t = typeof ticks === 'bigint' ? ticks : BigInt(ticks);
  return (t * BigInt(rate.num)) % (TICKS_PER_SECOND * BigInt(rate.den)) === 0n;
}

/**
 * Frame count → SMPTE timecode. Drop-frame (";" before frames) for 29.97 and 59.94 when asked:
 * frame labels :00/:01 (or :00–:03 at 59.94) are skipped each minute except every tenth.
 */
export function framesToTimecode(frames: number, rate: Rational, dropFrame: boolean): string {
  const nominal = Math.round(rate.num / rate.den);
  const df = dropFrame && rate.den === 1001 && (nominal === 30 || nominal === 60);
  let f = frames;
  if (df) {
    const drop = nominal / 15; // 2 at 29.97, 4 at 59.94
    const perMinute = nominal * 60 - drop;
    const perTenMinutes = perMinute * 10 + drop;
    const tens = Math.floor(f / perTenMinutes);
    const rem = f % perTenMinutes;
    f += drop * 9 * tens + (rem > drop ? drop * Math.floor((rem - drop) / perMinute) : 0);
  }
  const ff = f % nominal;
  const totalSeconds = Math.floor(f / nominal);
  const ss = totalSeconds % 60;
  const mm = Math.floor(totalSeconds / 60) % 60;
  const hh = Math.floor(totalSeconds / 3600) % 24;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(hh)}:${p(mm)}:${p(ss)}${df ? ';' : ':'}${p(ff)}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
