import { endianness } from 'node:os';
import { deflate, deflateSync, inflateSync } from 'node:zlib';

const HOST_LE = endianness() === 'LE';

/**
 * OpenEXR ZIP / ZIPS block coding (ImfZip): before zlib, the block's bytes are split into two
 * halves (even-indexed bytes first, then odd-indexed: the low and high bytes of little-endian
 * samples end up apart), then replaced by their differences (d = b[i] - b[i-1] + 128, mod 256).
 * The stream is a zlib stream (header + deflate + adler32), i.e. what zlib's compress() writes.
 * A block whose coded form is not smaller than the raw bytes is stored raw (readers tell the two
 * apart by the size), as OpenEXR does.
 */

/** Reorder + predictor of `raw` into `out` (same length). */
export function exrZipPredict(raw: Uint8Array, out: Uint8Array): void {
  const n = raw.length;
  if (n === 0) return;
  const half = (n + 1) >> 1;
  // Both delta chains in one pass over 16-bit words (on a little-endian host the low byte is the
  // even index, the high byte the odd one): the even chain starts from 0, the odd
  // chain continues from the LAST even byte, as if the halves had been laid end to end first.
  const words = n >> 1;
  let pl = 0;
  let ph = raw[(half - 1) * 2];
  if (HOST_LE && (raw.byteOffset & 1) === 0) {
    const w16 = new Uint16Array(raw.buffer, raw.byteOffset, words);
    for (let j = 0; j < words; j++) {
      const w = w16[j];
      const lo = w & 0xff;
      const hi = w >>> 8;
      out[j] = (lo - pl + 384) & 0xff;
      out[half + j] = (hi - ph + 384) & 0xff;
      pl = lo;
      ph = hi;
    }
  } else {
    for (let j = 0; j < words; j++) {
      const lo = raw[2 * j];
      const hi = raw[2 * j + 1];
      out[j] = (lo - pl + 384) & 0xff;
      out[half + j] = (hi - ph + 384) & 0xff;
      pl = lo;
      ph = hi;
    }
  }
  if (n & 1) out[half - 1] = (raw[n - 1] - pl + 384) & 0xff;
  out[0] = raw[0]; // the predictor starts at index 1
}

/** Inverse of exrZipPredict (for readers and tests). */
export function exrZipUnpredict(coded: Uint8Array, out: Uint8Array): void {
  const n = coded.length;
  if (n === 0) return;
  const tmp = new Uint8Array(n);
  tmp[0] = coded[0];
  for (let i = 1; i < n; i++) tmp[i] = (tmp[i - 1] + coded[i] - 128) & 0xff;
  const half = (n + 1) >> 1;
  for (let i = 0, t1 = 0, t2 = half; i < n; i += 2) {
    out[i] = tmp[t1++];
    if (i + 1 < n) out[i + 1] = tmp[t2++];
  }
}

/**
 * One ZIP block: the bytes to store (zlib-coded, or `raw` itself when coding does not make it
 * smaller). `scratch` must be at least raw.length long.
 */
export function exrZipBlock(raw: Uint8Array, scratch: Uint8Array, level: number): Uint8Array {
  const pre = scratch.subarray(0, raw.length);
  exrZipPredict(raw, pre);
  const z = deflateSync(pre, { level });
  return z.length < raw.length ? z : raw;
}

/**
 * exrZipBlock on libuv's thread pool (zlib off the event loop; the blocks of a frame compress in
 * parallel). `pre` is the block after exrZipPredict and is not touched until the promise settles.
 */
export function exrZipBlockAsync(raw: Uint8Array, pre: Uint8Array, level: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    deflate(pre, { level }, (err, z) => (err ? reject(err) : resolve(z.length < raw.length ? z : raw)));
  });
}

/** Stored block bytes → raw block bytes of `rawSize` (for readers and tests). */
export function exrUnzipBlock(stored: Uint8Array, rawSize: number): Uint8Array {
  if (stored.length >= rawSize) return stored.subarray(0, rawSize);
  const pre = inflateSync(stored);
  const out = new Uint8Array(rawSize);
  exrZipUnpredict(pre, out);
  return out;
}
