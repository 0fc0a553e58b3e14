import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError, type FloatFrame } from '@synthetic-studio/shared';
import {
  deriveSeed, featherWeights, flowToLatent, fromWindow, fuseLatents, generateKeyframe, integralNoiseWarp, maskToLatent, pasteFeathered,
  planKeyframe, SeededRandom, toWindow, warpLatents,
  type ContextWindow, type SchedulerName, type StepInfo,
} from '../diffusion/index.js';
import { writeFileAtomic } from '../media/index.js';
import { computeFlowPair, fbConsistency, type FlowField, type Mask } from '../temporal/index.js';
import type { JobDiffusionModel } from './diffusion-model.js';
import type { ProgressUpdate } from './task.js';

export interface KeyframeSettings {
  prompt: string;
  negativePrompt?: string;
  seed: number;
  steps: number;
  strength: number;
  guidance: number;
  scheduler: SchedulerName;
  /** Feather (px) of the paste outside the mask; pixels beyond it stay bit-exact. */
  feather: number;
  /** Mask growth before generating (px). */
  maskDilation: number;
  /** Long side of the model's working size (512 for SD-1.5). */
  resolution: number;
  /**
   * Cross-frame latent fusion with the previous keyframe (warped by flow) for this fraction of
   * the executed steps; 0 = off. Weight per latent pixel = mask × flow validity × fuseStrength.
   */
  fuseSteps: number;
  fuseStrength: number;
}

interface Previous {
  index: number;
  image: FloatFrame;
  window: ContextWindow;
  noise: Float32Array;
  /** Latents after each executed step (for fusion), empty when fusion is off. */
  steps: Float32Array[];
}

const MAGIC = 0x4b594631; // "KYF1"
const HEADER_WORDS = 12;

/**
 * Diffusion keyframes for a job: crop-to-mask inpainting (or a fixed context window shared by all
 * keyframes), initial noise that follows the motion from the previous keyframe (∫-noise warping,
 * diffusion.md §6.3) and optional cross-frame latent fusion (§6.4), progress with TAESD previews,
 * and persistence in the job's work folder: a resumed job reuses every keyframe it already paid
 * for, so its output is identical to an uninterrupted run.
 */
export class KeyframeGenerator {
  private prev: Previous | null = null;
  generated = 0;
  reused = 0;

  constructor(
    private readonly model: JobDiffusionModel,
    private readonly settings: KeyframeSettings,
    private readonly cacheDir: string,
    private readonly signal: AbortSignal,
    private readonly progress: (u: ProgressUpdate) => void,
  ) {}

  get unetCalls(): number {
    return this.model.pipeline.unetCalls;
  }

  /**
   * The job's diffusion cost for its metrics: UNet evaluations, per output frame, relative to
   * per-frame generation (every frame running `stepsPerGeneration`), keyframes generated and reused.
   */
  costMetrics(frames: number, stepsPerGeneration: number): Record<string, number> {
    const calls = this.unetCalls;
    return {
      unetCalls: calls, unetCallsPerFrame: calls / frames, unetCallsRelative: calls / (frames * stepsPerGeneration),
      keyframesGenerated: this.generated, keyframesReused: this.reused,
    };
  }

  /**
   * Fill `mask` (1 = generate) of `image` (source frame `index`). With `window` every call shares
   * one latent grid (noise warping and fusion cover the whole sequence); without, the window is
   * planned around this mask. Returns the whole frame: outside mask + feather it is `image` exactly.
   */
  async generate(index: number, image: FloatFrame, mask: Mask, window?: ContextWindow): Promise<FloatFrame> {
    const s = this.settings;
    const m = maskFrame(mask);
    const win = window ?? planKeyframe(image.width, image.height, m, { resolution: s.resolution }, s.maskDilation);
    const cachePath = join(this.cacheDir, `${index}.key`);
    const cached = await readCache(cachePath, image, win);
    if (cached) {
      this.reused++;
      this.prev = { index, image, window: win, noise: cached.noise, steps: cached.steps };
      return cached.frame;
    }
    const lw = win.latentWidth, lh = win.latentHeight;
    let noise = new SeededRandom(deriveSeed(s.seed, 0x6b6579, index)).normal(4 * lw * lh);
    let latFlow: Float32Array | null = null;
    let latValid: Float32Array | null = null;
    const prev = this.prev;
    if (prev && sameGrid(prev.window, win)) {
      // F_{cur→prev}: each latent pixel of this keyframe pulls noise (and latents) from the previous one
      const { fwd, bwd } = computeFlowPair(image, prev.image);
      const valid = fbConsistency(fwd, bwd).valid;
      latFlow = flowToLatent(cropFlow(fwd, win), win.crop.w, win.crop.h, lw, lh);
      latValid = blockAllValid(valid, win);
      noise = integralNoiseWarp(prev.noise, latFlow, lw, lh, deriveSeed(s.seed, 0x77617270, index), { valid: latValid });
    }
    const fuse = s.fuseSteps > 0 && prev && latFlow && prev.steps.length > 0 ? { prev, latFlow, weight: fusionWeight(m, win, latValid!, s.fuseStrength) } : null;
    const record: Float32Array[] = [];
    const onStep = async (st: StepInfo): Promise<Float32Array | void> => {
      this.progress({ phase: 'keyframe', done: st.index + 1, total: st.total, ...(st.preview ? { preview: st.preview } : {}) });
      let out: Float32Array | undefined;
      if (fuse && st.index < Math.ceil(s.fuseSteps * st.total) && fuse.prev.steps[st.index]) {
        const { warped } = warpLatents(fuse.prev.steps[st.index], fuse.latFlow, lw, lh);
        out = fuseLatents(st.latents, warped, fuse.weight, 1);
      }
      if (s.fuseSteps > 0) record.push(new Float32Array(out ?? st.latents));
      return out;
    };
    const common = {
      prompt: s.prompt, negativePrompt: s.negativePrompt, seed: deriveSeed(s.seed, index), steps: s.steps, guidance: s.guidance,
      scheduler: s.scheduler, initNoise: noise, signal: this.signal, onStep, ...(this.model.preview ? { preview: this.model.preview } : {}),
    };
    let frame: FloatFrame;
    if (!window) {
      frame = await generateKeyframe({ ...common, pipeline: this.model.pipeline, image, mask: m, strength: s.strength, window: { resolution: s.resolution }, maskDilation: s.maskDilation, feather: s.feather });
    } else {
      // a fixed window: the same steps generateKeyframe takes, on the shared crop
      const grown = s.maskDilation > 0 ? growMask(m, s.maskDilation) : m;
      const res = await this.model.pipeline.inpaint({ ...common, image: toWindow(image, win), mask: toWindow(grown, win), strength: s.strength });
      frame = pasteFeathered(image, fromWindow(res, win), win.crop, featherWeights(grown, s.feather));
    }
    this.generated++;
    await writeCache(this.cacheDir, cachePath, frame, win, noise, record);
    this.prev = { index, image, window: win, noise, steps: record };
    return frame;
  }
}

function maskFrame(m: Mask): FloatFrame {
  const d = new Float32Array(m.width * m.height);
  for (let i = 0; i < d.length; i++) d[i] = m.data[i] ? 1 : 0;
  return { width: m.width, height: m.height, channels: 1, data: d };
}

function growMask(m: FloatFrame, r: number): FloatFrame {
  // square growth is enough here: the paste feather softens it
  const { width: w, height: h } = m;
  const tmp = new Float32Array(w * h), out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let v = 0;
    for (let dx = -r; dx <= r && !v; dx++) { const xx = x + dx; if (xx >= 0 && xx < w && m.data[y * w + xx] >= 0.5) v = 1; }
    tmp[y * w + x] = v;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let v = 0;
    for (let dy = -r; dy <= r && !v; dy++) { const yy = y + dy; if (yy >= 0 && yy < h && tmp[yy * w + x]) v = 1; }
    out[y * w + x] = v;
  }
  return { ...m, data: out };
}

function sameGrid(a: ContextWindow, b: ContextWindow): boolean {
  return a.latentWidth === b.latentWidth && a.latentHeight === b.latentHeight && a.crop.x === b.crop.x && a.crop.y === b.crop.y && a.crop.w === b.crop.w && a.crop.h === b.crop.h;
}

/** The flow inside the window's crop, planar [2, crop.h, crop.w] (vectors in frame pixels). */
function cropFlow(f: FlowField, win: ContextWindow): Float32Array {
  const { x, y, w, h } = win.crop;
  const out = new Float32Array(2 * w * h);
  for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) {
    const p = (y + yy) * f.width + x + xx;
    out[yy * w + xx] = f.u[p];
    out[w * h + yy * w + xx] = f.v[p];
  }
  return out;
}

/** Latent pixel valid only when every frame pixel it covers passed the forward–backward check. */
function blockAllValid(valid: Mask, win: ContextWindow): Float32Array {
  const { x, y, w, h } = win.crop;
  const lw = win.latentWidth, lh = win.latentHeight;
  const out = new Float32Array(lw * lh).fill(1);
  const sx = w / lw, sy = h / lh;
  for (let ly = 0; ly < lh; ly++) for (let lx = 0; lx < lw; lx++) {
    const x0 = Math.floor(lx * sx), x1 = Math.max(x0 + 1, Math.floor((lx + 1) * sx));
    const y0 = Math.floor(ly * sy), y1 = Math.max(y0 + 1, Math.floor((ly + 1) * sy));
    search: for (let yy = y0; yy < Math.min(h, y1); yy++) for (let xx = x0; xx < Math.min(w, x1); xx++) {
      if (!valid.data[(y + yy) * valid.width + x + xx]) { out[ly * lw + lx] = 0; break search; }
    }
  }
  return out;
}

function fusionWeight(mask: FloatFrame, win: ContextWindow, valid: Float32Array, strength: number): Float32Array {
  const m = maskToLatent(toWindow(mask, win), win.latentWidth, win.latentHeight);
  const out = new Float32Array(m.length);
  for (let i = 0; i < m.length; i++) out[i] = m[i] * valid[i] * strength;
  return out;
}

async function readCache(path: string, image: FloatFrame, win: ContextWindow): Promise<{ frame: FloatFrame; noise: Float32Array; steps: Float32Array[] } | null> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    return null;
  }
  if (buf.byteLength < HEADER_WORDS * 4) return null;
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const hd = new Uint32Array(ab, 0, HEADER_WORDS);
  const [magic, W, H, C, lw, lh, nSteps, cx, cy, cw, ch] = hd;
  const lat = 4 * lw * lh;
  if (magic !== MAGIC || W !== image.width || H !== image.height || C !== image.channels || lw !== win.latentWidth || lh !== win.latentHeight) return null;
  if (cx !== win.crop.x || cy !== win.crop.y || cw !== win.crop.w || ch !== win.crop.h) return null;
  const n = W * H * C;
  if (buf.byteLength !== HEADER_WORDS * 4 + 4 * (n + lat + nSteps * lat)) return null;
  const body = new Float32Array(ab, HEADER_WORDS * 4);
  const frame: FloatFrame = { width: W, height: H, channels: C as 1 | 3 | 4, data: body.slice(0, n) };
  const noise = body.slice(n, n + lat);
  const steps = Array.from({ length: nSteps }, (_, k) => body.slice(n + lat + k * lat, n + lat + (k + 1) * lat));
  return { frame, noise, steps };
}

async function writeCache(dir: string, path: string, frame: FloatFrame, win: ContextWindow, noise: Float32Array, steps: Float32Array[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const n = frame.data.length, lat = noise.length;
  const ab = new ArrayBuffer(HEADER_WORDS * 4 + 4 * (n + lat + steps.length * lat));
  new Uint32Array(ab, 0, HEADER_WORDS).set([MAGIC, frame.width, frame.height, frame.channels, win.latentWidth, win.latentHeight, steps.length, win.crop.x, win.crop.y, win.crop.w, win.crop.h, 0]);
  const body = new Float32Array(ab, HEADER_WORDS * 4);
  body.set(frame.data, 0);
  body.set(noise, n);
  steps.forEach((st, k) => {
    if (st.length !== lat) throw new StudioError('E_INTERNAL', 'keyframe step latents of another size');
    body.set(st, n + lat + k * lat);
  });
  await writeFileAtomic(path, new Uint8Array(ab));
}
