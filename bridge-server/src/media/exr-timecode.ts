import { frameToTimecodeParts, parseTimecode, timecodePartsToFrame, timecodeRate, StudioError, type Rational, type TimecodeParts } from '@synthetic-studio/shared';

/**
 * OpenEXR `timecode` attribute value: SMPTE 12M time address packed into `timeAndFlags` the way
 * Imf::TimeCode does by default (TV60 packing), `userData` (binary groups) 0.
 *
 *   bits 0-3 frame units, 4-5 frame tens, 6 drop-frame flag, 7 colour-frame flag,
 *   8-11 seconds units, 12-14 seconds tens, 15 field/phase flag,
 *   16-19 minutes units, 20-22 minutes tens, 23 bgf0, 24-27 hours units, 28-29 hours tens, 30 bgf1, 31 bgf2
 *
 * The frame field holds 0-29 only. At rates above 30 fps (48, 50, 59.94, 60) SMPTE 12M counts
 * frame PAIRS in the time address and marks the second frame of a pair with the field/phase
 * bit; we do the same, so 10:00:00:59 at 60p is packed as frames 29 + field bit.
 */
export interface ExrTimecode {
  timeAndFlags: number;
  userData: number;
}

const bcd = (v: number) => ((Math.floor(v / 10) << 4) | v % 10) >>> 0;
const unbcd = (v: number) => (v >> 4) * 10 + (v & 0xf);

/**
 * Pack "HH:MM:SS:FF" (or "HH:MM:SS;FF" drop-frame). `dropFrame` overrides the separator; `fps`
 * (when given) validates the label at that rate (drop-frame labels that do not exist, frames ≥ the
 * rate) and enables frame-pair packing above 30 fps. `offset` (needs `fps`) packs the timecode
 * that many frames later, drop-frame aware: a sequence frame's own timecode from the clip's start
 * timecode and the frame's index. E_VALIDATION on bad input.
 */
export function packExrTimecode(text: string, opts: { dropFrame?: boolean; fps?: Rational | null; offset?: number } = {}): ExrTimecode {
  let p: TimecodeParts;
  try {
    p = parseTimecode(text);
  } catch (e) {
    throw new StudioError('E_VALIDATION', `EXR timecode: ${(e as Error).message}`, { timecode: text });
  }
  const dropFrame = opts.dropFrame ?? p.dropFrame;
  p = { ...p, dropFrame };
  let nominal = 30;
  if (opts.offset !== undefined && !opts.fps) {
    throw new StudioError('E_VALIDATION', 'EXR timecode: an offset needs the frame rate (fps).', { timecode: text });
  }
  if (opts.fps) {
    try {
      const rate = timecodeRate(opts.fps, dropFrame);
      const frame = timecodePartsToFrame(p, rate); // throws for labels that do not exist
      if (opts.offset !== undefined) {
        if (!Number.isInteger(opts.offset)) throw new RangeError(`offset ${opts.offset} is not an integer frame count.`);
        p = frameToTimecodeParts(frame + opts.offset, rate);
      }
      nominal = rate.nominal;
    } catch (e) {
      throw new StudioError('E_VALIDATION', `EXR timecode: ${(e as Error).message}`, { timecode: text, fps: opts.fps });
    }
  }
  if (p.hours > 23 || p.minutes > 59 || p.seconds > 59) {
    throw new StudioError('E_VALIDATION', `EXR timecode ${text} has a field out of range.`, { timecode: text });
  }
  let frames = p.frames;
  let fieldPhase = 0;
  if (nominal > 30) {
    fieldPhase = frames & 1;
    frames >>= 1;
  } else if (frames > 29) {
    throw new StudioError('E_VALIDATION', `EXR timecode ${text}: frame ${frames} needs the frame rate (fps) to be packed (above 30 fps frames are packed in pairs).`, { timecode: text });
  }
  const timeAndFlags =
    (bcd(frames) |
      ((dropFrame ? 1 : 0) << 6) |
      (bcd(p.seconds) << 8) |
      (fieldPhase << 15) |
      (bcd(p.minutes) << 16) |
      (bcd(p.hours) << 24)) >>>
    0;
  return { timeAndFlags, userData: 0 };
}

/** The fields of a packed timecode (TV60 packing), for readers and tests. */
export function unpackExrTimecode(timeAndFlags: number): { hours: number; minutes: number; seconds: number; frames: number; dropFrame: boolean; fieldPhase: boolean } {
  return {
    frames: unbcd(timeAndFlags & 0x3f),
    dropFrame: (timeAndFlags & 0x40) !== 0,
    seconds: unbcd((timeAndFlags >>> 8) & 0x7f),
    fieldPhase: (timeAndFlags & 0x8000) !== 0,
    minutes: unbcd((timeAndFlags >>> 16) & 0x7f),
    hours: unbcd((timeAndFlags >>> 24) & 0x3f),
  };
}
