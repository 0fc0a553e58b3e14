/**
 * A diffusion model folder whose VAE is the real VAElight pair (../shared/data/models/vaelight):
 * the fixture's text encoder, UNet, tokenizer and scheduler, with VAElight's encoder and decoder
 * re-declared under the SD-VAE signature the pipeline loads (docs/diffusion.md §1.5), so a job
 * encodes and decodes real footage with real weights:
 * - encoder: input `input` → `sample`, output `latent` → `latent_sample` (raw SD-VAE latents, ×0.18215
 *   into UNet space by the folder's scaling_factor, as AutoencoderKL; images in −1..1 on both sides).
 * - decoder: input `latent` → `latent_sample`; its four outputs (base + 2x/4x/8x detail heads) are
 *   each resized (linear, half-pixel) to 8x the latent size and summed into `sample`, what the
 *   VAElight README and TinyAutoencoder.decode do outside the graph.
 * The graphs' own nodes and weights are untouched; the opset goes from 10 to 13 for the sizes form
 * of Resize (Conv, ConvTranspose, LeakyRelu, AveragePool and Add mean the same in both).
 */
import { cpSync, existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel, encodeModel } from '@synthetic-studio/models';

type Graph = { node: { input?: string[]; output?: string[] }[]; input: { name: string }[]; output: { name: string; type?: unknown }[]; initializer?: unknown[] };

function rename(g: Graph, from: string, to: string): void {
  for (const n of g.node) {
    n.input = n.input?.map((x) => (x === from ? to : x));
    n.output = n.output?.map((x) => (x === from ? to : x));
  }
  for (const v of [...g.input, ...g.output]) if (v.name === from) v.name = to;
}

function tensorType(dims: (string | number)[]): unknown {
  return { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } };
}

export function vaelightEncoderAsSdVae(bytes: Uint8Array): Uint8Array {
  const m = decodeModel(bytes);
  const g = m.graph as Graph;
  if (g.input.length !== 1 || g.output.length !== 1) throw new Error('VAElight encoder: expected one input and one output');
  rename(g, g.input[0].name, 'sample');
  rename(g, g.output[0].name, 'latent_sample');
  return encodeModel(m);
}

export function vaelightDecoderAsSdVae(bytes: Uint8Array): Uint8Array {
  const m = decodeModel(bytes);
  const g = m.graph as Graph;
  if (g.input.length !== 1 || g.output.length < 1) throw new Error('VAElight decoder: expected one input');
  rename(g, g.input[0].name, 'latent_sample');
  const heads = g.output.map((o) => o.name);
  const init = (name: string, values: number[]) => ({ name, dims: [values.length], dataType: 7, int64Data: values });
  g.initializer = [...(g.initializer ?? []), init('vl_i0', [0]), init('vl_i2', [2]), init('vl_i4', [4]), init('vl_8', [8])];
  const node = (opType: string, input: string[], output: string, attribute: unknown[] = []) => g.node.push({ opType, input, output: [output], name: `vl_${output}`, attribute } as never);
  // sizes = [B, 3, 8h, 8w] from the latent's shape
  node('Shape', ['latent_sample'], 'vl_shape');
  node('Slice', ['vl_shape', 'vl_i0', 'vl_i2', 'vl_i0'], 'vl_b4'); // ends at index 2: [B, 4]
  node('Slice', ['vl_shape', 'vl_i2', 'vl_i4', 'vl_i0'], 'vl_hw');
  node('Mul', ['vl_hw', 'vl_8'], 'vl_hw8');
  node('Shape', [heads[0]], 'vl_head_shape');
  node('Slice', ['vl_head_shape', 'vl_i0', 'vl_i2', 'vl_i0'], 'vl_b3');
  node('Concat', ['vl_b3', 'vl_hw8'], 'vl_sizes', [{ name: 'axis', type: 2, i: 0 }]);
  const resized = heads.map((h, k) => {
    node('Resize', [h, '', '', 'vl_sizes'], `vl_up${k}`, [
      { name: 'mode', type: 3, s: Buffer.from('linear') },
      { name: 'coordinate_transformation_mode', type: 3, s: Buffer.from('half_pixel') },
    ]);
    return `vl_up${k}`;
  });
  node('Sum', resized, 'sample');
  g.output = [{ name: 'sample', type: tensorType(['batch_size', 3, 'sample_height', 'sample_width']) }];
  m.opsetImport = [{ domain: '', version: 13 }];
  return encodeModel(m);
}

/** The VAElight files under `<shared>/data/models/vaelight`, or null when absent. */
export function vaelightFiles(sharedData: string): { encoder: string; decoder: string } | null {
  const dir = join(sharedData, 'models', 'vaelight');
  const encoder = join(dir, 'VAEencoder.onnx'), decoder = join(dir, 'VAEpreview.onnx');
  return existsSync(encoder) && existsSync(decoder) ? { encoder, decoder } : null;
}

/** Copy pipeline folder `from` to `to` with VAElight as its VAE. Returns `to`. */
export function installVaelightPipeline(from: string, to: string, files: { encoder: string; decoder: string }): string {
  cpSync(from, to, { recursive: true });
  for (const [sub, bytes] of [
    ['vae_encoder', vaelightEncoderAsSdVae(readFileSync(files.encoder))],
    ['vae_decoder', vaelightDecoderAsSdVae(readFileSync(files.decoder))],
  ] as const) {
    for (const f of readdirSync(join(to, sub))) if (f !== 'config.json') unlinkSync(join(to, sub, f));
    writeFileSync(join(to, sub, 'model.onnx'), bytes);
  }
  return to;
}
