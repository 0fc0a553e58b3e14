import { endianness } from 'node:os';
import { StudioError, type FloatFrame, type Rational } from '@synthetic-studio/shared';
import { toLinear, transferName } from './color-transfer.js';
import { attr, encodeExrHeader, EXR_COMPRESSION, EXR_PIXEL_TYPE, type ExrAttribute } from './exr-attributes.js';
import { chromaticitiesFor } from './exr-chromaticities.js';
import { float32BitsToHalf } from './exr-half.js';
import { packExrTimecode } from './exr-timecode.js';
import { exrZipBlock, exrZipBlockAsync, exrZipPredict } from './exr-zip.js';
import type { ColorInfo } from './types.js';

/**
 * Built-in OpenEXR writer (single-part scanline, OpenEXR 2.0 layout), so EXR sequences work with
 * any ffmpeg, including builds without the exr encoder.
 *
 * Transfer: by default the samples are stored AS GIVEN (display-referred code values stay code
 * values). EXR is conventionally scene-linear, but converting silently would change the picture a
 * colorist gets; `linearize: true` applies the media layer's own inverse transfer (`toLinear` from
 * color-transfer.ts, for `color.transfer`; untagged means BT.709 there) to the colour channels —
 * alpha is never transfer-coded.
 */
export interface ExrEncodeOptions {
  /** HALF (default; 16-bit float, what comp/grade tools expect) or FLOAT (32-bit). */
  pixelType?: 'half' | 'float';
  /** ZIP (default; zlib over 16-scanline blocks, lossless) or NONE. */
  compression?: 'zip' | 'none';
  /** zlib level for ZIP, 1..9 (default 4, OpenEXR's own default). */
  zipLevel?: number;
  /**
   * → `timeCode`: "HH:MM:SS:FF" or "HH:MM:SS;FF" (drop-frame). Each file of a sequence carries its
   * OWN frame's timecode: pass the clip's start timecode plus `timecodeOffset` (the frame's source
   * index), or the frame's timecode itself.
   */
  timecode?: string | null;
  /** Frames to add to `timecode` (needs `fps`; drop-frame aware). */
  timecodeOffset?: number;
  /** Overrides the drop-frame flag read from the timecode's separator. */
  dropFrame?: boolean;
  /** Exact frame rate → `framesPerSecond` (also validates the timecode at this rate). */
  fps?: Rational | null;
  /** The source's colour tags (MediaInfo.color): primaries → `chromaticities`, transfer for `linearize`. */
  color?: ColorInfo | null;
  /** Store linear light (inverse transfer of `color.transfer`) instead of code values. Default false. */
  linearize?: boolean;
  /** Pixel (sample) aspect ratio → `pixelAspectRatio` (default 1). */
  pixelAspect?: Rational | number;
  owner?: string;
  comments?: string;
}

type Channels = 1 | 3 | 4;

/** EXR channel names in the stored (alphabetical) order and the interleaved source index of each. */
function channelLayout(channels: Channels): { names: string[]; src: number[] } {
  if (channels === 1) return { names: ['Y'], src: [0] };
  if (channels === 3) return { names: ['B', 'G', 'R'], src: [2, 1, 0] };
  return { names: ['A', 'B', 'G', 'R'], src: [3, 2, 1, 0] };
}

const HOST_LE = endianness() === 'LE';

function checkSize(width: number, height: number, channels: number): asserts channels is Channels {
  if (!HOST_LE) throw new StudioError('E_INTERNAL', 'The built-in EXR writer needs a little-endian host.');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width > 65536 || height > 65536) {
    throw new StudioError('E_VALIDATION', `EXR: invalid frame size ${width}x${height}.`, { width, height });
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new StudioError('E_VALIDATION', `EXR: ${channels} channels (expected 1, 3 or 4).`, { channels });
  }
}

/** Header attributes for these options (the required eight plus the optional ones that apply). */
function headerAttributes(width: number, height: number, names: string[], opts: ExrEncodeOptions): ExrAttribute[] {
  const pixelType = opts.pixelType ?? 'half';
  const compression = opts.compression ?? 'zip';
  if (pixelType !== 'half' && pixelType !== 'float') throw new StudioError('E_VALIDATION', `EXR: pixel type "${String(pixelType)}" (half or float).`);
  if (compression !== 'zip' && compression !== 'none') throw new StudioError('E_VALIDATION', `EXR: compression "${String(compression)}" (zip or none).`);
  const par = opts.pixelAspect === undefined ? 1 : typeof opts.pixelAspect === 'number' ? opts.pixelAspect : opts.pixelAspect.num / opts.pixelAspect.den;
  if (!(par > 0 && Number.isFinite(par))) throw new StudioError('E_VALIDATION', `EXR: pixel aspect ${String(par)} is not a positive number.`);
  const a: ExrAttribute[] = [
    attr.chlist('channels', names, EXR_PIXEL_TYPE[pixelType], false),
    attr.uchar('compression', 'compression', EXR_COMPRESSION[compression]),
    attr.box2i('dataWindow', 0, 0, width - 1, height - 1),
    attr.box2i('displayWindow', 0, 0, width - 1, height - 1),
    attr.uchar('lineOrder', 'lineOrder', 0), // INCREASING_Y
    attr.float('pixelAspectRatio', par),
    attr.v2f('screenWindowCenter', 0, 0),
    attr.float('screenWindowWidth', 1),
  ];
  const chroma = chromaticitiesFor(opts.color?.primaries);
  if (chroma) a.push(attr.chromaticities('chromaticities', chroma));
  const fps = opts.fps ?? undefined;
  if (fps) {
    if (!Number.isInteger(fps.num) || !Number.isInteger(fps.den) || fps.num <= 0 || fps.den <= 0) {
      throw new StudioError('E_VALIDATION', `EXR: frame rate ${fps.num}/${fps.den} is not a positive rational.`);
    }
    a.push(attr.rational('framesPerSecond', fps.num, fps.den));
  }
  if (opts.timecode) a.push(attr.timecode('timeCode', packExrTimecode(opts.timecode, { dropFrame: opts.dropFrame, fps, offset: opts.timecodeOffset })));
  if (opts.owner) a.push(attr.string('owner', opts.owner));
  if (opts.comments) a.push(attr.string('comments', opts.comments));
  return a;
}

/**
 * Fills `block` with scan lines y0 .. y0+lines-1 in EXR order: line after line, inside a line
 * channel after channel (alphabetical), inside a channel pixel after pixel, little-endian samples.
 */
type FillBlock = (y0: number, lines: number, block: Uint8Array) => void;

/** A frame to be written as EXR scan line blocks. */
interface ScanlinePlan {
  header: Uint8Array;
  zip: boolean;
  level: number;
  linesPerBlock: number;
  blockCount: number;
  /** Uncompressed bytes of block b (a view into one buffer for every scan line, filled on demand). */
  block: (b: number) => Uint8Array;
}

function plan(width: number, height: number, channels: Channels, opts: ExrEncodeOptions, fill: FillBlock): ScanlinePlan {
  const { names } = channelLayout(channels);
  const header = encodeExrHeader(headerAttributes(width, height, names, opts));
  const zip = (opts.compression ?? 'zip') === 'zip';
  const level = opts.zipLevel ?? 4;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new StudioError('E_VALIDATION', `EXR: zip level ${level} (1..9).`);
  const bytesPerSample = (opts.pixelType ?? 'half') === 'half' ? 2 : 4;
  const lineBytes = width * channels * bytesPerSample; // a multiple of the sample size: views stay aligned
  const linesPerBlock = zip ? 16 : 1;
  const raw = new Uint8Array(lineBytes * height);
  const block = (b: number) => {
    const y0 = b * linesPerBlock;
    const lines = Math.min(linesPerBlock, height - y0);
    const view = raw.subarray(y0 * lineBytes, (y0 + lines) * lineBytes);
    fill(y0, lines, view);
    return view;
  };
  return { header, zip, level, linesPerBlock, blockCount: Math.ceil(height / linesPerBlock), block };
}

/** Header, line offset table (unsigned 64-bit offsets from the start of the file), then the blocks. */
function assemble(header: Uint8Array, stored: Uint8Array[], linesPerBlock: number): Uint8Array {
  const n = stored.length;
  const total = stored.reduce((t, b) => t + 8 + b.length, header.length + 8 * n);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(header, 0);
  let tableAt = header.length;
  let o = header.length + 8 * n;
  for (let b = 0; b < n; b++) {
    dv.setUint32(tableAt, o % 0x100000000, true);
    dv.setUint32(tableAt + 4, Math.floor(o / 0x100000000), true);
    tableAt += 8;
    dv.setInt32(o, b * linesPerBlock, true); // y of the block's first line (dataWindow starts at 0)
    dv.setInt32(o + 4, stored[b].length, true);
    out.set(stored[b], o + 8);
    o += 8 + stored[b].length;
  }
  return out;
}

function finishSync(p: ScanlinePlan): Uint8Array {
  const stored: Uint8Array[] = [];
  const scratch = p.zip ? new Uint8Array(p.block(0).length) : null; // block 0 is the largest
  for (let b = 0; b < p.blockCount; b++) stored.push(scratch ? exrZipBlock(p.block(b), scratch, p.level) : p.block(b));
  return assemble(p.header, stored, p.linesPerBlock);
}

/** Blocks prepared between two yields to the event loop (64 scan lines: a few ms at 1080p). */
const ASYNC_BLOCKS_PER_TURN = 4;

async function finishAsync(p: ScanlinePlan): Promise<Uint8Array> {
  const pending: Promise<Uint8Array>[] = [];
  for (let b = 0; b < p.blockCount; b++) {
    if (b > 0 && b % ASYNC_BLOCKS_PER_TURN === 0) await new Promise<void>((r) => setImmediate(r));
    const raw = p.block(b);
    if (!p.zip) {
      pending.push(Promise.resolve(raw));
      continue;
    }
    const pre = new Uint8Array(raw.length);
    exrZipPredict(raw, pre);
    pending.push(exrZipBlockAsync(raw, pre, p.level));
  }
  return assemble(p.header, await Promise.all(pending), p.linesPerBlock);
}

function linearized(frame: FloatFrame, opts: ExrEncodeOptions): FloatFrame {
  if (!opts.linearize) return frame;
  try {
    return toLinear(frame, opts.color?.transfer ?? null);
  } catch (e) {
    throw new StudioError('E_VALIDATION', `EXR linearize: ${(e as Error).message}`, { transfer: opts.color?.transfer ?? null });
  }
}

function planFloat(frame: FloatFrame, opts: ExrEncodeOptions): ScanlinePlan {
  const { width, height, channels } = frame;
  checkSize(width, height, channels);
  if (frame.data.length !== width * height * channels) {
    throw new StudioError('E_VALIDATION', `EXR: frame data has ${frame.data.length} samples, expected ${width}x${height}x${channels}.`);
  }
  const data = linearized(frame, opts).data;
  const { src } = channelLayout(channels);
  const half = (opts.pixelType ?? 'half') === 'half';
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const rowLen = width * channels;
  return plan(width, height, channels, opts, (y0, lines, block) => {
    let d = 0;
    if (half) {
      const dst = new Uint16Array(block.buffer, block.byteOffset, block.length >> 1);
      for (let y = y0; y < y0 + lines; y++) {
        for (let k = 0; k < channels; k++) {
          for (let i = y * rowLen + src[k], end = (y + 1) * rowLen; i < end; i += channels) dst[d++] = float32BitsToHalf(bits[i]);
        }
      }
    } else {
      const dst = new Float32Array(block.buffer, block.byteOffset, block.length >> 2);
      for (let y = y0; y < y0 + lines; y++) {
        for (let k = 0; k < channels; k++) {
          for (let i = y * rowLen + src[k], end = (y + 1) * rowLen; i < end; i += channels) dst[d++] = data[i];
        }
      }
    }
  });
}

/**
 * Encode an interleaved float frame (1 = Y, 3 = RGB, 4 = RGBA) as an OpenEXR file.
 * E_VALIDATION for a bad size, channel count or option.
 */
export function encodeExr(frame: FloatFrame, opts: ExrEncodeOptions = {}): Uint8Array {
  return finishSync(planFloat(frame, opts));
}

/**
 * encodeExr with zlib on the thread pool (event loop free, blocks compressed in parallel). The
 * samples are copied first, so the caller may reuse its buffer at once.
 */
export async function encodeExrAsync(frame: FloatFrame, opts: ExrEncodeOptions = {}): Promise<Uint8Array> {
  return finishAsync(planFloat(opts.linearize ? frame : { ...frame, data: frame.data.slice() }, opts));
}

/**
 * 16-bit code → stored sample, per kind: colour codes (v / 65535, linearized when asked) and
 * alpha codes (always v / 65535). Built once per (pixel type, transfer) and cached: 65536 entries
 * make the 16-bit path a table look-up per sample.
 */
const lutCache = new Map<string, Uint16Array | Float32Array>();

function codeLut(pixelType: 'half' | 'float', linearTransfer: string | null): Uint16Array | Float32Array {
  const key = `${pixelType}:${linearTransfer ?? 'code'}`;
  let lut = lutCache.get(key);
  if (!lut) {
    const values = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) values[i] = i / 65535;
    const v = linearTransfer === null ? values : toLinear({ width: 65536, height: 1, channels: 1, data: values }, linearTransfer).data;
    if (pixelType === 'float') lut = v;
    else {
      const bits = new Uint32Array(v.buffer, v.byteOffset, v.length);
      const h = new Uint16Array(65536);
      for (let i = 0; i < 65536; i++) h[i] = float32BitsToHalf(bits[i]);
      lut = h;
    }
    lutCache.set(key, lut);
  }
  return lut;
}

/** Table look-up of every 16-bit BE sample of lines y0.. into `dst` in EXR order (one typed-array kind per call site). */
function lookUpLines<T extends Uint16Array | Float32Array>(be: Uint8Array, width: number, channels: number, src: number[], luts: T[], y0: number, lines: number, dst: T): void {
  const rowLen = width * channels;
  const step = channels * 2;
  let d = 0;
  for (let y = y0; y < y0 + lines; y++) {
    for (let k = 0; k < channels; k++) {
      const lut = luts[k];
      for (let i = (y * rowLen + src[k]) * 2, end = (y + 1) * rowLen * 2; i < end; i += step) dst[d++] = lut[(be[i] << 8) | be[i + 1]];
    }
  }
}

function plan16BE(be: Uint8Array, width: number, height: number, channels: number, opts: ExrEncodeOptions): ScanlinePlan {
  checkSize(width, height, channels);
  if (be.length !== width * height * channels * 2) {
    throw new StudioError('E_VALIDATION', `EXR: ${be.length} bytes of 16-bit samples, expected ${width}x${height}x${channels}x2.`);
  }
  const pixelType = opts.pixelType === 'float' ? 'float' : 'half'; // other values are refused by the header
  let transfer: string | null = null;
  if (opts.linearize) {
    try {
      transfer = transferName(opts.color?.transfer ?? null);
    } catch (e) {
      throw new StudioError('E_VALIDATION', `EXR linearize: ${(e as Error).message}`, { transfer: opts.color?.transfer ?? null });
    }
  }
  const { src } = channelLayout(channels);
  const lutFor = (s: number) => codeLut(pixelType, channels === 4 && s === 3 ? null : transfer); // alpha: never linearized
  return plan(width, height, channels, opts, (y0, lines, block) => {
    if (pixelType === 'float') {
      lookUpLines(be, width, channels, src, src.map((s) => lutFor(s) as Float32Array), y0, lines, new Float32Array(block.buffer, block.byteOffset, block.length >> 2));
    } else {
      lookUpLines(be, width, channels, src, src.map((s) => lutFor(s) as Uint16Array), y0, lines, new Uint16Array(block.buffer, block.byteOffset, block.length >> 1));
    }
  });
}

/**
 * Encode 16-bit big-endian interleaved samples (the output writer's raw frames: PNG byte order,
 * value = code / 65535) as an OpenEXR file. `channels` 1 (Y), 3 (RGB) or 4 (RGBA).
 */
export function encodeExrFrom16BE(be: Uint8Array, width: number, height: number, channels: number, opts: ExrEncodeOptions = {}): Uint8Array {
  return finishSync(plan16BE(be, width, height, channels, opts));
}

/**
 * encodeExrFrom16BE with zlib on the thread pool (event loop free, blocks compressed in parallel).
 * The samples are copied first, so the caller may reuse its buffer at once.
 */
export async function encodeExrFrom16BEAsync(be: Uint8Array, width: number, height: number, channels: number, opts: ExrEncodeOptions = {}): Promise<Uint8Array> {
  return finishAsync(plan16BE(be.slice(), width, height, channels, opts));
}
