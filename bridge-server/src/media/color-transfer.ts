import type { FloatFrame } from '@synthetic-studio/shared';

/**
 * Explicit transfer-function steps. Decoded frames are display-referred code values; engines that
 * need linear light (relighting, blending physics) convert with `toLinear` and back with
 * `fromLinear`. Names are ffmpeg's `color_trc` names plus a few aliases.
 */
export type TransferName = 'srgb' | 'bt709' | 'bt1886' | 'gamma22' | 'gamma24' | 'gamma28' | 'linear';

const ALIASES: Record<string, TransferName> = {
  srgb: 'srgb', 'iec61966-2-1': 'srgb', 'iec61966_2_1': 'srgb',
  bt709: 'bt709', smpte170m: 'bt709', bt601: 'bt709', 'bt2020-10': 'bt709', 'bt2020-12': 'bt709', bt2020_10: 'bt709', bt2020_12: 'bt709', smpte240m: 'bt709',
  bt1886: 'bt1886', gamma24: 'gamma24', gamma22: 'gamma22', bt470m: 'gamma22', gamma28: 'gamma28', bt470bg: 'gamma28', linear: 'linear',
};

/** Normalise an ffmpeg transfer name (null/unknown → BT.709, the HD default). */
export function transferName(name: string | null | undefined): TransferName {
  if (!name) return 'bt709';
  const t = ALIASES[name.toLowerCase()];
  if (!t) throw new RangeError(`Unsupported transfer function "${name}" (supported: ${Object.keys(ALIASES).join(', ')}).`);
  return t;
}

function decodeFn(t: TransferName): (v: number) => number {
  switch (t) {
    case 'srgb':
      return (v) => (v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    case 'bt709': // inverse of the BT.709 camera OETF (scene light)
      return (v) => (v < 0.081 ? v / 4.5 : Math.pow((v + 0.099) / 1.099, 1 / 0.45));
    case 'bt1886': // display EOTF, black at 0
    case 'gamma24':
      return (v) => Math.pow(Math.max(v, 0), 2.4);
    case 'gamma22':
      return (v) => Math.pow(Math.max(v, 0), 2.2);
    case 'gamma28':
      return (v) => Math.pow(Math.max(v, 0), 2.8);
    case 'linear':
      return (v) => v;
  }
}

function encodeFn(t: TransferName): (l: number) => number {
  switch (t) {
    case 'srgb':
      return (l) => (l <= 0.0031308 ? l * 12.92 : 1.055 * Math.pow(l, 1 / 2.4) - 0.055);
    case 'bt709':
      return (l) => (l < 0.018 ? l * 4.5 : 1.099 * Math.pow(l, 0.45) - 0.099);
    case 'bt1886':
    case 'gamma24':
      return (l) => Math.pow(Math.max(l, 0), 1 / 2.4);
    case 'gamma22':
      return (l) => Math.pow(Math.max(l, 0), 1 / 2.2);
    case 'gamma28':
      return (l) => Math.pow(Math.max(l, 0), 1 / 2.8);
    case 'linear':
      return (l) => l;
  }
}

function mapColour(frame: FloatFrame, fn: (v: number) => number): FloatFrame {
  const out = new Float32Array(frame.data.length);
  const c = frame.channels;
  const colourChannels = c === 4 ? 3 : c;
  const src = frame.data;
  for (let i = 0; i < src.length; i += c) {
    for (let k = 0; k < colourChannels; k++) out[i + k] = fn(src[i + k]);
    if (c === 4) out[i + 3] = src[i + 3]; // alpha is never transfer-coded
  }
  return { width: frame.width, height: frame.height, channels: frame.channels, data: out };
}

/** Code values → linear light with the given transfer (alpha untouched). Returns a new frame. */
export function toLinear(frame: FloatFrame, transfer: string | null | undefined): FloatFrame {
  return mapColour(frame, decodeFn(transferName(transfer)));
}

/** Linear light → code values with the given transfer (alpha untouched). Returns a new frame. */
export function fromLinear(frame: FloatFrame, transfer: string | null | undefined): FloatFrame {
  return mapColour(frame, encodeFn(transferName(transfer)));
}
