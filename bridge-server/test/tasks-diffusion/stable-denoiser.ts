import { cpSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder, SD15_SCHEDULER_CONFIG } from '@synthetic-studio/models';

/**
 * A UNet with the real 4-channel SD signature whose answer is deterministic and stable: its clean
 * latent estimate is the 5x5 box blur of the noisy latent (scaled by 1/√ᾱ_t), i.e.
 * ε = (x − blur(x)) / √(1 − ᾱ_t). Unlike the random-weight fixture (which barely denoises, so the
 * sampler's noise stays in the picture) it removes the noise's fine grain the way a trained model
 * would, so what changes from frame to frame in its output comes from the method around it
 * (noise per frame, strength, fusion), not from the weights. The prompt is ignored.
 */
export function stableDenoiserUnet(): Uint8Array {
  const g = new GraphBuilder('unet');
  const x = g.input('sample', 'float32', ['batch', 'channels', 'height', 'width']);
  // the pipeline feeds one timestep for the whole (CFG) batch
  const t = g.input('timestep', 'float32', ['timestep_batch']);
  const ehs = g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', 768]);
  const { beta_start: b0, beta_end: b1, num_train_timesteps: T } = SD15_SCHEDULER_CONFIG;
  const inv = new Float32Array(T);
  let alphaBar = 1;
  for (let i = 0; i < T; i++) {
    const beta = (Math.sqrt(b0) + ((Math.sqrt(b1) - Math.sqrt(b0)) * i) / (T - 1)) ** 2; // scaled_linear
    alphaBar *= 1 - beta;
    inv[i] = 1 / Math.sqrt(1 - alphaBar);
  }
  const scale = g.node('Reshape', [g.node('Gather', [g.f32('inv_sigma', [T], inv), g.node('Cast', [t], { to: 7 })], { axis: 0 }), g.i64('shape', [-1, 1, 1, 1])]);
  const blur = g.node('AveragePool', [x], { kernel_shape: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2], count_include_pad: 0 });
  // the text input is read (so the graph uses every input) and contributes 0
  const text = g.node('Reshape', [g.node('Mul', [g.node('ReduceMean', [ehs], { axes: [1, 2], keepdims: 0 }), g.f32('zero', [], [0])]), g.i64('shape', [-1, 1, 1, 1])]);
  g.node('Add', [g.node('Mul', [g.node('Sub', [x, blur]), scale]), text], {}, ['out_sample']);
  g.output('out_sample', 'float32', ['batch', 4, 'height', 'width']);
  return g.toBytes().model;
}

/** A copy of the `sd` fixture folder `from` at `to` with the stable denoiser as its UNet. */
export function installStableDenoiser(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  for (const f of readdirSync(join(to, 'unet'))) unlinkSync(join(to, 'unet', f));
  writeFileSync(join(to, 'unet', 'model.onnx'), stableDenoiserUnet());
  return to;
}
