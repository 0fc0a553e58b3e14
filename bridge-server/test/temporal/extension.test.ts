import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FloatFrame } from '@synthetic-studio/shared';
import { canvasForAspect, canvasForSize, createMask, extrapolateVideo, outpaintVideo, psnr, seamChange } from '../../src/temporal/index.js';
import { makeFrame, texture } from './helpers.js';

const W = 80, H = 48;
/** Camera pans right 2 px/frame over a large textured world. */
const world = (t: number, ox = 0, oy = 0, w = W, h = H) => makeFrame(w, h, (x, y, k) => texture(x - ox + 2 * t, y - oy + 0.5 * t, k));

test('canvas maths: aspect grows one side, size keeps the source, anchors', () => {
  assert.deepEqual(canvasForAspect(1920, 1080, 4 / 3), { width: 1920, height: 1440, x: 0, y: 180 });
  assert.deepEqual(canvasForAspect(1920, 1080, 2.39, 'left'), { width: 2582, height: 1080, x: 0, y: 0 });
  assert.deepEqual(canvasForSize(100, 50, 120, 60, 'bottom-right'), { width: 120, height: 60, x: 20, y: 10 });
  assert.throws(() => canvasForSize(100, 50, 90, 60), (e: { code?: string }) => e.code === 'E_VALIDATION');
});

test('spatial extension: source pixels bit-exact, revealed border matches what other frames saw', async () => {
  const N = 10;
  const frames = Array.from({ length: N }, (_, t) => world(t));
  const p = canvasForSize(W, H, W + 16, H, 'left'); // 16 new columns on the right
  const out: FloatFrame[] = [];
  const sum = await outpaintVideo({ length: N, frame: (i) => frames[i] }, p, {}, (i, f) => { out[i] = f; });
  assert.equal(out.length, N);
  for (let t = 0; t < N; t++) {
    assert.equal(out[t].width, W + 16);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let k = 0; k < 3; k++) {
      if (out[t].data[(y * (W + 16) + x) * 3 + k] !== frames[t].data[(y * W + x) * 3 + k]) assert.fail(`source pixel changed at ${x},${y} frame ${t}`);
    }
  }
  // the camera pans right, so the right border of early frames was seen by later frames
  const region = createMask(W + 16, H);
  for (let y = 4; y < H - 4; y++) for (let x = W; x < W + 16; x++) region.data[y * (W + 16) + x] = 1;
  const truth0 = world(0, 0, 0, W + 16, H);
  const p0 = psnr(out[0], truth0, region);
  assert.ok(p0 > 28, `frame 0 revealed border PSNR ${p0.toFixed(1)}`);
  assert.ok(sum.frames === N);
});

test('temporal extension: continues the camera motion with an invisible seam; deterministic', async () => {
  const tail = Array.from({ length: 6 }, (_, t) => world(t));
  const out: FloatFrame[] = [];
  await extrapolateVideo(tail, 5, {}, (i, f) => { out[i] = f; });
  assert.equal(out.length, 5);
  // the first new frame is the world one step further along
  const truth = world(6);
  const inner = createMask(W, H);
  for (let y = 4; y < H - 4; y++) for (let x = 4; x < W - 8; x++) inner.data[y * W + x] = 1;
  const p = psnr(out[0], truth, inner);
  assert.ok(p > 30, `first new frame PSNR ${p.toFixed(1)}`);
  const seam = seamChange(tail, out[0]);
  assert.ok(seam <= 1.5, `seam change ${seam.toFixed(2)}`);
  const again: FloatFrame[] = [];
  await extrapolateVideo(tail, 5, {}, (i, f) => { again[i] = f; });
  for (let i = 0; i < 5; i++) assert.deepEqual(again[i].data, out[i].data);
  await assert.rejects(extrapolateVideo([tail[0]], 3, {}, () => {}), (e: { code?: string }) => e.code === 'E_RANGE');
});
