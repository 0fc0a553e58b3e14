import { StudioError, timecodeRate, timecodeToSourceFrame, type Rational } from '@synthetic-studio/shared';

/** A `--in`/`--out` value: a source frame index, or a SMPTE timecode (`;` before frames = drop-frame). */
export type FrameArg = { kind: 'frame'; frame: number } | { kind: 'timecode'; timecode: string };

const TIMECODE = /^\d{2}:\d{2}:\d{2}[:;.]\d{2,3}$/;

export function parseFrameArg(value: string, flag: string): FrameArg {
  const v = value.trim();
  if (/^\d+$/.test(v)) return { kind: 'frame', frame: Number.parseInt(v, 10) };
  if (TIMECODE.test(v)) return { kind: 'timecode', timecode: v };
  throw new StudioError('E_VALIDATION', `${flag} must be a source frame number (e.g. 120) or a timecode HH:MM:SS:FF (HH:MM:SS;FF for drop-frame), not "${value}".`, { flag, value });
}

/**
 * Turn a frame argument into a source frame index. Timecodes are counted from the clip's start
 * timecode at its exact rate; drop-frame is taken from the clip (or from a `;` in the argument).
 */
export function resolveFrameArg(arg: FrameArg, clip: { fps: Rational; startTimecode: string | null }, flag: string): number {
  if (arg.kind === 'frame') return arg.frame;
  const start = clip.startTimecode ?? '00:00:00:00';
  const dropFrame = /[;.]/.test(start) || /[;.]/.test(arg.timecode);
  let rate;
  try {
    rate = timecodeRate(clip.fps, dropFrame);
  } catch (e) {
    throw new StudioError('E_VALIDATION', `${flag} ${arg.timecode}: ${(e as Error).message}`, { flag });
  }
  return timecodeToSourceFrame(arg.timecode.replace('.', ';'), start.replace('.', ';'), rate);
}
