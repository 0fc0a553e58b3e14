import { StudioError } from '@synthetic-studio/shared';

/** CIE xy of the R, G, B primaries and the white point (OpenEXR `chromaticities` attribute). */
export interface ExrChromaticities {
  red: [number, number];
  green: [number, number];
  blue: [number, number];
  white: [number, number];
}

const D65: [number, number] = [0.3127, 0.329];
const C: [number, number] = [0.31, 0.316];

const BT709: ExrChromaticities = { red: [0.64, 0.33], green: [0.3, 0.6], blue: [0.15, 0.06], white: D65 };
const SMPTE170M: ExrChromaticities = { red: [0.63, 0.34], green: [0.31, 0.595], blue: [0.155, 0.07], white: D65 };
const P3: Pick<ExrChromaticities, 'red' | 'green' | 'blue'> = { red: [0.68, 0.32], green: [0.265, 0.69], blue: [0.15, 0.06] };

/** ffmpeg `color_primaries` names (H.273 / ISO 23091-2 values) → chromaticities. */
const PRIMARIES: Record<string, ExrChromaticities> = {
  bt709: BT709,
  bt470m: { red: [0.67, 0.33], green: [0.21, 0.71], blue: [0.14, 0.08], white: C },
  bt470bg: { red: [0.64, 0.33], green: [0.29, 0.6], blue: [0.15, 0.06], white: D65 },
  smpte170m: SMPTE170M,
  smpte240m: SMPTE170M,
  film: { red: [0.681, 0.319], green: [0.243, 0.692], blue: [0.145, 0.049], white: C },
  bt2020: { red: [0.708, 0.292], green: [0.17, 0.797], blue: [0.131, 0.046], white: D65 },
  smpte428: { red: [1, 0], green: [0, 1], blue: [0, 0], white: [1 / 3, 1 / 3] },
  smpte431: { ...P3, white: [0.314, 0.351] }, // DCI-P3 (DCI white)
  smpte432: { ...P3, white: D65 }, // Display P3
  'jedec-p22': { red: [0.63, 0.34], green: [0.295, 0.605], blue: [0.155, 0.077], white: D65 },
};
const ALIASES: Record<string, string> = { smpte428_1: 'smpte428', ebu3213: 'jedec-p22', 'ebu3213-e': 'jedec-p22', bt601: 'smpte170m', 'bt2020nc': 'bt2020' };

/** Names that mean "not said": no attribute is written (readers then assume Rec.709). */
const UNSPECIFIED = new Set(['unknown', 'unspecified', 'reserved', 'reserved0']);

/**
 * Chromaticities for a stream's colour primaries (ffmpeg name), or null when the source does not
 * say. An unknown name is an error rather than a silently wrong tag (E_VALIDATION).
 */
export function chromaticitiesFor(primaries: string | null | undefined): ExrChromaticities | null {
  if (!primaries) return null;
  const name = primaries.toLowerCase();
  if (UNSPECIFIED.has(name)) return null;
  const c = PRIMARIES[ALIASES[name] ?? name];
  if (!c) throw new StudioError('E_VALIDATION', `EXR: unknown colour primaries "${primaries}" (known: ${Object.keys(PRIMARIES).join(', ')}).`, { primaries });
  return c;
}
