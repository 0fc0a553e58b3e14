/**
 * The keyframe API the temporal engine and jobs call: one frame in (any size), one frame out
 * (same size). With a mask, only a context window around it is diffused and pasted back with a
 * feather; pixels outside mask + feather are bit-exact copies of the input.
 */
import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import type { SchedulerName } from '../schedulers/index.js';
import { lightGradient, type DiffusionPipeline, type LightDirection, type StepInfo } from './diffusion-pipeline.js';
import { cropFrame, dilateMask, maskChannel, resizeFrame } from './image-ops.js';
import { ContextWindow, featherWeights, fromWindow, pasteFeathered, planContextWindow, planTiles, processTiled, TileOptions, toWindow, workingSize, WindowOptions } from './regions.js';
import type { TinyAutoencoder } from './tiny-autoencoder.js';
import { deriveSeed } from '../random.js';

export interface KeyframeStepInfo extends StepInfo {
  /** Where the latents live: crop rectangle in frame pixels and the working size it was scaled to. */
  window: ContextWindow;
}

export interface KeyframeRequest {
  pipeline: DiffusionPipeline;
  image: FloatFrame;
  /** ≥ 0.5 = regenerate. Without a mask the whole frame is processed (img2img). */
  mask?: FloatFrame;
  prompt: string;
  negativePrompt?: string;
  seed: number;
  steps: number;
  /** 1 = fully regenerate the masked region; lower keeps more of the input. */
  strength?: number;
  guidance?: number;
  scheduler?: SchedulerName;
  /** Initial noise for the window's latent grid [4, latentHeight, latentWidth] (see planKeyframe). */
  initNoise?: Float32Array;
  onStep?: (s: KeyframeStepInfo) => void | Float32Array | Promise<void | Float32Array>;
  signal?: AbortSignal;
  preview?: { decoder: TinyAutoencoder; every?: number };
  window?: WindowOptions;
  /** Mask growth before generating (px, default 4) and feather width of the paste (px, default 8). */
  maskDilation?: number;
  feather?: number;
}

/** The context window a keyframe request will use (to size initNoise or map flows). */
export function planKeyframe(width: number, height: number, mask: FloatFrame | undefined, window: WindowOptions = {}, maskDilation = 4): ContextWindow {
  return planContextWindow(width, height, mask ? dilateMask(mask, maskDilation) : null, window);
}

export async function generateKeyframe(req: KeyframeRequest): Promise<FloatFrame> {
  const p = req.pipeline;
  if (p.kind !== 'sd' && p.kind !== 'sd-inpaint') throw new StudioError('E_ENGINE_UNSUPPORTED', `keyframes for inpaint/extend need an sd or sd-inpaint model, got ${p.kind}`);
  const { image } = req;
  const dilated = req.mask ? dilateMask(req.mask, req.maskDilation ?? 4) : null;
  if (dilated && (dilated.width !== image.width || dilated.height !== image.height)) throw new StudioError('E_MASK_SIZE', 'mask size differs from the image');
  const win = planContextWindow(image.width, image.height, dilated, req.window);
  const onStep = req.onStep ? (s: StepInfo) => req.onStep!({ ...s, window: win }) : undefined;
  const common = { prompt: req.prompt, negativePrompt: req.negativePrompt, seed: req.seed, steps: req.steps, guidance: req.guidance, scheduler: req.scheduler, initNoise: req.initNoise, onStep, signal: req.signal, preview: req.preview };
  const src = toWindow(image, win);
  let result: FloatFrame;
  if (dilated) {
    const m = toWindow(dilated, win);
    result = await p.inpaint({ ...common, image: src, mask: m, strength: req.strength ?? 1 });
  } else if (p.kind === 'sd') {
    result = await p.img2img({ ...common, image: src, strength: req.strength ?? 0.75 });
  } else {
    const full: FloatFrame = { width: src.width, height: src.height, channels: 1, data: new Float32Array(src.width * src.height).fill(1) };
    result = await p.inpaint({ ...common, image: src, mask: full, strength: req.strength ?? 0.75 });
  }
  const back = fromWindow(result, win);
  if (!dilated) return image.channels === 3 ? back : pasteFeathered(image, back, win.crop, { width: image.width, height: image.height, channels: 1, data: new Float32Array(image.width * image.height).fill(1) });
  const weights = featherWeights(dilated, req.feather ?? 8);
  return pasteFeathered(image, back, win.crop, weights);
}

export interface RelightRequest {
  pipeline: DiffusionPipeline;
  image: FloatFrame;
  /** Foreground matte (1 = subject); composited over grey before encoding, as IC-Light does. */
  alpha?: FloatFrame;
  prompt: string;
  negativePrompt?: string;
  light?: LightDirection | FloatFrame;
  lightStrength?: number;
  background?: FloatFrame;
  seed: number;
  steps: number;
  guidance?: number;
  scheduler?: SchedulerName;
  iclightCompat?: boolean;
  /** Long side of the working size when the frame is processed whole (default 512). */
  resolution?: number;
  /** Frames larger than `tile.tile` on either side are processed in overlapping tiles at native scale. */
  tile?: TileOptions & { enabled?: boolean };
  /** Only paste inside this region (feathered); elsewhere the input stays bit-exact. */
  mask?: FloatFrame;
  feather?: number;
  onStep?: (s: StepInfo & { tile: number; tiles: number }) => void | Float32Array | Promise<void | Float32Array>;
  signal?: AbortSignal;
  initNoise?: Float32Array;
  preview?: { decoder: TinyAutoencoder; every?: number };
}

/** IC-Light relight of a whole frame: resized to the working size, or tiled for large plates. */
export async function relightFrame(req: RelightRequest): Promise<FloatFrame> {
  const p = req.pipeline;
  if (p.kind !== 'ic-light-fc' && p.kind !== 'ic-light-fbc') throw new StudioError('E_ENGINE_UNSUPPORTED', `relighting needs an IC-Light model, got ${p.kind}`);
  const { image } = req;
  const tileSize = req.tile?.tile ?? 512;
  const tiled = (req.tile?.enabled ?? true) && (image.width > tileSize || image.height > tileSize) && image.width >= tileSize && image.height >= tileSize;
  const fullLight = typeof req.light === 'string' || req.light === undefined ? req.light : resizeFrame(req.light, image.width, image.height);
  const run = async (fg: FloatFrame, alpha: FloatFrame | undefined, light: RelightRequest['light'], bg: FloatFrame | undefined, seed: number, tile: number, tiles: number, noise?: Float32Array) =>
    p.relight({
      prompt: req.prompt, negativePrompt: req.negativePrompt, seed, steps: req.steps, guidance: req.guidance ?? 2, scheduler: req.scheduler ?? 'dpm++2m-sde-karras',
      iclightCompat: req.iclightCompat, foreground: fg, alpha, light, lightStrength: req.lightStrength, background: bg, signal: req.signal, initNoise: noise, preview: req.preview,
      onStep: req.onStep ? (s) => req.onStep!({ ...s, tile, tiles }) : undefined,
    });
  let out: FloatFrame;
  if (!tiled) {
    const size = workingSize(image.width, image.height, req.resolution ?? 512);
    const rs = (f: FloatFrame | undefined) => (f ? resizeFrame(f, size.width, size.height) : undefined);
    const light = typeof fullLight === 'object' ? rs(fullLight) : fullLight;
    const res = await run(rs(image)!, req.alpha ? rs(maskChannel(req.alpha)) : undefined, light, rs(req.background), req.seed, 0, 1, req.initNoise);
    out = resizeFrame(res, image.width, image.height);
  } else {
    if (tileSize % 64) throw new StudioError('E_VALIDATION', `tile size ${tileSize} must be a multiple of 64`);
    const alpha = req.alpha ? maskChannel(req.alpha) : undefined;
    // light direction spans the whole plate, so every tile sees its part of one gradient
    const lightImg = typeof fullLight === 'string' && fullLight !== 'none' ? lightGradient(fullLight, image.width, image.height) : typeof fullLight === 'object' ? fullLight : undefined;
    const tiles = planTiles(image.width, image.height, req.tile).length;
    out = await processTiled(image, async (tile, r, i) => {
      const cut = (f: FloatFrame | undefined) => (f ? cropFrame(f, r.x, r.y, r.w, r.h) : undefined);
      return run(tile, cut(alpha), lightImg ? cut(lightImg) : 'none', cut(req.background), deriveSeed(req.seed, i), i, tiles);
    }, req.tile);
  }
  if (image.channels !== 3) out = pasteFeathered(image, out, { x: 0, y: 0, w: image.width, h: image.height }, { width: image.width, height: image.height, channels: 1, data: new Float32Array(image.width * image.height).fill(1) });
  if (!req.mask) return out;
  return pasteFeathered(image, out, { x: 0, y: 0, w: image.width, h: image.height }, featherWeights(req.mask, req.feather ?? 8));
}
