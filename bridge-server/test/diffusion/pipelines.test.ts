import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FloatFrame } from '@synthetic-studio/shared';
import { isStudioError } from '@synthetic-studio/shared';
import { DiffusionRuntime, DiffusionPipeline, TinyAutoencoder, generateKeyframe, planKeyframe, relightFrame, SeededRandom, warpNoise, fuseLatents, processTiled, planTiles } from '../../src/diffusion/index.js';
import { fixtureDir } from './helpers.js';

const fx = fixtureDir(21);
const rt = new DiffusionRuntime({ mode: 'in-process', intraOpThreads: 1 });
after(() => rt.dispose());

/** A smooth test picture (gradients + a disc), RGB [0,1]. */
function picture(w: number, h: number, channels: 3 | 4 = 3): FloatFrame {
  const data = new Float32Array(w * h * channels);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = (y * w + x) * channels;
    const disc = (x - w / 3) ** 2 + (y - h / 2) ** 2 < (h / 4) ** 2 ? 0.3 : 0;
    data[p] = 0.2 + 0.6 * (x / w); data[p + 1] = 0.3 + 0.4 * (y / h) + disc; data[p + 2] = 0.5 - disc;
    if (channels === 4) data[p + 3] = 1;
  }
  return { width: w, height: h, channels, data };
}
function rectMask(w: number, h: number, x0: number, y0: number, x1: number, y1: number): FloatFrame {
  const data = new Float32Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * w + x] = 1;
  return { width: w, height: h, channels: 1, data };
}
const finite = (f: FloatFrame) => f.data.every((v) => Number.isFinite(v) && v >= 0 && v <= 1);

test('inpaint (9-channel) end to end at 64x64 latents: deterministic per seed, progress per step', async () => {
  const p = await DiffusionPipeline.load(fx['sd-inpaint'], rt);
  const image = picture(512, 512);
  const mask = rectMask(512, 512, 128, 128, 384, 320);
  const steps: number[] = [];
  const a = await p.inpaint({ image, mask, prompt: 'remove the person, empty street', seed: 5, steps: 3, guidance: 7.5, scheduler: 'ddim', onStep: (s) => { steps.push(s.index); assert.equal(s.latentWidth, 64); } });
  assert.deepEqual(steps, [0, 1, 2]);
  assert.equal(a.width, 512);
  assert.ok(finite(a));
  assert.equal(p.unetCalls, 3, 'CFG batches uncond+cond in one UNet call per step');
  const b = await p.inpaint({ image, mask, prompt: 'remove the person, empty street', seed: 5, steps: 3, guidance: 7.5, scheduler: 'ddim' });
  assert.deepEqual(b.data, a.data, 'same seed, same output');
  const c = await p.inpaint({ image, mask, prompt: 'remove the person, empty street', seed: 6, steps: 3, guidance: 7.5, scheduler: 'ddim' });
  assert.notDeepEqual(c.data, a.data);
  const d = await p.inpaint({ image, mask, prompt: 'a red car on a wet street at night', seed: 5, steps: 3, guidance: 7.5, scheduler: 'ddim' });
  assert.notDeepEqual(d.data, a.data, 'the prompt reaches the UNet');
});

test('4-channel inpaint blends latents: unmasked latents equal the noised image latents every step and the image latents at the end', async () => {
  const p = await DiffusionPipeline.load(fx.sd, rt);
  const image = picture(128, 128);
  const mask = rectMask(128, 128, 32, 32, 96, 96);
  const img = await p.encodeImage(image);
  let last: Float32Array | null = null;
  await p.inpaint({ image, mask, prompt: 'x', seed: 1, steps: 4, guidance: 3, scheduler: 'euler-a', onStep: (s) => { last = s.latents; } });
  const hw = 16 * 16;
  for (let c = 0; c < 4; c++) for (const [x, y] of [[0, 0], [15, 15], [2, 13]]) {
    const k = c * hw + y * 16 + x;
    assert.ok(Math.abs(last![k] - img.latents[k]) < 1e-6, `outside mask latent ${k}`);
  }
  const inside = 1 * hw + 8 * 16 + 8;
  assert.ok(Math.abs(last![inside] - img.latents[inside]) > 1e-4, 'inside the mask is generated');
});

test('CFG with identical cond/uncond outputs is invariant to the guidance scale', async () => {
  const p = await DiffusionPipeline.load(fx.sd, rt);
  const image = picture(64, 64);
  // empty prompt == empty negative → both halves identical
  const g2 = await p.img2img({ image, prompt: '', seed: 3, steps: 3, guidance: 2, scheduler: 'ddim', strength: 0.8 });
  const g9 = await p.img2img({ image, prompt: '', seed: 3, steps: 3, guidance: 9, scheduler: 'ddim', strength: 0.8 });
  for (let k = 0; k < g2.data.length; k++) assert.ok(Math.abs(g2.data[k] - g9.data[k]) < 1e-5);
});

test('img2img: strength controls how many UNet steps run; every scheduler runs', async () => {
  const p = await DiffusionPipeline.load(fx.sd, rt);
  const image = picture(64, 64);
  for (const scheduler of ['ddim', 'euler-a', 'dpm++2m', 'dpm++2m-karras', 'dpm++2m-sde-karras', 'lcm'] as const) {
    let n = 0;
    const out = await p.img2img({ image, prompt: 'golden time', seed: 2, steps: 8, strength: 0.5, guidance: 5, scheduler, onStep: () => { n++; } });
    assert.ok(finite(out), scheduler);
    assert.equal(n, scheduler === 'lcm' ? 8 : 4, scheduler);
  }
  // a very low strength keeps the picture (fixture VAE round-trips low frequencies)
  const keep = await p.img2img({ image, prompt: 'x', seed: 2, steps: 20, strength: 0.05, guidance: 1, scheduler: 'ddim' });
  let err = 0;
  for (let k = 0; k < keep.data.length; k++) err += Math.abs(keep.data[k] - image.data[k]);
  assert.ok(err / keep.data.length < 0.05, `mean abs error ${err / keep.data.length}`);
});

test('IC-Light fc relight (fp16 UNet): foreground latents concatenated, light direction matters', async () => {
  const p = await DiffusionPipeline.load(fx['ic-light-fc'], rt);
  const fg = picture(64, 64);
  const alpha = rectMask(64, 64, 8, 8, 56, 56);
  const left = await p.relight({ foreground: fg, alpha, prompt: 'sunshine from window, best quality', light: 'left', seed: 12345, steps: 4, guidance: 2, scheduler: 'dpm++2m-sde-karras' });
  const right = await p.relight({ foreground: fg, alpha, prompt: 'sunshine from window, best quality', light: 'right', seed: 12345, steps: 4, guidance: 2, scheduler: 'dpm++2m-sde-karras' });
  assert.ok(finite(left));
  assert.notDeepEqual(left.data, right.data);
  // the fixture keeps most of the light image (strength 0.9 from a gradient): left side brighter with light from the left
  const side = (f: FloatFrame, x0: number) => { let s = 0; for (let y = 0; y < 64; y++) for (let x = x0; x < x0 + 8; x++) s += f.data[(y * 64 + x) * 3 + 1]; return s; };
  assert.ok(side(left, 0) - side(left, 56) > side(right, 0) - side(right, 56));
  await assert.rejects(p.img2img({ image: fg, prompt: 'x', seed: 1, steps: 2 }), (e: unknown) => isStudioError(e) && e.code === 'E_ENGINE_UNSUPPORTED');
});

test('cancellation between steps', async () => {
  const p = await DiffusionPipeline.load(fx.sd, rt);
  const ac = new AbortController();
  let seen = 0;
  await assert.rejects(
    p.img2img({ image: picture(64, 64), prompt: 'x', seed: 1, steps: 10, strength: 1, scheduler: 'ddim', signal: ac.signal, onStep: () => { if (++seen === 2) ac.abort(); } }),
    (e: unknown) => isStudioError(e) && e.code === 'E_CANCELLED',
  );
  assert.equal(seen, 2);
});

test('per-step TAESD preview decodes x0', async () => {
  const p = await DiffusionPipeline.load(fx.sd, rt);
  const taesd = await TinyAutoencoder.fromFolder(fx.taesd, rt);
  const previews: FloatFrame[] = [];
  await p.img2img({ image: picture(64, 64), prompt: 'x', seed: 1, steps: 4, strength: 1, scheduler: 'ddim', preview: { decoder: taesd, every: 2 }, onStep: (s) => { if (s.preview) previews.push(s.preview); } });
  assert.equal(previews.length, 3, 'steps 0 and 2, plus the last step');
  assert.equal(previews[0].width, 64);
  // fixture TAESD and fixture VAE share a latent space: TAESD round trip of a picture is close
  const img = picture(64, 64);
  const enc = await taesd.encode(img);
  const dec = await taesd.decode(enc.latents, enc.width, enc.height);
  const vae = await p.encodeImage(img);
  let d = 0;
  for (let k = 0; k < vae.latents.length; k++) d += Math.abs(vae.latents[k] - enc.latents[k]);
  assert.ok(d / vae.latents.length < 0.02, `latent spaces agree (${d / vae.latents.length})`);
  let e = 0;
  for (let k = 0; k < img.data.length; k++) e += Math.abs(dec.data[k] - img.data[k]);
  assert.ok(e / img.data.length < 0.05);
});

test('keyframe with mask: context window around the mask, pixels outside mask+feather bit-exact', async () => {
  const p = await DiffusionPipeline.load(fx['sd-inpaint'], rt);
  const W = 320, H = 180;
  const image = picture(W, H, 4);
  const mask = rectMask(W, H, 200, 60, 240, 100);
  const win = planKeyframe(W, H, mask, { resolution: 128 });
  assert.ok(win.crop.w <= W && win.crop.h <= H && win.width % 64 === 0 && win.height % 64 === 0);
  const windows: number[] = [];
  const out = await generateKeyframe({ pipeline: p, image, mask, prompt: 'empty street', seed: 9, steps: 2, guidance: 4, scheduler: 'ddim', window: { resolution: 128 }, feather: 6, onStep: (s) => { windows.push(s.window.crop.w); } });
  assert.equal(out.width, W);
  assert.equal(out.channels, 4);
  assert.deepEqual(windows, [win.crop.w, win.crop.w]);
  let changed = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const far = x < 200 - 4 - 6 - 1 || x >= 240 + 4 + 6 + 1 || y < 60 - 4 - 6 - 1 || y >= 100 + 4 + 6 + 1;
    for (let c = 0; c < 4; c++) {
      const k = (y * W + x) * 4 + c;
      if (far) assert.equal(out.data[k], image.data[k], `pixel ${x},${y} outside the edit changed`);
      else if (out.data[k] !== image.data[k]) changed++;
    }
  }
  assert.ok(changed > 40 * 40, 'the masked region was regenerated');
  // initNoise must fit the window's latent grid
  const noise = new SeededRandom(1).normal(4 * win.latentWidth * win.latentHeight);
  const again = await generateKeyframe({ pipeline: p, image, mask, prompt: 'empty street', seed: 9, steps: 2, guidance: 4, scheduler: 'ddim', window: { resolution: 128 }, initNoise: noise });
  assert.equal(again.width, W);
  await assert.rejects(generateKeyframe({ pipeline: p, image, mask, prompt: 'x', seed: 9, steps: 2, window: { resolution: 128 }, initNoise: new Float32Array(7) }), (e: unknown) => isStudioError(e) && e.code === 'E_VALIDATION');
});

test('temporal hooks: same noise ⇒ same frame, warped noise, latent fusion from onStep', async () => {
  const p = await DiffusionPipeline.load(fx.sd, rt);
  const image = picture(64, 64);
  const noise = new SeededRandom(77).normal(4 * 8 * 8);
  const a = await p.img2img({ image, prompt: 'x', seed: 1, steps: 3, strength: 1, scheduler: 'ddim', initNoise: noise });
  const b = await p.img2img({ image, prompt: 'x', seed: 2, steps: 3, strength: 1, scheduler: 'ddim', initNoise: noise });
  assert.deepEqual(a.data, b.data, 'initial noise decides a deterministic sampler');
  // zero flow: warped noise is the same noise; integer shift moves it
  const zero = new Float32Array(2 * 64);
  assert.deepEqual(warpNoise(noise, zero, 8, 8, 1), noise);
  const shift = new Float32Array(2 * 64).fill(0);
  shift.fill(-1, 0, 64); // cur→prev dx = −1: pixel x takes prev x−1
  const w = warpNoise(noise, shift, 8, 8, 1);
  assert.equal(w[3 * 8 + 5], noise[3 * 8 + 4]);
  assert.notEqual(w[3 * 8 + 0], noise[3 * 8 + 0], 'revealed column gets fresh noise');
  // fusion: latents returned from onStep replace the current ones (here at the last step, so the decode shows it)
  const ref = new Float32Array(4 * 64).fill(0.5);
  const m = new Float32Array(64).fill(0); m.fill(1, 0, 32); // top half of the latent grid
  const fused = await p.img2img({ image, prompt: 'x', seed: 1, steps: 3, strength: 1, scheduler: 'ddim', initNoise: noise, onStep: (s) => (s.index === s.total - 1 ? fuseLatents(s.latents, ref, m, 1) : undefined) });
  const expected = 0.5 / 0.18215 / 4 / 2 + 0.5; // fixture decoder: latent / scaling / gain, [-1,1] → [0,1]
  for (const [x, y] of [[3, 3], [40, 20], [60, 28]]) assert.ok(Math.abs(fused.data[(y * 64 + x) * 3 + 1] - expected) < 0.03, `fused pixel ${x},${y}`);
  assert.deepEqual(fused.data.subarray(48 * 64 * 3), a.data.subarray(48 * 64 * 3), 'outside the fusion mask nothing changed');
});

test('tiled processing covers large frames and blends seams; tiled relight keeps frame size', async () => {
  const img = picture(200, 130);
  const rects = planTiles(200, 130, { tile: 64, overlap: 16 });
  assert.ok(rects.length >= 8);
  const same = await processTiled(img, async (t) => t, { tile: 64, overlap: 16 });
  for (let k = 0; k < img.data.length; k++) assert.ok(Math.abs(same.data[k] - img.data[k]) < 1e-6);
  const p = await DiffusionPipeline.load(fx['ic-light-fc'], rt);
  const tiles: number[] = [];
  const out = await relightFrame({ pipeline: p, image: picture(160, 96), prompt: 'neon light, city', light: 'left', seed: 1, steps: 2, tile: { tile: 64, overlap: 16 }, onStep: (s) => { tiles.push(s.tile); } });
  assert.equal(out.width, 160);
  assert.ok(new Set(tiles).size === planTiles(160, 96, { tile: 64, overlap: 16 }).length);
  assert.ok(finite(out));
});

test('IC-Light fbc (12 channels: noisy + foreground + background) and an LCM-distilled UNet (timestep_cond, no CFG batch)', async () => {
  const { buildPipelineFolder, FIXTURE_SPECS } = await import('@synthetic-studio/models');
  const { join } = await import('node:path');
  const fbcDir = join(fx.root, 'fbc');
  buildPipelineFolder(fbcDir, { ...FIXTURE_SPECS['ic-light-fc'], inChannels: 12, precision: 'fp32' }, 3);
  const fbc = await DiffusionPipeline.load(fbcDir, rt);
  assert.equal(fbc.kind, 'ic-light-fbc');
  const fg = picture(64, 64);
  await assert.rejects(fbc.relight({ foreground: fg, prompt: 'x', seed: 1, steps: 2 }), /background/);
  const bgA = { ...fg, data: new Float32Array(fg.data.length).fill(0.2) };
  const bgB = { ...fg, data: new Float32Array(fg.data.length).fill(0.8) };
  const a = await fbc.relight({ foreground: fg, background: bgA, prompt: 'x', seed: 1, steps: 3, guidance: 7 });
  const b = await fbc.relight({ foreground: fg, background: bgB, prompt: 'x', seed: 1, steps: 3, guidance: 7 });
  assert.notDeepEqual(a.data, b.data, 'the background block reaches the UNet');

  const lcmDir = join(fx.root, 'lcm');
  buildPipelineFolder(lcmDir, { ...FIXTURE_SPECS['sd'], timestepCondDim: 32 }, 4);
  const lcm = await DiffusionPipeline.load(lcmDir, rt);
  assert.equal(lcm.model.unetInfo!.timestepCondDim, 32);
  const calls0 = lcm.unetCalls;
  const g2 = await lcm.img2img({ image: fg, prompt: 'x', seed: 1, steps: 4, strength: 1, guidance: 2, scheduler: 'lcm' });
  const g8 = await lcm.img2img({ image: fg, prompt: 'x', seed: 1, steps: 4, strength: 1, guidance: 8, scheduler: 'lcm' });
  assert.equal(lcm.unetCalls - calls0, 8, 'one B=1 call per step');
  assert.notDeepEqual(g2.data, g8.data, 'guidance goes in through timestep_cond');
});

test('IC-Light concat order: an analytic UNet that returns the channel block after the noisy latent sees the foreground latents', async () => {
  const { GraphBuilder } = await import('@synthetic-studio/models');
  const { cpSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = join(fx.root, 'ic-echo');
  cpSync(fx['ic-light-fc'], dir, { recursive: true });
  const g = new GraphBuilder('unet');
  g.input('sample', 'float32', ['batch_size', 8, 'height', 'width']);
  g.input('timestep', 'float32', []);
  g.input('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', 768]);
  g.node('Slice', ['sample', g.i64('starts', [4]), g.i64('ends', [8]), g.i64('axes', [1])], {}, ['out_sample']);
  g.output('out_sample', 'float32', ['batch_size', 4, 'height', 'width']);
  writeFileSync(join(dir, 'unet', 'model.onnx'), g.toBytes().model);
  rmSync(join(dir, 'unet', 'model.onnx_data'), { force: true });
  const p = await DiffusionPipeline.load(dir, rt);
  const fg = picture(64, 64);
  const fgLat = (await p.encodeImage(fg, 'iclight')).latents;
  const noise = new SeededRandom(4).normal(4 * 64);
  const ddim = (await import('../../src/diffusion/index.js')).createScheduler('ddim', p.model.schedulerConfig);
  ddim.setTimesteps(2);
  const a = (ddim as unknown as { alphasCumprod: Float64Array }).alphasCumprod[ddim.timesteps[0]];
  let x0: Float32Array | null = null;
  await p.relight({ foreground: fg, light: 'none', prompt: 'x', seed: 1, steps: 2, guidance: 3, scheduler: 'ddim', initNoise: noise, onStep: (s) => { if (s.index === 0) x0 = s.x0; } });
  // ε = fg latents (guided: identical halves), so DDIM's x0 = (x − √(1−ᾱ)·fg)/√ᾱ with x = the initial noise
  for (let k = 0; k < noise.length; k += 17) assert.ok(Math.abs(x0![k] - (noise[k] - Math.sqrt(1 - a) * fgLat[k]) / Math.sqrt(a)) < 1e-4, `latent ${k}`);
});

test('long prompts: truncated at 75 tokens, or chunked along the sequence axis (IC-Light)', async () => {
  const p = await DiffusionPipeline.load(fx.sd, rt);
  const long = Array(100).fill('cat').join(' ');
  const t = await p.encodePrompt(long, '', true, 'truncate');
  assert.equal(t.length, 2 * 77 * 768);
  const c = await p.encodePrompt(long, 'lowres', true, 'chunk');
  assert.equal(c.length, 2 * 2 * 77 * 768, 'two chunks each; the one-chunk negative is repeated');
  // the repeated negative chunk is identical to itself
  assert.deepEqual(c.subarray(0, 77 * 768), c.subarray(77 * 768, 2 * 77 * 768));
  const out = await p.img2img({ image: picture(64, 64), prompt: long, longPrompts: 'chunk', seed: 1, steps: 2, strength: 1, scheduler: 'ddim' });
  assert.ok(finite(out));
});
