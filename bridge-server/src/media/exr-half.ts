/**
 * IEEE 754 binary16 ("half", OpenEXR's HALF pixel type: 1 sign, 5 exponent bits with bias 15, 10
 * fraction bits) from float32, rounding to nearest even like OpenEXR's own `half` class.
 *
 * One deliberate difference: a FINITE value above the largest half (65504) is clamped to ±65504
 * instead of becoming ±infinity. Our sources are finite pictures; an infinity in a plate poisons
 * every filter a compositor runs over it (inf · 0 = NaN in blurs, resamples, premultiplication),
 * while a clamped highlight stays a bright, usable highlight. Real infinities and NaNs in the
 * input are kept as they are (NaN becomes the quiet NaN 0x7e00 with its sign).
 */
export const HALF_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Half bits (0..0xffff) of the float32 whose raw bits are `x` (read through a Uint32Array view). */
export function float32BitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const e = (x >>> 23) & 0xff;
  const m = x & 0x7fffff;
  if (e === 0xff) return m === 0 ? sign | 0x7c00 : sign | 0x7e00; // ±inf, NaN
  const E = e - 127;
  if (E > 15) return sign | 0x7bff; // finite overflow: clamp (see above)
  if (E >= -14) {
    // normal half: drop 13 fraction bits, round half to even (a carry may bump the exponent)
    let h = ((E + 15) << 10) | (m >>> 13);
    const rem = m & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++;
    return sign | (h >= 0x7c00 ? 0x7bff : h);
  }
  // subnormal half (value = h · 2^-24) or zero; float32 subnormals (e = 0) are far below 2^-25
  if (E < -25) return sign;
  const M = m | 0x800000;
  const s = -E - 1; // 14..24
  let h = M >>> s;
  const rem = M & ((1 << s) - 1);
  const halfway = 1 << (s - 1);
  if (rem > halfway || (rem === halfway && (h & 1) === 1)) h++;
  return sign | h; // h may reach 0x400: the smallest normal, encoded correctly by the carry
}

/** Half bits of a JavaScript number (rounded to float32 first, as a Float32Array would). */
export function floatToHalf(v: number): number {
  f32[0] = v;
  return float32BitsToHalf(u32[0]);
}

/** The value of half bits `h` (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m === 0 ? sign * Infinity : NaN;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}
