import { test } from 'node:test';
import assert from 'node:assert/strict';
import { integralNoiseWarp, warpNoise, warpLatents, flowToLatent, SeededRandom } from '../../src/diffusion/index.js';

const w = 24, h = 16, hw = w * h;
const noise = new SeededRandom(3).normal(4 * hw);

test('∫-noise: zero flow returns the same noise', () => {
  const out = integralNoiseWarp(noise, new Float32Array(2 * hw), w, h, 1, { k: 4 });
  for (let i = 0; i < out.length; i++) assert.ok(Math.abs(out[i] - noise[i]) < 1e-5, `${i}`);
});

test('∫-noise: an integer translation moves the noise exactly; revealed pixels are fresh', () => {
  const flow = new Float32Array(2 * hw);
  flow.fill(-2, 0, hw); // cur→prev dx = −2: content moved right by 2
  flow.fill(1, hw, 2 * hw); // dy = +1: content moved up by 1
  const out = integralNoiseWarp(noise, flow, w, h, 1, { k: 4 });
  for (let c = 0; c < 4; c++) for (let y = 0; y < h - 1; y++) for (let x = 2; x < w; x++) {
    assert.ok(Math.abs(out[c * hw + y * w + x] - noise[c * hw + (y + 1) * w + x - 2]) < 1e-5);
  }
  assert.notEqual(out[0], noise[0]);
});

test('∫-noise under a smooth non-rigid flow keeps unit Gaussian statistics with low neighbour correlation', () => {
  const W = 64, H = 64, n = W * H;
  const base = new SeededRandom(8).normal(4 * n);
  const flow = new Float32Array(2 * n);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    flow[y * W + x] = 1.3 * Math.sin(y / 9) + 0.37;
    flow[n + y * W + x] = 0.8 * Math.cos(x / 11) - 0.21;
  }
  const out = integralNoiseWarp(base, flow, W, H, 5, { k: 8 });
  const mean = out.reduce((s, v) => s + v, 0) / out.length;
  const v = out.reduce((s, x) => s + (x - mean) ** 2, 0) / out.length;
  let corr = 0;
  for (let c = 0; c < 4; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W - 1; x++) corr += out[c * n + y * W + x] * out[c * n + y * W + x + 1];
  corr /= 4 * H * (W - 1);
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(v - 1) < 0.1, `variance ${v}`);
  assert.ok(Math.abs(corr) < 0.1, `neighbour correlation ${corr}`);
  // versus the nearest-neighbour warp, which keeps unit variance by construction too
  const nn = warpNoise(base, flow, W, H, 5);
  const vn = nn.reduce((s, x) => s + x * x, 0) / nn.length;
  assert.ok(Math.abs(vn - 1) < 0.1);
});

test('latent warp and flow downscaling', () => {
  const W = 32, H = 16;
  const flow = new Float32Array(2 * W * H).fill(8, 0, W * H); // +8 px in x
  const lat = flowToLatent(flow, W, H, 4, 2);
  assert.deepEqual(Array.from(lat.subarray(0, 8)), Array(8).fill(1));
  const src = Float32Array.from({ length: 8 }, (_, i) => i);
  const { warped, valid } = warpLatents(src, lat, 4, 2);
  assert.deepEqual(Array.from(warped), [1, 2, 3, 0, 5, 6, 7, 0]);
  assert.deepEqual(Array.from(valid), [1, 1, 1, 0, 1, 1, 1, 0]);
});
