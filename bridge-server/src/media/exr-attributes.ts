import { StudioError } from '@synthetic-studio/shared';
import type { ExrChromaticities } from './exr-chromaticities.js';
import type { ExrTimecode } from './exr-timecode.js';

/**
 * Encoders for OpenEXR header attributes: name\0 type\0 size(int32) value, all little-endian.
 * Names and types stay ≤ 31 bytes, so the version field needs no long-names flag.
 */
export interface ExrAttribute {
  name: string;
  type: string;
  value: Uint8Array;
}

export const EXR_PIXEL_TYPE = { uint: 0, half: 1, float: 2 } as const;
export const EXR_COMPRESSION = { none: 0, rle: 1, zips: 2, zip: 3 } as const;

function bytes(n: number, fill: (v: DataView) => void): Uint8Array {
  const b = new Uint8Array(n);
  fill(new DataView(b.buffer));
  return b;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

export const attr = {
  int: (name: string, v: number): ExrAttribute => ({ name, type: 'int', value: bytes(4, (d) => d.setInt32(0, v, true)) }),
  float: (name: string, v: number): ExrAttribute => ({ name, type: 'float', value: bytes(4, (d) => d.setFloat32(0, v, true)) }),
  uchar: (name: string, type: string, v: number): ExrAttribute => ({ name, type, value: Uint8Array.of(v) }),
  v2f: (name: string, x: number, y: number): ExrAttribute => ({
    name,
    type: 'v2f',
    value: bytes(8, (d) => {
      d.setFloat32(0, x, true);
      d.setFloat32(4, y, true);
    }),
  }),
  box2i: (name: string, xMin: number, yMin: number, xMax: number, yMax: number): ExrAttribute => ({
    name,
    type: 'box2i',
    value: bytes(16, (d) => [xMin, yMin, xMax, yMax].forEach((v, i) => d.setInt32(i * 4, v, true))),
  }),
  /** Channels in the order given (must already be sorted by name), all of one pixel type, sampling 1. */
  chlist: (name: string, channels: string[], pixelType: number, pLinear: boolean): ExrAttribute => {
    const parts: number[] = [];
    for (const c of channels) {
      const n = ascii(c);
      parts.push(...n, 0);
      const rec = bytes(16, (d) => {
        d.setInt32(0, pixelType, true);
        d.setUint8(4, pLinear ? 1 : 0); // then 3 reserved zero bytes
        d.setInt32(8, 1, true); // xSampling
        d.setInt32(12, 1, true); // ySampling
      });
      parts.push(...rec);
    }
    parts.push(0);
    return { name, type: 'chlist', value: Uint8Array.from(parts) };
  },
  chromaticities: (name: string, c: ExrChromaticities): ExrAttribute => ({
    name,
    type: 'chromaticities',
    value: bytes(32, (d) => [...c.red, ...c.green, ...c.blue, ...c.white].forEach((v, i) => d.setFloat32(i * 4, v, true))),
  }),
  timecode: (name: string, tc: ExrTimecode): ExrAttribute => ({
    name,
    type: 'timecode',
    value: bytes(8, (d) => {
      d.setUint32(0, tc.timeAndFlags, true);
      d.setUint32(4, tc.userData, true);
    }),
  }),
  rational: (name: string, num: number, den: number): ExrAttribute => ({
    name,
    type: 'rational',
    value: bytes(8, (d) => {
      d.setInt32(0, num, true);
      d.setUint32(4, den, true);
    }),
  }),
  /** A `string` attribute: its bytes (UTF-8), length = the attribute size, no terminator. */
  string: (name: string, s: string): ExrAttribute => ({ name, type: 'string', value: ascii(s) }),
};

/**
 * Magic number, version field (2, no flags: single-part scanline, short names) and the header
 * (attributes sorted by name, as OpenEXR writes them, then the terminating null byte).
 */
export function encodeExrHeader(attributes: ExrAttribute[]): Uint8Array {
  const sorted = [...attributes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const enc = sorted.map((a) => {
    if (a.name.length === 0 || a.name.length > 31 || a.type.length > 31) {
      throw new StudioError('E_INTERNAL', `EXR attribute name/type too long: ${a.name} (${a.type}).`);
    }
    return { n: ascii(a.name), t: ascii(a.type), v: a.value };
  });
  const size = 8 + enc.reduce((s, a) => s + a.n.length + 1 + a.t.length + 1 + 4 + a.v.length, 0) + 1;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, 20000630, true);
  dv.setInt32(4, 2, true);
  let o = 8;
  for (const a of enc) {
    out.set(a.n, o);
    o += a.n.length + 1;
    out.set(a.t, o);
    o += a.t.length + 1;
    dv.setInt32(o, a.v.length, true);
    o += 4;
    out.set(a.v, o);
    o += a.v.length;
  }
  out[o] = 0;
  return out;
}
