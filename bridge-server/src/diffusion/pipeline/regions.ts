/**
 * High-resolution helpers: a context window around the mask (crop, scale to the model's working
 * size, generate, scale back, feathered paste) and tiled processing. Pixels outside the edited
 * region are copied from the source untouched (bit-exact).
 */
import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import { boxBlur, cropFrame, dilateMask, maskBounds, maskChannel, resizeFrame } from './image-ops.js';

export interface Rect { x: number; y: number; w: number; h: number }

export interface ContextWindow {
  /** Crop rectangle in source pixels. */
  crop: Rect;
  /** Working size the crop is scaled to (multiples of `multiple`). */
  width: number;
  height: number;
  latentWidth: number;
  latentHeight: number;
}

export interface WindowOptions {
  /** Long side of the working size (512 for SD-1.5). */
  resolution?: number;
  /** Context margin around the mask bounds, as a fraction of the larger bound side (default 0.5). */
  context?: number;
  /** Minimum margin in pixels (default 32). */
  minMargin?: number;
  /** Working sizes are multiples of this (default 64: exported UNets want latents divisible by 8). */
  multiple?: number;
}

function roundTo(v: number, m: number): number {
  return Math.max(m, Math.round(v / m) * m);
}

/** Working size for a w×h region: long side = resolution, aspect kept, multiples of `multiple`. */
export function workingSize(w: number, h: number, resolution = 512, multiple = 64): { width: number; height: number } {
  const s = resolution / Math.max(w, h);
  return { width: roundTo(w * s, multiple), height: roundTo(h * s, multiple) };
}

/** Plan the context window around a mask (or the whole frame without one). */
export function planContextWindow(frameW: number, frameH: number, mask: FloatFrame | null, o: WindowOptions = {}): ContextWindow {
  const resolution = o.resolution ?? 512;
  const multiple = o.multiple ?? 64;
  let crop: Rect = { x: 0, y: 0, w: frameW, h: frameH };
  if (mask) {
    const b = maskBounds(mask);
    if (!b) throw new StudioError('E_MASK_EMPTY', 'the mask selects nothing');
    const margin = Math.max(o.minMargin ?? 32, Math.round((o.context ?? 0.5) * Math.max(b.w, b.h)));
    let w = Math.min(frameW, b.w + 2 * margin);
    let h = Math.min(frameH, b.h + 2 * margin);
    // never smaller than the model's native size when the frame allows it (avoid upscaling tiny crops)
    w = Math.min(frameW, Math.max(w, Math.min(resolution, frameW)));
    h = Math.min(frameH, Math.max(h, Math.min(resolution, frameH)));
    const cx = b.x + b.w / 2, cy = b.y + b.h / 2;
    const x = Math.min(Math.max(0, Math.round(cx - w / 2)), frameW - w);
    const y = Math.min(Math.max(0, Math.round(cy - h / 2)), frameH - h);
    crop = { x, y, w, h };
  }
  const size = workingSize(crop.w, crop.h, resolution, multiple);
  return { crop, ...size, latentWidth: size.width / 8, latentHeight: size.height / 8 };
}

/**
 * Paste weights: 1 inside the (binarized) mask, feathered to 0 over `feather` pixels outside it
 * (the band: square growth by `feather`). Exactly 0 beyond the band, so those pixels are never
 * touched. The mask grown by feather − r and blurred by r reaches exactly the band's edge, so the
 * weight falls to ~1/(feather+1) there instead of stepping down from ~0.5 (even feather, straight
 * edge: 1 − d/(feather+1) at distance d, the media layer's featherMask profile).
 */
export function featherWeights(mask: FloatFrame, feather: number): FloatFrame {
  const bin = dilateMask(mask, 0);
  if (feather <= 0) return bin;
  const grown = dilateMask(bin, feather);
  const r = Math.max(1, Math.floor(feather / 2));
  const blurred = boxBlur(dilateMask(bin, feather - r), r);
  const out = new Float32Array(bin.data.length);
  for (let p = 0; p < out.length; p++) out[p] = grown.data[p] === 0 ? 0 : Math.max(bin.data[p], Math.min(1, blurred.data[p]));
  return { ...bin, data: out };
}

/**
 * Paste `generated` (crop-sized) into a copy of `source` at `crop`, weighted by `weights`
 * (source-sized, single channel). Where the weight is 0 the source value is kept exactly.
 */
export function pasteFeathered(source: FloatFrame, generated: FloatFrame, crop: Rect, weights: FloatFrame): FloatFrame {
  const out = { ...source, data: new Float32Array(source.data) };
  const C = source.channels;
  const GC = generated.channels;
  for (let y = 0; y < crop.h; y++) for (let x = 0; x < crop.w; x++) {
    const sp = (crop.y + y) * source.width + crop.x + x;
    const a = weights.data[sp];
    if (a <= 0) continue;
    for (let c = 0; c < Math.min(C, 3); c++) {
      const g = generated.data[(y * crop.w + x) * GC + Math.min(c, GC - 1)];
      out.data[sp * C + c] = a >= 1 ? g : source.data[sp * C + c] * (1 - a) + g * a;
    }
  }
  return out;
}

/** Crop + scale a frame (and mask) into a context window's working size. */
export function toWindow(frame: FloatFrame, win: ContextWindow): FloatFrame {
  return resizeFrame(cropFrame(frame, win.crop.x, win.crop.y, win.crop.w, win.crop.h), win.width, win.height);
}

/** Scale a working-size result back to the crop size. */
export function fromWindow(result: FloatFrame, win: ContextWindow): FloatFrame {
  return resizeFrame(result, win.crop.w, win.crop.h);
}

export interface TileOptions {
  /** Tile size in source pixels (default 512). */
  tile?: number;
  /** Overlap between neighbouring tiles (default 64). */
  overlap?: number;
}

/** Tile rectangles covering W×H with at least `overlap` between neighbours; edge tiles are shifted inward. */
export function planTiles(W: number, H: number, o: TileOptions = {}): Rect[] {
  const tile = o.tile ?? 512;
  const overlap = o.overlap ?? 64;
  const starts = (len: number, t: number) => {
    if (len <= t) return [0];
    const n = Math.ceil((len - overlap) / (t - overlap));
    return Array.from({ length: n }, (_, i) => Math.round((i * (len - t)) / (n - 1)));
  };
  const tw = Math.min(tile, W), th = Math.min(tile, H);
  const rects: Rect[] = [];
  for (const y of starts(H, th)) for (const x of starts(W, tw)) rects.push({ x, y, w: tw, h: th });
  return rects;
}

/**
 * Run `fn` on every tile and blend the results with linear ramps across overlaps. `fn` gets the tile
 * (source pixels) and must return a frame of the same size.
 */
export async function processTiled(frame: FloatFrame, fn: (tile: FloatFrame, rect: Rect, index: number) => Promise<FloatFrame>, o: TileOptions = {}): Promise<FloatFrame> {
  const rects = planTiles(frame.width, frame.height, o);
  const overlap = o.overlap ?? 64;
  const C = frame.channels;
  const acc = new Float32Array(frame.width * frame.height * C);
  const wsum = new Float32Array(frame.width * frame.height);
  for (let i = 0; i < rects.length; i++) {
    const r = rects[i];
    const res = await fn(cropFrame(frame, r.x, r.y, r.w, r.h), r, i);
    if (res.width !== r.w || res.height !== r.h) throw new StudioError('E_INTERNAL', `tile ${i} came back ${res.width}x${res.height}, expected ${r.w}x${r.h}`);
    for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) {
      // ramps only on sides that touch another tile
      const rx = Math.min(r.x > 0 ? (x + 1) / (overlap + 1) : 1, r.x + r.w < frame.width ? (r.w - x) / (overlap + 1) : 1, 1);
      const ry = Math.min(r.y > 0 ? (y + 1) / (overlap + 1) : 1, r.y + r.h < frame.height ? (r.h - y) / (overlap + 1) : 1, 1);
      const wgt = Math.max(1e-6, rx * ry);
      const sp = (r.y + y) * frame.width + r.x + x;
      wsum[sp] += wgt;
      for (let c = 0; c < C; c++) acc[sp * C + c] += wgt * res.data[(y * r.w + x) * res.channels + Math.min(c, res.channels - 1)];
    }
  }
  const data = new Float32Array(acc.length);
  for (let p = 0; p < wsum.length; p++) for (let c = 0; c < C; c++) data[p * C + c] = acc[p * C + c] / wsum[p];
  return { width: frame.width, height: frame.height, channels: frame.channels, data };
}

export { maskChannel };
