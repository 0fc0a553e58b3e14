import { randomBytes } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { promisify } from 'node:util';
import { deflate, inflate } from 'node:zlib';
import { decodePng, PNG_SIGNATURE, pngChunk, pngColorType, uint16ToBE } from './png-codec.js';

// Per-frame checkpoints of the output writer: one frame of big-endian 16-bit samples kept as a
// 16-bit PNG (unfiltered rows, a fast zlib level, deflated on the libuv thread pool so the job
// keeps working meanwhile). They hold frames that cannot stream straight into their segment's
// encoder (out of order) or that are worth keeping one by one (small or slow frames).

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);
/** zlib level of per-frame checkpoints (1 = fast; they are scratch, not output). */
const LEVEL = Number(process.env.SYNTHETIC_STUDIO_CHECKPOINT_ZLIB ?? 1);
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** Write a frame checkpoint so it is complete or absent: temp name, fdatasync, rename. */
export async function writeFrameCheckpoint(path: string, be: Uint8Array, width: number, height: number, channels: number): Promise<void> {
  const rowBytes = width * channels * 2;
  const raw = Buffer.allocUnsafe((rowBytes + 1) * height);
  const src = Buffer.from(be.buffer, be.byteOffset, be.byteLength);
  for (let y = 0; y < height; y++) {
    const o = y * (rowBytes + 1);
    raw[o] = 0; // filter: none (read back with one inflate)
    src.copy(raw, o + 1, y * rowBytes, (y + 1) * rowBytes);
  }
  const idat = await deflateAsync(raw, { level: LEVEL });
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 16;
  ihdr[9] = pngColorType(channels);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writev([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), IEND]);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** True when the file ends with the IEND chunk (a write torn by a power loss does not). */
export async function frameCheckpointComplete(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 57) return false;
    const tail = Buffer.alloc(12);
    await fh.read(tail, 0, 12, size - 12);
    return tail.equals(IEND);
  } finally {
    await fh.close();
  }
}

/** A checkpoint back as big-endian 16-bit samples (exactly the bytes that were written). */
export async function readFrameCheckpoint(path: string, width: number, height: number, channels: number): Promise<Buffer> {
  const bytes = await readFile(path);
  const rowBytes = width * channels * 2;
  // our own layout: one IDAT after IHDR, every row unfiltered
  const ihdrEnd = 8 + 12 + 13;
  if (bytes.length > ihdrEnd + 8 && bytes.toString('latin1', ihdrEnd + 4, ihdrEnd + 8) === 'IDAT' && bytes.readUInt32BE(16) === width && bytes.readUInt32BE(20) === height && bytes[24] === 16 && bytes[25] === pngColorType(channels)) {
    const len = bytes.readUInt32BE(ihdrEnd);
    const raw = await inflateAsync(bytes.subarray(ihdrEnd + 8, ihdrEnd + 8 + len));
    if (raw.length === (rowBytes + 1) * height) {
      let unfiltered = true;
      for (let y = 0; y < height && unfiltered; y++) unfiltered = raw[y * (rowBytes + 1)] === 0;
      if (unfiltered) {
        const out = Buffer.allocUnsafe(rowBytes * height);
        for (let y = 0; y < height; y++) raw.copy(out, y * rowBytes, y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
        return out;
      }
    }
  }
  const png = decodePng(bytes, path);
  return uint16ToBE(png.samples as Uint16Array);
}
