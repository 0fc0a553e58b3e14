import { StudioError, type FloatFrame, type MaskSpec } from '@synthetic-studio/shared';
import { decodePng } from './png-codec.js';

/** A mask picture before a channel is chosen: luma, alpha (when present) and ids (palette/8-bit grey). */
export interface MaskImage {
  width: number;
  height: number;
  luma: Float32Array;
  alpha: Float32Array | null;
  /** Palette indices (instance ids) or 8-bit grey values. */
  ids: Uint8Array | null;
  palette: boolean;
}

export type MaskChannel = 'luma' | 'alpha' | 'ids';

export function maskImageFromPng(bytes: Uint8Array, name: string): MaskImage {
  const p = decodePng(bytes, name);
  const n = p.width * p.height;
  const max = (1 << p.bitDepth) - 1;
  const s = p.samples;
  const luma = new Float32Array(n);
  let alpha: Float32Array | null = null;
  let ids: Uint8Array | null = null;
  if (p.colorType === 3) {
    ids = s as Uint8Array;
    const pal = p.palette!;
    const pa = p.paletteAlpha!;
    const hasAlpha = pa.some((a) => a < 255);
    if (hasAlpha) alpha = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const k = ids[i];
      luma[i] = (0.2126 * pal[k * 3] + 0.7152 * pal[k * 3 + 1] + 0.0722 * pal[k * 3 + 2]) / 255;
      if (alpha) alpha[i] = (pa[k] ?? 255) / 255;
    }
    return { width: p.width, height: p.height, luma, alpha, ids, palette: true };
  }
  const c = p.channels;
  const hasAlphaChannel = c === 2 || c === 4;
  if (hasAlphaChannel || p.transparentKey) alpha = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * c;
    if (c <= 2) luma[i] = s[o] / max;
    else luma[i] = (0.2126 * s[o] + 0.7152 * s[o + 1] + 0.0722 * s[o + 2]) / max;
    if (alpha) {
      if (hasAlphaChannel) alpha[i] = s[o + c - 1] / max;
      else {
        const key = p.transparentKey!;
        alpha[i] = c === 1 ? (s[o] === key[0] ? 0 : 1) : s[o] === key[0] && s[o + 1] === key[1] && s[o + 2] === key[2] ? 0 : 1;
      }
    }
  }
  if (c === 1 && p.bitDepth <= 8) ids = s as Uint8Array;
  return { width: p.width, height: p.height, luma, alpha, ids, palette: false };
}

/** From 8-bit raw pixels (sharp) or a decoded float frame (mask movies). */
export function maskImageFromPixels(width: number, height: number, channels: number, get: (i: number) => number, max: number): MaskImage {
  const n = width * height;
  const luma = new Float32Array(n);
  const hasAlpha = channels === 2 || channels === 4;
  const alpha = hasAlpha ? new Float32Array(n) : null;
  const gray8 = channels === 1 && max === 255 ? new Uint8Array(n) : null;
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    luma[i] = channels <= 2 ? get(o) / max : (0.2126 * get(o) + 0.7152 * get(o + 1) + 0.0722 * get(o + 2)) / max;
    if (alpha) alpha[i] = get(o + channels - 1) / max;
    if (gray8) gray8[i] = get(o);
  }
  return { width, height, luma, alpha, ids: gray8, palette: false };
}

export function maskImageFromFrame(f: FloatFrame): MaskImage {
  return maskImageFromPixels(f.width, f.height, f.channels, (i) => f.data[i], 1);
}

function isConstant(a: Float32Array): boolean {
  const v = a[0];
  for (let i = 1; i < a.length; i++) if (Math.abs(a[i] - v) > 1e-6) return false;
  return true;
}

/**
 * Which channel holds the mask. Explicit choices are checked (alpha must exist, ids need a
 * palette or 8-bit grey); `auto` picks palette ids, else the only channel that varies, else
 * alpha when luma and alpha say the same — and refuses (E_MASK_CHANNEL) when they disagree,
 * rather than silently using the wrong one.
 */
export function chooseMaskChannel(img: MaskImage, spec: Extract<MaskSpec, { kind: 'file' }>, name: string): MaskChannel {
  if (spec.id !== undefined) {
    if (!img.ids) throw new StudioError('E_MASK_CHANNEL', `${name} has no instance ids (not a palette or 8-bit grey PNG), so id ${spec.id} cannot be selected; drop the id or use luma/alpha.`, { name });
    return 'ids';
  }
  if (spec.channel === 'luma') return 'luma';
  if (spec.channel === 'alpha') {
    if (!img.alpha) throw new StudioError('E_MASK_CHANNEL', `${name} has no alpha channel; use channel "luma" (or auto).`, { name });
    return 'alpha';
  }
  if (img.palette) return 'ids';
  if (!img.alpha || isConstant(img.alpha)) return 'luma';
  if (isConstant(img.luma)) return 'alpha';
  let disagree = 0;
  for (let i = 0; i < img.luma.length; i++) if (img.luma[i] >= 0.5 !== img.alpha[i] >= 0.5) disagree++;
  if (disagree === 0) return 'alpha';
  throw new StudioError('E_MASK_CHANNEL', `${name}: both luma and alpha vary and they disagree on ${disagree} of ${img.luma.length} pixels; choose channel "luma" or "alpha" explicitly.`, { name, disagree });
}

export function extractMask(img: MaskImage, channel: MaskChannel, id?: number): FloatFrame {
  const n = img.width * img.height;
  const data = new Float32Array(n);
  if (channel === 'ids') {
    const ids = img.ids!;
    for (let i = 0; i < n; i++) data[i] = (id === undefined ? ids[i] > 0 : ids[i] === id) ? 1 : 0;
  } else data.set(channel === 'alpha' ? img.alpha! : img.luma);
  return { width: img.width, height: img.height, channels: 1, data };
}
