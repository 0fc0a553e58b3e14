import { createHash } from 'node:crypto';
import { StudioError, type FloatFrame } from '@synthetic-studio/shared';

/**
 * Float frame → 16-bit samples with `channels` channels (grey is replicated, alpha added as 1 or
 * dropped). Exact inverse of the decoder's v / 65535 for every 16-bit code value.
 */
export function frameToUint16(frame: FloatFrame, channels: 1 | 3 | 4 = frame.channels, out?: Uint16Array): Uint16Array {
  const n = frame.width * frame.height;
  const dst = out ?? new Uint16Array(n * channels);
  if (dst.length !== n * channels) throw new StudioError('E_INTERNAL', 'frameToUint16: output buffer has the wrong size.');
  const src = frame.data;
  const c = frame.channels;
  const q = (v: number) => (v > 0 ? (v < 1 ? Math.round(v * 65535) : 65535) : 0); // NaN → 0
  if (c === channels) {
    // hot path (every output frame): inlined round-half-up; NaN and negatives → 0
    for (let i = 0; i < src.length; i++) {
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

/** sha256 of a frame quantised to 16 bits (size and channels included): stable across runs and machines. */
export function frameHash(frame: FloatFrame): string {
  return hashUint16(frame.width, frame.height, frame.channels, frameToUint16(frame));
}

/** The same hash from 16-bit samples (a decoded 16-bit PNG checkpoint), little-endian. */
export function hashUint16(width: number, height: number, channels: number, samples: Uint16Array): string {
  const h = createHash('sha256');
  h.update(`${width}x${height}x${channels}:`);
  const le = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) le.writeUInt16LE(samples[i], i * 2);
  h.update(le);
  return h.digest('hex');
}
