import { guidedFilter, smoothBlur } from './filters.js';

/** Per-pixel unit normals, interleaved (nx, ny, nz); camera space: x right, y up, z to the viewer. */
export interface NormalMap {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * Normals of a height field z = h(x, y) given in pixel units (image rows go down, so the
 * y component flips): n ∝ (−∂h/∂x, +∂h/∂y_img, 1). Central differences inside, one-sided at the
 * border. `scale` multiplies the height first.
 */
export function normalsFromHeight(heightMap: Float32Array, width: number, height: number, scale = 1): NormalMap {
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const y0 = y > 0 ? y - 1 : y;
    const y1 = y < height - 1 ? y + 1 : y;
    for (let x = 0; x < width; x++) {
      const x0 = x > 0 ? x - 1 : x;
      const x1 = x < width - 1 ? x + 1 : x;
      const hx = x1 > x0 ? ((heightMap[y * width + x1] - heightMap[y * width + x0]) * scale) / (x1 - x0) : 0;
      const hy = y1 > y0 ? ((heightMap[y1 * width + x] - heightMap[y0 * width + x]) * scale) / (y1 - y0) : 0;
      const nx = -hx;
      const ny = hy;
      const inv = 1 / Math.sqrt(nx * nx + ny * ny + 1);
      const o = (y * width + x) * 3;
      out[o] = nx * inv;
      out[o + 1] = ny * inv;
      out[o + 2] = inv;
    }
  }
  return { width, height, data: out };
}

export interface HeightFromImageOptions {
  /** Smoothing radii as fractions of the shorter frame side, fine to coarse. */
  scales?: number[];
  /** Relative weight of each scale (same length as scales). */
  weights?: number[];
  /** Relief: height in pixels per unit of log-luminance contrast, per pixel of scale radius. */
  relief?: number;
  /**
   * Guided-filter edge threshold per scale (log-luminance²; smaller keeps edges sharper).
   * Fine bands follow the image edges; the coarsest bands are plain blurs, which round the
   * broad shape into domes instead of flat mesas with cliffs.
   */
  edgeEps?: number[];
}

const DEFAULT_SCALES = [0.01, 0.025, 0.06, 0.14];
const DEFAULT_WEIGHTS = [0.15, 0.25, 0.3, 0.3];
const DEFAULT_EPS = [0.01, 0.05, 0.5, Infinity];

/**
 * A plausible relief from luminance alone ("bright is near"): the log-luminance is smoothed
 * edge-aware (guided filter guided by itself) at several scales and the bands are summed with
 * heights proportional to each scale's radius, so coarse bands give the broad shape and fine
 * bands the surface detail, while object edges stay sharp. A rough prior, not a reconstruction.
 */
export function heightFromLuminance(lum: Float32Array, width: number, height: number, opts: HeightFromImageOptions = {}): Float32Array {
  const scales = opts.scales ?? DEFAULT_SCALES;
  const weights = opts.weights ?? DEFAULT_WEIGHTS;
  const relief = opts.relief ?? 1.2;
  const eps = opts.edgeEps ?? DEFAULT_EPS;
  const n = width * height;
  const logL = new Float32Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.log(Math.max(lum[i], 0) + 0.01);
    logL[i] = v;
    mean += v;
  }
  mean /= n;
  for (let i = 0; i < n; i++) logL[i] -= mean;
  const side = Math.min(width, height);
  const out = new Float32Array(n);
  for (let s = 0; s < scales.length; s++) {
    const r = Math.max(1, Math.round(scales[s] * side));
    const e = eps[Math.min(s, eps.length - 1)];
    const smooth = Number.isFinite(e) ? guidedFilter(logL, logL, width, height, r, e) : smoothBlur(logL, width, height, r);
    const k = relief * weights[s] * r;
    for (let i = 0; i < n; i++) out[i] += k * smooth[i];
  }
  return out;
}

/**
 * Normals from a depth-like map. `nearIsHigh` = true for inverse-depth / disparity maps (MiDaS,
 * Depth-Anything: bright = near) and height fields; false for metric depth (bright = far).
 * `scale` converts map units to pixels of relief.
 */
export function normalsFromDepth(depth: Float32Array, width: number, height: number, scale: number, nearIsHigh = true): NormalMap {
  return normalsFromHeight(depth, width, height, nearIsHigh ? scale : -scale);
}
