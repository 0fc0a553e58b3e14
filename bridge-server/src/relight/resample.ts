import type { FloatFrame } from '@synthetic-studio/shared';

/** Size with the long side at most `maxSide` (aspect kept, never upscaled). */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= maxSide) return { width, height };
  const s = maxSide / long;
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/**
 * Area-average resize for downscaling (each output pixel averages the source pixels it covers,
 * with fractional coverage at its borders); bilinear when enlarging.
 */
export function resizeFrame(src: FloatFrame, width: number, height: number): FloatFrame {
  if (src.width === width && src.height === height) return src;
  const c = src.channels;
  const out = new Float32Array(width * height * c);
  if (width > src.width || height > src.height) return bilinear(src, width, height);
  const sx = src.width / width;
  const sy = src.height / height;
  const acc = new Float64Array(c);
  for (let y = 0; y < height; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < width; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      acc.fill(0);
      let wsum = 0;
      for (let yy = Math.floor(y0); yy < Math.ceil(y1) && yy < src.height; yy++) {
        const wy = Math.min(yy + 1, y1) - Math.max(yy, y0);
        for (let xx = Math.floor(x0); xx < Math.ceil(x1) && xx < src.width; xx++) {
          const w = wy * (Math.min(xx + 1, x1) - Math.max(xx, x0));
          const o = (yy * src.width + xx) * c;
          for (let k = 0; k < c; k++) acc[k] += w * src.data[o + k];
          wsum += w;
        }
      }
      const o = (y * width + x) * c;
      for (let k = 0; k < c; k++) out[o + k] = acc[k] / wsum;
    }
  }
  return { width, height, channels: src.channels, data: out };
}

/**
 * Bilinear taps along one axis of a resize from `srcLen` to `outLen` samples (pixel centres
 * aligned, clamped at the edges): for output sample o, source samples i0[o] and i1[o] and the
 * weight a[o] of i1.
 */
function axisTaps(outLen: number, srcLen: number): { i0: Int32Array; i1: Int32Array; a: Float64Array } {
  const i0 = new Int32Array(outLen), i1 = new Int32Array(outLen), a = new Float64Array(outLen);
  for (let o = 0; o < outLen; o++) {
    let f = ((o + 0.5) * srcLen) / outLen - 0.5;
    f = f < 0 ? 0 : f > srcLen - 1 ? srcLen - 1 : f;
    i0[o] = f | 0;
    i1[o] = Math.min(srcLen - 1, i0[o] + 1);
    a[o] = f - i0[o];
  }
  return { i0, i1, a };
}

function bilinear(src: FloatFrame, width: number, height: number): FloatFrame {
  const { width: w, height: h, channels: c, data } = src;
  const out = new Float32Array(width * height * c);
  const tx = axisTaps(width, w), ty = axisTaps(height, h);
  for (let y = 0; y < height; y++) {
    const y0 = ty.i0[y], y1 = ty.i1[y], ay = ty.a[y];
    for (let x = 0; x < width; x++) {
      const x0 = tx.i0[x], x1 = tx.i1[x], ax = tx.a[x];
      for (let k = 0; k < c; k++) {
        const a = data[(y0 * w + x0) * c + k] * (1 - ax) + data[(y0 * w + x1) * c + k] * ax;
        const b = data[(y1 * w + x0) * c + k] * (1 - ax) + data[(y1 * w + x1) * c + k] * ax;
        out[(y * width + x) * c + k] = a + (b - a) * ay;
      }
    }
  }
  return { width, height, channels: c, data: out };
}
