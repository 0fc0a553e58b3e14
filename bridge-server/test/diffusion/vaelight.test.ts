import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FloatFrame } from '@synthetic-studio/shared';
import { DiffusionRuntime, TinyAutoencoder, resizeFrame } from '../../src/diffusion/index.js';
import { sharedDataDir } from './helpers.js';

const data = sharedDataDir();
const vae = data ? join(data, 'models', 'vaelight') : '';
const frame = data ? join(data, 'sequences', 'bmx-trees', 'frames', '00000.jpg') : '';
const skip = !data || !existsSync(join(vae, 'VAEencoder.onnx')) || !existsSync(frame) ? 'shared data (vaelight + bmx-trees) not present' : false;

async function load(path: string): Promise<FloatFrame> {
  const { data: px, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: Float32Array.from(px, (v) => v / 255) };
}
function psnr(a: FloatFrame, b: FloatFrame): number {
  let se = 0;
  for (let k = 0; k < a.data.length; k++) se += (a.data[k] - b.data[k]) ** 2;
  return 10 * Math.log10(1 / (se / a.data.length));
}

test('real weights: VAElight encodes a real frame to SD latents and decodes it back', { skip }, async () => {
  const rt = new DiffusionRuntime({ mode: 'worker', intraOpThreads: 1 });
  after(() => rt.dispose());
  const ae = await TinyAutoencoder.fromFiles(rt, { encoder: join(vae, 'VAEencoder.onnx'), decoder: join(vae, 'VAEpreview.onnx') }, { imageRange: '-1..1', latentScale: 0.18215 });
  // VAElight's `latent` is the raw SD-VAE latent (std ≈ 5); UNet space is ×0.18215 like AutoencoderKL
  const img = await load(frame); // 432x240: both multiples of 8
  const enc = await ae.encode(img);
  assert.deepEqual([enc.width, enc.height], [54, 30]);
  const mean = enc.latents.reduce((s, v) => s + v, 0) / enc.latents.length;
  const std = Math.sqrt(enc.latents.reduce((s, v) => s + (v - mean) ** 2, 0) / enc.latents.length);
  const dec = await ae.decode(enc.latents, enc.width, enc.height);
  assert.deepEqual([dec.width, dec.height], [432, 240]);
  const q = psnr(dec, img);
  // baseline: what survives an 8x down/up-sampling alone (the information a latent grid could carry trivially)
  const base = psnr(resizeFrame(resizeFrame(img, 54, 30), 432, 240), img);
  console.log(`vaelight: latent mean ${mean.toFixed(3)} std ${std.toFixed(3)}; PSNR ${q.toFixed(2)} dB vs 8x resample ${base.toFixed(2)} dB`);
  assert.ok(std > 0.5 && std < 1.5, `UNet-space latent std ${std} (SD-1.5 latents are ≈ unit variance)`);
  assert.ok(q > 20, `round-trip PSNR ${q}`);
});

test('real weights: VAElight imported as a model folder matches its manifest hashes and loads as a tiny autoencoder', { skip }, async () => {
  const { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { ModelStore, findManifest, loadManifests } = await import('@synthetic-studio/models');
  const { validateModelFolder } = await import('../../src/diffusion/index.js');
  const tmp = mkdtempSync(join(tmpdir(), 'ss-vaelight-'));
  try {
    const src = join(tmp, 'vaelight');
    mkdirSync(join(src, 'vae_encoder'), { recursive: true });
    mkdirSync(join(src, 'vae_decoder'), { recursive: true });
    copyFileSync(join(vae, 'VAEencoder.onnx'), join(src, 'vae_encoder', 'model.onnx'));
    copyFileSync(join(vae, 'VAEpreview.onnx'), join(src, 'vae_decoder', 'model.onnx'));
    const m = findManifest('vaelight', loadManifests())!;
    for (const [rel, obj] of Object.entries(m.configs ?? {})) writeFileSync(join(src, rel), JSON.stringify(obj));
    const rt = new DiffusionRuntime({ mode: 'in-process', intraOpThreads: 1 });
    const store = new ModelStore(join(tmp, 'models'));
    const rec = await store.importFolder(src, (d) => validateModelFolder(d, rt));
    assert.equal(rec.kind, 'taesd');
    const v = await store.verifyFiles(store.dirOf('vaelight'));
    assert.deepEqual(v.problems, []);
    assert.ok(v.checked >= 2, 'manifest sha256 values checked');
    const ae = await TinyAutoencoder.fromFolder(store.dirOf('vaelight'), rt);
    assert.equal(ae.options.imageRange, '-1..1');
    assert.equal(ae.options.latentScale, 0.18215);
    const img = resizeFrame(await load(frame), 128, 64);
    const enc = await ae.encode(img);
    const dec = await ae.decode(enc.latents, enc.width, enc.height);
    const q = psnr(dec, img);
    assert.ok(q > 15, `PSNR ${q}`);
    await rt.dispose();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
