import type { FloatFrame } from '@synthetic-studio/shared';
import { smoothBlur, luminancePlane } from './filters.js';
import type { LightRig } from './light-rig.js';
import { clampRatio, resizeRatio, smoothRatio, type RatioMap } from './ratio.js';
import { resizeFrame } from './resample.js';

/** IC-Light light-preference directions (diffusion.md §3.1). */
export type IcLightDirection = 'left' | 'right' | 'top' | 'bottom' | 'none';

/**
 * What keyframe relighting needs from the diffusion runtime: the IC-Light pipeline's `relight`
 * (DiffusionPipeline in bridge-server/src/diffusion satisfies it) and its UNet call counter.
 */
export interface IcLightPipeline {
  relight(o: {
    foreground: FloatFrame;
    alpha?: FloatFrame;
    light?: IcLightDirection;
    lightStrength?: number;
    prompt: string;
    negativePrompt?: string;
    seed: number;
    steps: number;
    guidance?: number;
    iclightCompat?: boolean;
    scheduler?: 'dpm++2m-sde-karras';
    signal?: AbortSignal;
  }): Promise<FloatFrame>;
  unetCalls: number;
}

export interface KeyframeRelightOptions {
  prompt: string;
  negativePrompt?: string;
  seed: number;
  steps: number;
  guidance: number;
  light: IcLightDirection;
  /** Model working size (multiples of 64 for real exports). */
  modelWidth: number;
  modelHeight: number;
  /** Size of the ratio map returned (the relight working size). */
  ratioWidth: number;
  ratioHeight: number;
  /** Linearise display-referred code values (the model sees and makes code values). */
  toLinear: (f: FloatFrame) => FloatFrame;
  /** Subject matte at the frame's size (IC-Light relights the foreground over grey). */
  matte?: Float32Array;
  signal?: AbortSignal;
  /** 0..2, the ratio is raised to this power. */
  strength?: number;
  /** Low-pass radius of the ratio as a fraction of the shorter side (default LOW_PASS). */
  lowPass?: number;
}

/**
 * Generated detail differs from keyframe to keyframe; only the broad light change is carried, so
 * both images are blurred at this fraction of the shorter side before dividing.
 */
export const LOW_PASS = 0.1;

export const IC_LIGHT_ADDED_PROMPT = 'best quality';
export const IC_LIGHT_NEGATIVE = 'lowres, bad anatomy, bad hands, cropped, worst quality';

/**
 * Relights one keyframe with IC-Light and returns the smooth per-pixel ratio relit / original in
 * linear light. Generative models repaint detail, so only the low frequencies of the change are
 * kept: both images are blurred before dividing, then the ratio is smoothed edge-aware on the
 * original's luminance.
 */
export async function keyframeRatio(pipeline: IcLightPipeline, frame: FloatFrame, o: KeyframeRelightOptions): Promise<RatioMap> {
  const small = clamp01(resizeFrame(rgb(frame), o.modelWidth, o.modelHeight));
  const alpha = o.matte
    ? resizeFrame({ width: frame.width, height: frame.height, channels: 1, data: o.matte }, o.modelWidth, o.modelHeight)
    : undefined;
  const relit = await pipeline.relight({
    foreground: small,
    ...(alpha ? { alpha } : {}),
    light: o.light,
    lightStrength: 0.9,
    prompt: `${o.prompt}, ${IC_LIGHT_ADDED_PROMPT}`,
    negativePrompt: o.negativePrompt ?? IC_LIGHT_NEGATIVE,
    seed: o.seed,
    steps: o.steps,
    guidance: o.guidance,
    scheduler: 'dpm++2m-sde-karras', // the IC-Light demos' sampler
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const relitSmall = relit.width === o.modelWidth && relit.height === o.modelHeight ? relit : resizeFrame(relit, o.modelWidth, o.modelHeight);
  const a = o.toLinear(small);
  const b = o.toLinear(clamp01(relitSmall));
  const ratio = lowFrequencyRatio(b, a, o.strength ?? 1, o.lowPass ?? LOW_PASS);
  return resizeRatio(ratio, o.ratioWidth, o.ratioHeight);
}

/** (blur(relit) + ε) / (blur(original) + ε) per channel, then edge-aware smoothing. */
export function lowFrequencyRatio(relit: FloatFrame, original: FloatFrame, strength = 1, lowPass = LOW_PASS): RatioMap {
  const { width, height } = original;
  const n = width * height;
  const r = Math.max(2, Math.round(lowPass * Math.min(width, height)));
  const out = new Float32Array(n * 3);
  const pa = new Float32Array(n);
  const pb = new Float32Array(n);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      pa[i] = relit.data[i * relit.channels + c];
      pb[i] = original.data[i * original.channels + c];
    }
    const ba = smoothBlur(pa, width, height, r);
    const bb = smoothBlur(pb, width, height, r);
    for (let i = 0; i < n; i++) {
      const q = (Math.max(ba[i], 0) + 0.01) / (Math.max(bb[i], 0) + 0.01);
      out[i * 3 + c] = clampRatio(strength === 1 ? q : Math.pow(q, strength));
    }
  }
  const lum = luminancePlane(original.data, original.channels, n);
  return smoothRatio({ width, height, data: out }, lum, { radius: 0.03, eps: 0.05 });
}

/** IC-Light's light preference from the rig's strongest light. */
export function icLightDirection(rig: LightRig): IcLightDirection {
  let best = rig.lights[0];
  for (const l of rig.lights) if (!best || l.intensity > best.intensity) best = l;
  if (!best || best.intensity <= 0) return 'none';
  if (best.elevation >= 55) return 'top';
  if (best.elevation <= -35) return 'bottom';
  if (best.azimuth <= -30 && best.azimuth >= -150) return 'left';
  if (best.azimuth >= 30 && best.azimuth <= 150) return 'right';
  return 'none';
}

/** A short IC-Light style prompt from a rig (when the user gave a light spec, not words). */
export function rigPrompt(rig: LightRig): string {
  const parts: string[] = [];
  for (const l of [...rig.lights].sort((a, b) => b.intensity - a.intensity).slice(0, 2)) {
    const warmth = l.kelvin !== undefined ? (l.kelvin < 4000 ? 'warm ' : l.kelvin > 7000 ? 'cool ' : '') : colourWord(l.color);
    const dir = icLightDirection({ lights: [l], ambient: [0, 0, 0] });
    const side = Math.abs(l.azimuth) >= 110 ? 'rim light from behind' : dir === 'none' ? 'light' : `light from the ${dir}`;
    parts.push(`${warmth}${side}`);
  }
  return parts.length ? parts.join(', ') : 'soft even lighting';
}

function colourWord(c: [number, number, number]): string {
  const [r, g, b] = c;
  if (b > 1.3 * r && b > 1.1 * g) return 'blue ';
  if (r > 1.3 * b && r > 1.2 * g) return 'warm ';
  if (g > 1.2 * r && g > 1.2 * b) return 'green ';
  if (r > 1.2 * g && b > 1.2 * g) return 'magenta ';
  return '';
}

/** Keyframe indices (relative to the range) for n frames every `spacing`, last frame included. */
export function keyframeIndices(n: number, spacing: number): number[] {
  if (n <= 0) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i += Math.max(1, spacing)) out.push(i);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

/** Largest multiple-of-`multiple` size with the long side ≈ `resolution`, aspect kept. */
export function modelSize(width: number, height: number, resolution = 512, multiple = 64): { width: number; height: number } {
  const s = resolution / Math.max(width, height);
  const round = (v: number) => Math.max(multiple, Math.round(v / multiple) * multiple);
  return { width: round(width * s), height: round(height * s) };
}

function rgb(f: FloatFrame): FloatFrame {
  if (f.channels === 3) return f;
  const n = f.width * f.height;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = f.channels === 1 ? f.data[i] : f.data[i * f.channels + c];
  return { width: f.width, height: f.height, channels: 3, data: out };
}

function clamp01(f: FloatFrame): FloatFrame {
  return { ...f, data: f.data.map((v) => (v < 0 ? 0 : v > 1 ? 1 : v)) };
}
