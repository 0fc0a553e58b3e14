import type { Rational } from '../protocol/common.js';
import { dropPerMinute, framesPerDay, timecodeRate, type TimecodeRate } from './rates.js';

/** A timecode rate, or just the frame rate (drop-frame then follows the text, or `dropFrame`). */
export type RateLike = TimecodeRate | Rational;

export function asTimecodeRate(rate: RateLike, dropFrame = false): TimecodeRate {
  return 'nominal' in rate ? rate : timecodeRate(rate, dropFrame);
}

/** Timecode split into its fields. `dropFrame` is how it is written (`;` separator). */
export interface TimecodeParts {
  hours: number;
  minutes: number;
  seconds: number;
  frames: number;
  dropFrame: boolean;
}

const TC_RE = /^(\d{1,2})[:.;](\d{2})[:.;](\d{2})([:.;])(\d{2,3})$/;

/** Parse "HH:MM:SS:FF" (NDF) or "HH:MM:SS;FF" / "HH;MM;SS;FF" / "HH:MM:SS.FF" (DF). */
export function parseTimecode(text: string): TimecodeParts {
  const m = TC_RE.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a timecode (expected HH:MM:SS:FF or HH:MM:SS;FF).`);
  const dropFrame = m[4] === ';' || m[4] === '.' || text.includes(';');
  return { hours: +m[1], minutes: +m[2], seconds: +m[3], frames: +m[5], dropFrame };
}

const PAD2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);
function pad(n: number): string {
  return n < 100 ? PAD2[n] : String(n);
}

/** Format fields as SMPTE text; drop-frame uses `;` before the frames field. */
export function formatTimecode(p: TimecodeParts): string {
  return `${pad(p.hours)}:${pad(p.minutes)}:${pad(p.seconds)}${p.dropFrame ? ';' : ':'}${pad(p.frames)}`;
}

/**
 * Frame count since 00:00:00:00 → timecode fields. Frames wrap at 24 hours, like timecode does
 * (negative frames count back from midnight).
 */
export function frameToTimecodeParts(frame: number, rate: TimecodeRate): TimecodeParts {
  if (!Number.isInteger(frame)) throw new RangeError(`Frame ${frame} is not an integer.`);
  const day = framesPerDay(rate);
  let f = ((frame % day) + day) % day;
  const n = rate.nominal;
  const d = dropPerMinute(rate);
  if (d > 0) {
    const per10 = n * 600 - d * 9;
    const perMin = n * 60 - d;
    const tens = Math.floor(f / per10);
    const rem = f % per10;
    // Labels 00 and 01 (and 02, 03 at 59.94) are skipped at the start of each minute but every tenth.
    f += d * 9 * tens + (rem > d ? d * Math.floor((rem - d) / perMin) : 0);
  }
  const frames = f % n;
  const totalSeconds = (f - frames) / n;
  const seconds = totalSeconds % 60;
  const totalMinutes = (totalSeconds - seconds) / 60;
  return { hours: Math.floor(totalMinutes / 60), minutes: totalMinutes % 60, seconds, frames, dropFrame: rate.dropFrame };
}

/** Timecode fields → frame count since 00:00:00:00. Throws on labels that do not exist at this rate. */
export function timecodePartsToFrame(p: TimecodeParts, rate: TimecodeRate): number {
  const n = rate.nominal;
  const d = dropPerMinute(rate);
  if (p.minutes > 59 || p.seconds > 59 || p.frames >= n || p.hours > 23) {
    throw new RangeError(`Timecode ${formatTimecode(p)} has a field out of range at ${n} fps.`);
  }
  if (d > 0 && p.seconds === 0 && p.minutes % 10 !== 0 && p.frames < d) {
    throw new RangeError(`Timecode ${formatTimecode(p)} does not exist in drop-frame (labels 00..${pad(d - 1)} are skipped at this minute).`);
  }
  const totalMinutes = p.hours * 60 + p.minutes;
  return (totalMinutes * 60 + p.seconds) * n + p.frames - d * (totalMinutes - Math.floor(totalMinutes / 10));
}

/** Frame count since midnight → "HH:MM:SS:FF" (or `;FF` for drop-frame). */
export function frameToTimecode(frame: number, rate: RateLike, dropFrame = false): string {
  return formatTimecode(frameToTimecodeParts(frame, asTimecodeRate(rate, dropFrame)));
}

/**
 * "HH:MM:SS:FF" → frame count since midnight at `rate`. A `;` in the text with a non-DF rate is
 * an error (it would silently shift by up to 2.6 minutes per hour of footage).
 */
export function timecodeToFrame(text: string, rateLike: RateLike): number {
  const p = parseTimecode(text);
  const rate = asTimecodeRate(rateLike, p.dropFrame);
  if (p.dropFrame !== rate.dropFrame) {
    throw new RangeError(`Timecode "${text}" is ${p.dropFrame ? '' : 'non-'}drop-frame but the rate is ${rate.dropFrame ? '' : 'non-'}drop-frame.`);
  }
  return timecodePartsToFrame(p, rate);
}

/** Timecode `offset` frames after `text` (source timecode of frame `offset` of a clip). */
export function addFramesToTimecode(text: string, offset: number, rateLike: RateLike): string {
  const rate = asTimecodeRate(rateLike, parseTimecode(text).dropFrame);
  return frameToTimecode(timecodeToFrame(text, rate) + offset, rate);
}
