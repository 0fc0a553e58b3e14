/**
 * TAESD-style tiny autoencoders for previews and drafts: latents are already in UNet space (or a
 * fixed `latentScale` from it). Decoders with several outputs at different scales (VAElight's
 * "base + 2x/4x/8x detail" heads) are resized to 8× the latent size and summed.
 */
import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import type { DiffusionRuntime } from '../runtime/runtime.js';
import type { ModelSession } from '../runtime/types.js';
import { floatFeed, readFloat } from '../runtime/feeds.js';
import { loadModelFolder } from '../model-folder.js';
import { frameToPlanes, planesToFrame, resizePlanes, PixelRange } from './image-ops.js';

export interface TinyAutoencoderOptions {
  /** Pixel range of the encoder input and decoder output. TAESD (taesd.py): '0..1'; VAElight: '-1..1'. */
  imageRange: '0..1' | '-1..1';
  /** UNet latents = latentScale · encoder output (1 for TAESD). */
  latentScale?: number;
}

export class TinyAutoencoder {
  constructor(
    readonly encoder: ModelSession | null,
    readonly decoder: ModelSession,
    readonly options: TinyAutoencoderOptions,
  ) {}

  /** A taesd-kind model folder (vae_encoder/ + vae_decoder/, see models/ fixtures). */
  static async fromFolder(dir: string, runtime: DiffusionRuntime): Promise<TinyAutoencoder> {
    const m = await loadModelFolder(dir, runtime);
    if (m.kind !== 'taesd') throw new StudioError('E_MODEL_SIGNATURE', `${dir} is a ${m.kind} model, not a tiny autoencoder`);
    return new TinyAutoencoder(m.vaeEncoder, m.vaeDecoder, { imageRange: m.imageRange, latentScale: m.scalingFactor });
  }

  /** Any encoder/decoder file pair with one image input and one latent input. */
  static async fromFiles(runtime: DiffusionRuntime, files: { encoder?: string; decoder: string }, options: TinyAutoencoderOptions): Promise<TinyAutoencoder> {
    const decoder = await runtime.open(files.decoder);
    const encoder = files.encoder ? await runtime.open(files.encoder) : null;
    for (const s of [decoder, encoder]) {
      if (!s) continue;
      const x = s.inputs[0];
      if (s.inputs.length !== 1 || x.shape.length !== 4) throw new StudioError('E_MODEL_SIGNATURE', `${s.path}: expected one rank-4 input, found ${s.inputs.map((i) => `'${i.name}' [${i.shape.join(', ')}]`).join(', ')}`);
    }
    return new TinyAutoencoder(encoder, decoder, options);
  }

  private get scale(): number {
    return this.options.latentScale ?? 1;
  }

  /** Frame (W,H multiples of 8) → UNet-space latents [4, H/8, W/8]. */
  async encode(frame: FloatFrame): Promise<{ latents: Float32Array; width: number; height: number }> {
    if (!this.encoder) throw new StudioError('E_MODEL_MISSING', 'this tiny autoencoder has no encoder');
    const planes = frameToPlanes(frame, this.options.imageRange as PixelRange);
    const inp = this.encoder.inputs[0];
    const out = await this.encoder.run({ [inp.name]: floatFeed(inp, planes, [1, 3, frame.height, frame.width]) });
    const t = out[this.encoder.outputs[0].name];
    const data = readFloat(t, this.encoder.outputs[0].name);
    const lat = new Float32Array(4 * t.dims[2] * t.dims[3]);
    for (let k = 0; k < lat.length; k++) lat[k] = data[k] * this.scale;
    return { latents: lat, width: t.dims[3], height: t.dims[2] };
  }

  /** UNet-space latents [4,h,w] → RGB frame of 8w × 8h. */
  async decode(latents: Float32Array, w: number, h: number): Promise<FloatFrame> {
    const inp = this.decoder.inputs[0];
    const z = latents.map((v) => v / this.scale);
    const out = await this.decoder.run({ [inp.name]: floatFeed(inp, z, [1, 4, h, w]) });
    const W = 8 * w, H = 8 * h;
    const sum = new Float32Array(3 * W * H);
    for (const o of this.decoder.outputs) {
      const t = out[o.name];
      if (!t || t.dims.length !== 4 || t.dims[1] !== 3) continue;
      const [oh, ow] = [t.dims[2], t.dims[3]];
      const planes = readFloat(t, o.name).subarray(0, 3 * oh * ow);
      const r = ow === W && oh === H ? planes : resizePlanes(planes, 3, ow, oh, W, H);
      for (let k = 0; k < sum.length; k++) sum[k] += r[k];
    }
    return planesToFrame(sum, W, H, this.options.imageRange);
  }
}
