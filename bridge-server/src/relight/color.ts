/**
 * Light colour: blackbody (Planck) spectra integrated against the CIE 1931 2° colour-matching
 * functions, converted to linear sRGB (Rec.709 primaries, D65 white). Results are normalised to
 * luminance Y = 1 so a light's colour never changes its brightness; intensity does that.
 */

export type Rgb = [number, number, number];

// Multi-lobe Gaussian fit of the CIE 1931 2° CMFs (Wyman, Sloan & Shirley 2013, JCGT 2(2)),
// accurate to well under 1 % of the tabulated functions: enough for light colours.
function g(x: number, mu: number, s1: number, s2: number): number {
  const t = (x - mu) / (x < mu ? s1 : s2);
  return Math.exp(-0.5 * t * t);
}
function cmfX(l: number): number {
  return 1.056 * g(l, 599.8, 37.9, 31.0) + 0.362 * g(l, 442.0, 16.0, 26.7) - 0.065 * g(l, 501.1, 20.4, 26.2);
}
function cmfY(l: number): number {
  return 0.821 * g(l, 568.8, 46.9, 40.5) + 0.286 * g(l, 530.9, 16.3, 31.1);
}
function cmfZ(l: number): number {
  return 1.217 * g(l, 437.0, 11.8, 36.0) + 0.681 * g(l, 459.0, 26.0, 13.8);
}

/** Planck spectral radiance (arbitrary scale) at wavelength `nm` for temperature `k`. */
function planck(nm: number, k: number): number {
  const l = nm * 1e-9;
  const c2 = 1.4387769e-2; // h·c/k_B in m·K
  return 1 / (Math.pow(l, 5) * (Math.exp(c2 / (l * k)) - 1));
}

/** CIE XYZ → linear sRGB (IEC 61966-2-1). */
export function xyzToLinearSrgb(x: number, y: number, z: number): Rgb {
  return [
    3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
    -0.969266 * x + 1.8760108 * y + 0.041556 * z,
    0.0556434 * x - 0.2040259 * y + 1.0572252 * z,
  ];
}

/** Rec.709 luminance of linear RGB. */
export function luminance(r: number, g: number, b: number): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export const KELVIN_MIN = 1000;
export const KELVIN_MAX = 40000;

const kelvinCache = new Map<number, Rgb>();

/**
 * Linear sRGB colour of a blackbody at `kelvin`, normalised to luminance 1. Colours outside the
 * sRGB gamut (below ~1900 K the blue goes negative) are clipped at 0 and renormalised.
 */
export function kelvinToLinearRgb(kelvin: number): Rgb {
  const k = Math.round(kelvin);
  const cached = kelvinCache.get(k);
  if (cached) return [cached[0], cached[1], cached[2]];
  let X = 0, Y = 0, Z = 0;
  for (let nm = 360; nm <= 830; nm += 1) {
    const p = planck(nm, k);
    X += p * cmfX(nm);
    Y += p * cmfY(nm);
    Z += p * cmfZ(nm);
  }
  const rgb = xyzToLinearSrgb(X / Y, 1, Z / Y).map((v) => Math.max(0, v)) as Rgb;
  const lum = luminance(rgb[0], rgb[1], rgb[2]);
  const out: Rgb = [rgb[0] / lum, rgb[1] / lum, rgb[2] / lum];
  kelvinCache.set(k, out);
  return [out[0], out[1], out[2]];
}

/** sRGB transfer (for tests and previews; the task converts with the media layer). */
export function linearToSrgb(v: number): number {
  return v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
}
