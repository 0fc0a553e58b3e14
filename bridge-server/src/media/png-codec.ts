import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { StudioError } from '@synthetic-studio/shared';

/**
 * A small exact PNG codec. Writing: 16-bit grey/RGB/RGBA checkpoints (no filter, fast deflate).
 * Reading: every PNG (Adam7 included), returning raw samples — and, for palette images, the palette
 * INDICES (instance ids), which sharp/libvips would expand to RGB and lose.
 */
export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  /** PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType: number;
  /** Samples per pixel in `samples` (palette images: 1 = the index). */
  channels: number;
  /** Unpacked samples, row-major interleaved: Uint8Array for ≤ 8-bit, Uint16Array for 16-bit. */
  samples: Uint8Array | Uint16Array;
  /** Palette images only: RGB entries, and alpha per entry (tRNS; 255 when absent). */
  palette?: Uint8Array;
  paletteAlpha?: Uint8Array;
  /** Grey/RGB images with a tRNS colour key. */
  transparentKey?: number[];
}

export const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** One PNG chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

/**
 * Encode 16-bit samples (native order, interleaved, 1/2/3/4 channels) as a PNG. `level` is the
 * zlib level (1 = fast, the checkpoint default).
 */
export function encodePng16(samples: Uint16Array, width: number, height: number, channels: 1 | 2 | 3 | 4, level = 1): Buffer {
  return encodePng(samples, width, height, channels, 16, level);
}

/** PNG colour type of 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA) channels. */
export function pngColorType(channels: number): number {
  return channels === 1 ? 0 : channels === 2 ? 4 : channels === 3 ? 2 : 6;
}

/** Native-order 16-bit samples → big-endian bytes, swapping IN PLACE (the array is consumed). */
export function uint16ToBE(samples: Uint16Array): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).swap16();
}

/** Encode 8- or 16-bit grey / grey+alpha / RGB / RGBA samples as a non-interlaced PNG. */
export function encodePng(samples: Uint8Array | Uint16Array, width: number, height: number, channels: 1 | 2 | 3 | 4, bitDepth: 8 | 16, level = 6): Buffer {
  const colorType = pngColorType(channels);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  const bytesPer = bitDepth / 8;
  const rowBytes = width * channels * bytesPer;
  const raw = Buffer.allocUnsafe((rowBytes + 1) * height);
  let o = 0;
  let s = 0;
  const rowSamples = width * channels;
  for (let y = 0; y < height; y++) {
    raw[o++] = 0; // filter: none
    if (bitDepth === 16) {
      for (let x = 0; x < rowSamples; x++) {
        const v = samples[s++];
        raw[o++] = v >>> 8;
        raw[o++] = v & 255;
      }
    } else {
      for (let x = 0; x < rowSamples; x++) raw[o++] = samples[s++];
    }
  }
  const idat = deflateSync(raw, { level });
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

/**
 * Undo the per-row filters of one (reduced) image of `width`x`height` starting at byte `pos` of
 * the inflated data, unpacking samples into `samples`; returns the position after its rows.
 */
function unfilterRows(raw: Buffer, pos: number, width: number, height: number, bitDepth: number, channels: number, samples: Uint8Array | Uint16Array, name: string): number {
  const bitsPerPixel = bitDepth * channels;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const rowBytes = Math.ceil((width * bitsPerPixel) / 8);
  if (raw.length < pos + (rowBytes + 1) * height) throw new StudioError('E_MEDIA_CORRUPT', `${name}: image data is truncated.`);
  const cur = Buffer.alloc(rowBytes);
  const prev = Buffer.alloc(rowBytes);
  let s = 0;
  for (let y = 0; y < height; y++) {
    const base = pos + y * (rowBytes + 1);
    const filter = raw[base];
    for (let i = 0; i < rowBytes; i++) {
      const x = raw[base + 1 + i];
      const a = i >= bpp ? cur[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      cur[i] = filter === 0 ? x : filter === 1 ? x + a : filter === 2 ? x + b : filter === 3 ? x + ((a + b) >> 1) : paeth(a, b, c) + x;
    }
    if (bitDepth === 16) {
      for (let i = 0; i < rowBytes; i += 2) samples[s++] = (cur[i] << 8) | cur[i + 1];
    } else if (bitDepth === 8) {
      for (let i = 0; i < rowBytes; i++) samples[s++] = cur[i];
    } else {
      const perByte = 8 / bitDepth;
      const mask = (1 << bitDepth) - 1;
      for (let x = 0; x < width * channels; x++) {
        const byte = cur[(x / perByte) | 0];
        samples[s++] = (byte >> (8 - bitDepth * ((x % perByte) + 1))) & mask;
      }
    }
    prev.set(cur);
  }
  return pos + (rowBytes + 1) * height;
}

/** Decode a PNG (plain or Adam7-interlaced) to raw samples; palette PNGs give indices plus the palette. */
export function decodePng(bytes: Uint8Array, name = 'PNG'): DecodedPng {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new StudioError('E_MEDIA_CORRUPT', `${name} is not a PNG file.`);
  let off = 8;
  let width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0;
  const idat: Buffer[] = [];
  let palette: Uint8Array | undefined;
  let trns: Buffer | undefined;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (data.length < len) throw new StudioError('E_MEDIA_CORRUPT', `${name} is truncated.`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8];
      colorType = data[9];
      interlace = data[12];
    } else if (type === 'PLTE') palette = new Uint8Array(data);
    else if (type === 'tRNS') trns = Buffer.from(data);
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  if (!width || !height) throw new StudioError('E_MEDIA_CORRUPT', `${name} has no IHDR chunk.`);
  if (interlace > 1) throw new StudioError('E_MEDIA_CORRUPT', `${name} declares an unknown interlace method ${interlace}.`);
  const channels = colorType === 0 || colorType === 3 ? 1 : colorType === 2 ? 3 : colorType === 4 ? 2 : 4;
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch {
    throw new StudioError('E_MEDIA_CORRUPT', `${name}: the image data cannot be decompressed.`);
  }
  const n = width * height * channels;
  const samples = bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  if (!interlace) unfilterRows(raw, 0, width, height, bitDepth, channels, samples, name);
  else {
    // Adam7: seven reduced images one after the other in the data stream, scattered onto the grid
    let pos = 0;
    for (const [x0, y0, dx, dy] of ADAM7) {
      const pw = Math.ceil((width - x0) / dx), ph = Math.ceil((height - y0) / dy);
      if (pw <= 0 || ph <= 0) continue;
      const pass = bitDepth === 16 ? new Uint16Array(pw * ph * channels) : new Uint8Array(pw * ph * channels);
      pos = unfilterRows(raw, pos, pw, ph, bitDepth, channels, pass, name);
      for (let py = 0; py < ph; py++) {
        for (let px = 0; px < pw; px++) {
          const src = (py * pw + px) * channels, dst = ((y0 + py * dy) * width + x0 + px * dx) * channels;
          for (let c = 0; c < channels; c++) samples[dst + c] = pass[src + c];
        }
      }
    }
  }
  const out: DecodedPng = { width, height, bitDepth, colorType, channels, samples };
  if (colorType === 3) {
    if (!palette) throw new StudioError('E_MEDIA_CORRUPT', `${name} is a palette PNG without a palette.`);
    out.palette = palette;
    const alpha = new Uint8Array(palette.length / 3).fill(255);
    if (trns) alpha.set(trns.subarray(0, alpha.length));
    out.paletteAlpha = alpha;
  } else if (trns && (colorType === 0 || colorType === 2)) {
    out.transparentKey = colorType === 0 ? [trns.readUInt16BE(0)] : [trns.readUInt16BE(0), trns.readUInt16BE(2), trns.readUInt16BE(4)];
  }
  return out;
}

/** Palette PNG → instance-id map (indices) with its palette; throws E_MASK_CHANNEL for non-palette PNGs. */
export function readPngIndices(bytes: Uint8Array, name = 'PNG'): { width: number; height: number; indices: Uint8Array; palette: Uint8Array } {
  const p = decodePng(bytes, name);
  if (p.colorType !== 3) throw new StudioError('E_MASK_CHANNEL', `${name} is not a palette PNG, so it has no instance ids; drop the id or use luma/alpha.`);
  return { width: p.width, height: p.height, indices: p.samples as Uint8Array, palette: p.palette! };
}
