import { createHash } from 'node:crypto';
import { StudioError, type FloatFrame } from '@synthetic-studio/shared';
import { uint16ToBE } from './png-codec.js';

/**
 * Float frame → 16-bit samples with `channels` channels (grey is replicated, alpha added as 1 or
 * dropped). Exact inverse of the decoder's v / 65535 for every 16-bit code value.
 */
export function frameToUint16(frame: FloatFrame, channels: 1 | 3 | 4 = frame.channels, out?: Uint16Array): Uint16Array {
  const n = frame.width * frame.height;
  let dst = out;
  if (!dst) {
    const raw = Buffer.allocUnsafeSlow(n * channels * 2); // every sample is written below
    dst = new Uint16Array(raw.buffer, raw.byteOffset, n * channels);
  }
  if (dst.length !== n * channels) throw new StudioError('E_INTERNAL', 'frameToUint16: output buffer has the wrong size.');
  const src = frame.data;
  const c = frame.channels;
  const q = (v: number) => (v > 0 ? (v < 1 ? Math.round(v * 65535) : 65535) : 0); // NaN → 0
  if (c === channels) {
    // hot path (every output frame): inlined round-half-up; NaN and negatives → 0
    const len = src.length;
    for (let i = 0; i < len; i++) {
      const v = src[i] * 65535 + 0.5;
      dst[i] = v >= 65535 ? 65535 : v > 0 ? v : 0;
    }
    return dst;
  }
  for (let p = 0; p < n; p++) {
    const si = p * c;
    const di = p * channels;
    if (channels === 1) {
      dst[di] = c === 1 ? q(src[si]) : q(0.2126 * src[si] + 0.7152 * src[si + 1] + 0.0722 * src[si + 2]);
      continue;
    }
    if (c === 1) {
      const v = q(src[si]);
      dst[di] = v;
      dst[di + 1] = v;
      dst[di + 2] = v;
    } else {
      dst[di] = q(src[si]);
      dst[di + 1] = q(src[si + 1]);
      dst[di + 2] = q(src[si + 2]);
    }
    if (channels === 4) dst[di + 3] = c === 4 ? q(src[si + 3]) : 65535;
  }
  return dst;
}

/**
 * sha256 of a frame quantised to 16 bits: size, channels and big-endian samples (PNG byte order),
 * so a float frame, a raw decoded frame and a 16-bit PNG of the same pixels hash alike.
 */
export function frameHash(frame: FloatFrame): string {
  return hashSamplesBE(frame.width, frame.height, frame.channels, uint16ToBE(frameToUint16(frame)));
}

export function hashSamplesBE(width: number, height: number, channels: number, be: Uint8Array): string {
  return createHash('sha256').update(`${width}x${height}x${channels}:`).update(be).digest('hex');
}

/** The same hash from native-order 16-bit samples (e.g. a decoded PNG). */
export function hashUint16(width: number, height: number, channels: number, samples: Uint16Array): string {
  return hashSamplesBE(width, height, channels, uint16ToBE(new Uint16Array(samples)));
}
