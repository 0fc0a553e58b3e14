import type { FloatFrame } from '@synthetic-studio/shared';

export type BackgroundMode = 'keep' | 'dim' | 'relight';

/**
 * out = m·subject + (1 − m)·background per pixel, where m is the matte (0..1, one value per
 * pixel). Where m is exactly 0 the background sample is copied bit for bit, where it is exactly 1
 * the subject sample is; alpha (channel 4) follows the background. All frames same size.
 */
export function compositeMatte(subject: FloatFrame, background: FloatFrame, matte: Float32Array): FloatFrame {
  const { width, height, channels } = background;
  if (subject.width !== width || subject.height !== height || subject.channels !== channels || matte.length !== width * height) {
    throw new RangeError('compositeMatte: subject, background and matte sizes differ');
  }
  const out = new Float32Array(background.data);
  const colour = channels === 4 ? 3 : channels;
  for (let i = 0; i < matte.length; i++) {
    const m = matte[i];
    if (m <= 0) continue;
    const o = i * channels;
    if (m >= 1) {
      for (let k = 0; k < colour; k++) out[o + k] = subject.data[o + k];
      continue;
    }
    for (let k = 0; k < colour; k++) out[o + k] = m * subject.data[o + k] + (1 - m) * background.data[o + k];
  }
  return { width, height, channels, data: out };
}

/** Multiplies the colour channels by k (background dimming; do it in linear light). */
export function scaleFrame(frame: FloatFrame, k: number): FloatFrame {
  const out = new Float32Array(frame.data);
  const c = frame.channels;
  const colour = c === 4 ? 3 : c;
  for (let i = 0; i < out.length; i += c) for (let j = 0; j < colour; j++) out[i + j] *= k;
  return { width: frame.width, height: frame.height, channels: c, data: out };
}

/** Matte plane (clamped to 0..1) from a mask frame: its alpha when it has 4 channels, else its first channel. */
export function matteFromFrame(f: FloatFrame): Float32Array {
  const n = f.width * f.height;
  const out = new Float32Array(n);
  const c = f.channels;
  const src = c === 4 ? 3 : 0;
  for (let i = 0; i < n; i++) {
    const v = f.data[i * c + src];
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}

/**
 * Snaps a soft probability matte: below `lo` → 0 (so the background stays bit-exact where the
 * model is merely unsure of nothing), above `hi` → 1, a linear ramp between. In place.
 */
export function snapMatte(matte: Float32Array, lo = 0.05, hi = 0.95): Float32Array {
  const k = 1 / (hi - lo);
  for (let i = 0; i < matte.length; i++) {
    const v = matte[i];
    matte[i] = v <= lo ? 0 : v >= hi ? 1 : (v - lo) * k;
  }
  return matte;
}
