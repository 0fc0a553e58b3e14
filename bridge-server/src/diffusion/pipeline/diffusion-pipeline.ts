/**
 * The SD-1.5-family denoising pipelines on a loaded model folder (docs/diffusion.md §2.6–2.7, §3.1):
 * img2img / txt2img, inpainting (9-channel UNet, or masked latent blending for 4-channel UNets) and
 * IC-Light relighting (foreground latents concatenated; light-direction initial latent).
 * Inputs are FloatFrames at the working size (multiples of 8; 64 recommended for real exports).
 * Classifier-free guidance batches uncond+cond in ONE UNet call.
 */
import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import type { DiffusionRuntime } from '../runtime/runtime.js';
import { floatFeed, idsFeed, readFloat } from '../runtime/feeds.js';
import { loadModelFolder, LoadedModel, LoadOptions } from '../model-folder.js';
import { deriveSeed, SeededRandom } from '../random.js';
import { createScheduler, type Scheduler, type SchedulerName } from '../schedulers/index.js';
import { frameToPlanes, maskToLatent, maskChannel, planesToFrame, PixelRange } from './image-ops.js';
import type { TinyAutoencoder } from './tiny-autoencoder.js';

export interface StepInfo {
  /** 0-based index of the executed step, and how many run in total. */
  index: number;
  total: number;
  /** Index into the full schedule (differs from `index` for img2img). */
  scheduleIndex: number;
  timestep: number;
  /** Latents after this step, [4, latentHeight, latentWidth] in UNet space. */
  latents: Float32Array;
  /** The model's current clean-latent estimate (what previews decode). */
  x0: Float32Array;
  latentWidth: number;
  latentHeight: number;
  /** TAESD preview of x0 when a preview decoder was given and this step is due. */
  preview?: FloatFrame;
}

/** Per-step hook. Return new latents to replace the current ones (cross-frame latent fusion). */
export type StepCallback = (step: StepInfo) => void | Float32Array | Promise<void | Float32Array>;

export interface SamplingOptions {
  prompt: string;
  negativePrompt?: string;
  seed: number;
  steps: number;
  /** Classifier-free guidance scale; ≤ 1 disables the uncond batch. */
  guidance?: number;
  scheduler?: SchedulerName;
  /** Initial noise [4,h,w] (same or flow-warped across frames); default: seeded Gaussian. */
  initNoise?: Float32Array;
  onStep?: StepCallback;
  signal?: AbortSignal;
  preview?: { decoder: TinyAutoencoder; every?: number };
  /** IC-Light demo quirk: linear betas for its scheduler. */
  iclightCompat?: boolean;
  /** Encode images with the posterior mode (default, deterministic) or a sample. */
  encodeMode?: 'mode' | 'sample';
  /** Prompts over 75 tokens: drop the rest (default) or encode in chunks (IC-Light). */
  longPrompts?: 'truncate' | 'chunk';
}

export interface Img2ImgOptions extends SamplingOptions {
  image: FloatFrame;
  /** 1 = from pure noise (image ignored for the start), lower keeps more of the image. */
  strength?: number;
}

export interface InpaintOptions extends SamplingOptions {
  image: FloatFrame;
  /** Same size as image; ≥ 0.5 = repaint. */
  mask: FloatFrame;
  strength?: number;
}

export type LightDirection = 'left' | 'right' | 'top' | 'bottom' | 'none';

export interface RelightOptions extends SamplingOptions {
  /** Foreground already composited over grey (or pass `alpha` to composite here). */
  foreground: FloatFrame;
  alpha?: FloatFrame;
  /** Light preference: a gradient direction, or an explicit initial image. */
  light?: LightDirection | FloatFrame;
  /** img2img strength for the light latent (IC-Light demo: 0.9). */
  lightStrength?: number;
  /** IC-Light fbc (12-channel) background condition. */
  background?: FloatFrame;
}

interface LatentImage { latents: Float32Array; w: number; h: number }

const IC_LIGHT_GREY = 127 / 255;

export class DiffusionPipeline {
  private readonly promptCache = new Map<string, Float32Array>();
  /** Accumulated UNet call count (bench/tests). */
  unetCalls = 0;

  constructor(readonly model: LoadedModel, readonly runtime: DiffusionRuntime) {
    if (!model.unet || !model.textEncoder || !model.tokenizer || !model.unetInfo) {
      throw new StudioError('E_MODEL_SIGNATURE', `${model.dir} is a ${model.kind} model without a UNet; it cannot run a diffusion pipeline`);
    }
  }

  static async load(dir: string, runtime: DiffusionRuntime, opts: LoadOptions = {}): Promise<DiffusionPipeline> {
    return new DiffusionPipeline(await loadModelFolder(dir, runtime, opts), runtime);
  }

  get kind(): LoadedModel['kind'] {
    return this.model.kind;
  }

  /**
   * Text embeddings [B, 77·k, 768]: `[uncond, cond]` when `cfg`, else `[cond]`. `truncate` keeps the
   * first 75 tokens (diffusers); `chunk` encodes 75-token chunks separately and concatenates them
   * along the sequence axis (IC-Light), repeating the shorter side's chunks cyclically. Cached.
   */
  async encodePrompt(prompt: string, negative = '', cfg = true, longPrompts: 'truncate' | 'chunk' = 'truncate'): Promise<Float32Array> {
    const key = `${cfg ? 1 : 0}${longPrompts}\u0000${negative}\u0000${prompt}`;
    const hit = this.promptCache.get(key);
    if (hit) return hit;
    const tok = this.model.tokenizer!;
    const te = this.model.textEncoder!;
    const L = tok.maxLength;
    const texts = cfg ? [negative, prompt] : [prompt];
    let chunks = texts.map((t) => (longPrompts === 'chunk' ? tok.encodeChunks(t) : [tok.encode(t).ids]));
    const k = Math.max(...chunks.map((c) => c.length));
    chunks = chunks.map((c) => Array.from({ length: k }, (_, i) => c[i % c.length]));
    const all = chunks.flat();
    const out = await te.run({ input_ids: idsFeed(te.inputs[0], all.flat(), [all.length, L]) });
    const hidden = readFloat(out.last_hidden_state ?? out[te.outputs[0].name], 'last_hidden_state');
    // [texts·k, L, 768] → [texts, k·L, 768]: chunks of one text are already consecutive
    const emb = hidden.slice(0, texts.length * k * L * 768);
    this.promptCache.set(key, emb);
    return emb;
  }

  /** Image (W,H multiples of 8) → UNet-space latents. */
  async encodeImage(frame: FloatFrame, range: PixelRange = '-1..1', mode: 'mode' | 'sample' = 'mode', rng?: SeededRandom): Promise<LatentImage> {
    if (frame.width % 8 || frame.height % 8) throw new StudioError('E_VALIDATION', `image size ${frame.width}x${frame.height} must be a multiple of 8`);
    const enc = this.model.vaeEncoder;
    const out = await enc.run({ sample: floatFeed(enc.inputs[0], frameToPlanes(frame, range), [1, 3, frame.height, frame.width]) });
    const name = this.model.encoderOutput;
    const t = out[name];
    const data = readFloat(t, name);
    const [h, w] = [t.dims[2], t.dims[3]];
    const n = 4 * h * w;
    const lat = new Float32Array(n);
    const s = this.model.scalingFactor;
    if (name === 'latent_parameters') {
      const z = mode === 'sample' ? (rng ?? new SeededRandom(0)).normal(n) : null;
      for (let k = 0; k < n; k++) {
        const logvar = Math.min(20, Math.max(-30, data[n + k]));
        lat[k] = s * (data[k] + (z ? Math.exp(0.5 * logvar) * z[k] : 0));
      }
    } else for (let k = 0; k < n; k++) lat[k] = s * data[k];
    return { latents: lat, w, h };
  }

  /** UNet-space latents [4,h,w] → RGB frame (8w × 8h), decoded one image at a time. */
  async decodeLatents(latents: Float32Array, w: number, h: number, range: PixelRange = '-1..1'): Promise<FloatFrame> {
    const dec = this.model.vaeDecoder;
    const s = this.model.scalingFactor;
    const z = new Float32Array(latents.length);
    const inv = 1 / s;
    for (let k = 0; k < z.length; k++) z[k] = latents[k] * inv;
    const out = await dec.run({ latent_sample: floatFeed(dec.inputs[0], z, [1, 4, h, w]) });
    const t = out.sample ?? out[dec.outputs[0].name];
    return planesToFrame(readFloat(t, 'sample'), t.dims[3], t.dims[2], range);
  }

  /**
   * One UNet evaluation for B latents with an optional per-image condition block appended on the
   * channel axis; returns ε (guided when cfg).
   */
  private async predict(x: Float32Array, cond: Float32Array | null, condC: number, t: number, emb: Float32Array, cfg: boolean, g: number, w: number, h: number): Promise<Float32Array> {
    const unet = this.model.unet!;
    const info = this.model.unetInfo!;
    const hw = w * h;
    const B = cfg ? 2 : 1;
    const C = 4 + condC;
    if (C !== info.inChannels) throw new StudioError('E_INTERNAL', `UNet wants ${info.inChannels} channels, pipeline built ${C}`);
    const xin = new Float32Array(B * C * hw);
    for (let b = 0; b < B; b++) {
      xin.set(x, b * C * hw);
      if (cond) xin.set(cond, (b * C + 4) * hw);
    }
    const inputs = unet.inputs;
    const find = (n: string) => inputs.find((i) => i.name === n)!;
    const feeds = {
      sample: floatFeed(find('sample'), xin, [B, C, h, w]),
      timestep: floatFeed(find('timestep'), Float32Array.of(t), info.timestepRank === 0 ? [] : [1]),
      encoder_hidden_states: floatFeed(find('encoder_hidden_states'), emb, [B, emb.length / B / 768, 768]),
    };
    if (info.timestepCondDim) {
      (feeds as Record<string, unknown>).timestep_cond = floatFeed(find('timestep_cond'), guidanceEmbedding(g, info.timestepCondDim, B), [B, info.timestepCondDim]);
    }
    const out = await unet.run(feeds);
    this.unetCalls++;
    const eps = readFloat(out.out_sample, 'out_sample');
    if (!cfg) return eps.slice(0, 4 * hw);
    const n = 4 * hw;
    const guided = new Float32Array(n);
    for (let k = 0; k < n; k++) guided[k] = eps[k] + g * (eps[n + k] - eps[k]);
    return guided;
  }

  /**
   * The denoising loop. `image` (UNet-space latents) is the img2img start; `cond` is appended to the
   * UNet input every step (9-ch inpaint: mask+masked latents; IC-Light: fg latents); `blendMask`
   * enables latent blending with `image` (4-ch inpainting).
   */
  async sample(o: SamplingOptions & { w: number; h: number; strength?: number; image?: Float32Array; cond?: Float32Array; condChannels?: number; blendMask?: Float32Array }): Promise<Float32Array> {
    const { w, h } = o;
    const n = 4 * w * h;
    const isLcm = (o.scheduler ?? 'dpm++2m') === 'lcm';
    const sched: Scheduler = createScheduler(o.scheduler ?? 'dpm++2m', this.model.schedulerConfig, { iclightCompat: o.iclightCompat });
    const strength = o.image ? (o.strength ?? 1) : 1;
    sched.setTimesteps(o.steps, isLcm ? strength : undefined);
    const start = strength >= 1 ? 0 : sched.startIndex(strength);
    const noise0 = o.initNoise ?? new SeededRandom(deriveSeed(o.seed, 0)).normal(n);
    if (noise0.length !== n) throw new StudioError('E_VALIDATION', `initNoise has ${noise0.length} values; this step needs 4x${h}x${w} = ${n}`);
    const stepNoise = new SeededRandom(deriveSeed(o.seed, 1));
    let x: Float32Array;
    if (o.image && strength < 1) x = sched.addNoise(o.image, noise0, start);
    else x = noise0.map((v) => v * sched.initNoiseSigma);
    const g = o.guidance ?? 7.5;
    const cfg = g > 1 && !this.model.unetInfo!.timestepCondDim;
    const emb = await this.encodePrompt(o.prompt, o.negativePrompt ?? '', cfg, o.longPrompts);
    const total = sched.timesteps.length - start;
    for (let i = start; i < sched.timesteps.length; i++) {
      if (o.signal?.aborted) throw new StudioError('E_CANCELLED', 'diffusion cancelled between steps');
      const t = sched.timesteps[i];
      const eps = await this.predict(sched.scaleModelInput(x, i), o.cond ?? null, o.condChannels ?? 0, t, emb, cfg, g, w, h);
      const r = sched.step(eps, i, x, stepNoise);
      x = r.prevSample;
      if (o.blendMask && o.image) {
        const last = i === sched.timesteps.length - 1;
        const ref = last ? o.image : sched.addNoise(o.image, noise0, i + 1);
        for (let c = 0; c < 4; c++) for (let p = 0; p < w * h; p++) {
          const m = o.blendMask[p];
          const k = c * w * h + p;
          x[k] = (1 - m) * ref[k] + m * x[k];
        }
      }
      if (o.onStep) {
        const info: StepInfo = { index: i - start, total, scheduleIndex: i, timestep: t, latents: x, x0: r.predOriginalSample, latentWidth: w, latentHeight: h };
        const every = o.preview?.every ?? 1;
        if (o.preview && ((i - start) % every === 0 || i === sched.timesteps.length - 1)) info.preview = await o.preview.decoder.decode(r.predOriginalSample, w, h);
        const replaced = await o.onStep(info);
        if (replaced) {
          if (replaced.length !== n) throw new StudioError('E_VALIDATION', `onStep returned ${replaced.length} latents, expected ${n}`);
          x = replaced;
        }
      }
    }
    return x;
  }

  private size(f: FloatFrame): { w: number; h: number } {
    if (f.width % 8 || f.height % 8) throw new StudioError('E_VALIDATION', `working size ${f.width}x${f.height} must be a multiple of 8 (64 for most exported UNets)`);
    return { w: f.width / 8, h: f.height / 8 };
  }

  /** img2img (strength < 1) or, with strength 1, text-to-image at the image's size. Needs a 4-channel UNet. */
  async img2img(o: Img2ImgOptions): Promise<FloatFrame> {
    if (this.model.unetInfo!.inChannels !== 4) throw new StudioError('E_ENGINE_UNSUPPORTED', `img2img needs a 4-channel UNet; this is a ${this.kind} model`);
    const { w, h } = this.size(o.image);
    const strength = o.strength ?? 0.75;
    const img = strength < 1 ? await this.encodeImage(o.image, '-1..1', o.encodeMode, new SeededRandom(deriveSeed(o.seed, 2))) : null;
    const lat = await this.sample({ ...o, w, h, strength, image: img?.latents });
    return this.decodeLatents(lat, w, h);
  }

  /** Inpainting: 9-channel UNet conditioning, or masked latent blending for a 4-channel UNet. */
  async inpaint(o: InpaintOptions): Promise<FloatFrame> {
    const { w, h } = this.size(o.image);
    if (o.mask.width !== o.image.width || o.mask.height !== o.image.height) throw new StudioError('E_MASK_SIZE', `mask ${o.mask.width}x${o.mask.height} differs from image ${o.image.width}x${o.image.height}`);
    const C = this.model.unetInfo!.inChannels;
    const rng = new SeededRandom(deriveSeed(o.seed, 2));
    const mLat = maskToLatent(o.mask, w, h);
    const image = await this.encodeImage(o.image, '-1..1', o.encodeMode, rng);
    if (C === 9) {
      // masked_image = image · (mask < 0.5): masked pixels become mid-grey (0 in [-1,1])
      const m = maskChannel(o.mask);
      const masked = { ...o.image, data: new Float32Array(o.image.data) };
      for (let p = 0; p < m.width * m.height; p++) if (m.data[p] >= 0.5) for (let c = 0; c < o.image.channels; c++) masked.data[p * o.image.channels + c] = 0.5;
      const mi = await this.encodeImage(masked, '-1..1', o.encodeMode, rng);
      const cond = new Float32Array(5 * w * h);
      cond.set(mLat, 0);
      cond.set(mi.latents, w * h);
      const lat = await this.sample({ ...o, w, h, strength: o.strength ?? 1, image: image.latents, cond, condChannels: 5 });
      return this.decodeLatents(lat, w, h);
    }
    if (C === 4) {
      const lat = await this.sample({ ...o, w, h, strength: o.strength ?? 1, image: image.latents, blendMask: mLat });
      return this.decodeLatents(lat, w, h);
    }
    throw new StudioError('E_ENGINE_UNSUPPORTED', `inpainting needs a 9- or 4-channel UNet; this is a ${this.kind} model`);
  }

  /** IC-Light relighting (fc: 8 channels; fbc: 12 with a background). */
  async relight(o: RelightOptions): Promise<FloatFrame> {
    const C = this.model.unetInfo!.inChannels;
    if (C !== 8 && C !== 12) throw new StudioError('E_ENGINE_UNSUPPORTED', `relighting needs an IC-Light UNet (8 or 12 channels); this is a ${this.kind} model`);
    const fgFrame = o.alpha ? compositeOverGrey(o.foreground, o.alpha) : o.foreground;
    const { w, h } = this.size(fgFrame);
    const fg = await this.encodeImage(fgFrame, 'iclight', 'mode');
    let cond = fg.latents;
    if (C === 12) {
      if (!o.background) throw new StudioError('E_VALIDATION', 'IC-Light fbc needs a background image');
      const bg = await this.encodeImage(o.background, 'iclight', 'mode');
      cond = new Float32Array(8 * w * h);
      cond.set(fg.latents, 0);
      cond.set(bg.latents, 4 * w * h);
    }
    const light = o.light ?? 'none';
    let init: Float32Array | undefined;
    let strength = 1;
    let steps = o.steps;
    if (light !== 'none') {
      const img = typeof light === 'string' ? lightGradient(light, fgFrame.width, fgFrame.height) : light;
      init = (await this.encodeImage(img, 'iclight', 'mode')).latents;
      strength = o.lightStrength ?? 0.9;
      steps = Math.round(o.steps / strength); // IC-Light: so that ≈ `steps` actually run
    }
    const lat = await this.sample({ ...o, steps, w, h, strength, image: init, cond, condChannels: C - 4 });
    return this.decodeLatents(lat, w, h); // the demo decodes with the standard x·127.5+127.5
  }
}

/** fg = 127 + (img − 127)·alpha on the 8-bit scale (IC-Light's foreground preparation). */
export function compositeOverGrey(img: FloatFrame, alpha: FloatFrame): FloatFrame {
  const a = maskChannel(alpha);
  if (a.width !== img.width || a.height !== img.height) throw new StudioError('E_MASK_SIZE', 'alpha size differs from the image');
  const out = new Float32Array(img.width * img.height * 3);
  for (let p = 0; p < img.width * img.height; p++) for (let c = 0; c < 3; c++) {
    const v = img.channels === 1 ? img.data[p] : img.data[p * img.channels + c];
    out[p * 3 + c] = IC_LIGHT_GREY + (v - IC_LIGHT_GREY) * a.data[p];
  }
  return { width: img.width, height: img.height, channels: 3, data: out };
}

/** IC-Light's light-preference image: a 255→0 linear ramp from the lit side, grey RGB. */
export function lightGradient(direction: Exclude<LightDirection, 'none'>, width: number, height: number): FloatFrame {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const u = width > 1 ? x / (width - 1) : 0;
    const v = height > 1 ? y / (height - 1) : 0;
    const val = direction === 'left' ? 1 - u : direction === 'right' ? u : direction === 'top' ? 1 - v : v;
    const q = Math.floor(val * 255) / 255; // uint8 image in the demo
    data.fill(q, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return { width, height, channels: 3, data };
}

/** LCM guidance embedding (w = g − 1, scaled by 1000), sin/cos halves (§2.5). */
export function guidanceEmbedding(g: number, dim: number, batch: number): Float32Array {
  const w = (g - 1) * 1000;
  const half = Math.floor(dim / 2);
  const one = new Float32Array(dim);
  for (let j = 0; j < half; j++) {
    const f = Math.exp((-Math.log(10000) * j) / Math.max(half - 1, 1));
    one[j] = Math.sin(w * f);
    one[half + j] = Math.cos(w * f);
  }
  const out = new Float32Array(dim * batch);
  for (let b = 0; b < batch; b++) out.set(one, b * dim);
  return out;
}
