import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { FloatFrame } from '@synthetic-studio/shared';
import { classicalRatio, ClassicalRelighter, compositeMatte, parseLightSpec, scaleFrame, SubjectSegmenter } from '../../src/relight/index.js';

const SHARED = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared');
const SELFIE = join(SHARED, 'data/models/selfie-segmentation/selfie_segmentation_landscape.onnx');
const TENNIS = join(SHARED, 'data/sequences/tennis');

function texture(W: number, H: number): FloatFrame {
  const d = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const o = (y * W + x) * 3;
    d[o] = 0.2 + 0.15 * Math.sin(x / 3) + 0.1 * Math.cos(y / 4);
    d[o + 1] = 0.3 + 0.1 * Math.sin((x + y) / 5);
    d[o + 2] = 1.7 + 0.2 * Math.cos(x / 7); // HDR: above 1 on purpose
  }
  return { width: W, height: H, channels: 3, data: d };
}

test('background keep: pixels outside the matte are bit-identical; inside they are relit; HDR is not clipped', () => {
  const W = 80, H = 48;
  const src = texture(W, H);
  const matte = new Float32Array(W * H);
  for (let y = 10; y < 38; y++) for (let x = 20; x < 60; x++) matte[y * W + x] = x < 24 ? (x - 19) / 5 : 1; // soft left edge
  const relit = new ClassicalRelighter({ rig: parseLightSpec('preset:golden-hour') }).relight(src, { matte });
  const out = compositeMatte(relit, src, matte);
  let outsideDiff = 0, insideChanged = 0, inside = 0;
  for (let i = 0; i < W * H; i++) {
    for (let c = 0; c < 3; c++) {
      const o = i * 3 + c;
      if (matte[i] === 0 && !Object.is(out.data[o], src.data[o])) outsideDiff++;
      if (matte[i] === 1) {
        inside++;
        if (Math.abs(out.data[o] - src.data[o]) > 1e-3) insideChanged++;
      }
    }
  }
  assert.equal(outsideDiff, 0, 'untouched outside the matte');
  assert.ok(insideChanged > 0.8 * inside, `relit inside: ${insideChanged}/${inside}`);
  assert.ok(Math.max(...out.data.filter((_, k) => k % 3 === 2)) > 1.5, 'values above 1 survive');
  // Dim: the background is scaled, the subject is the relit one.
  const dimmed = compositeMatte(relit, scaleFrame(src, 0.5), matte);
  const far = 2 * W + 2;
  assert.ok(Math.abs(dimmed.data[far * 3] - 0.5 * src.data[far * 3]) < 1e-7);
  const mid = 24 * W + 40;
  assert.equal(dimmed.data[mid * 3 + 1], relit.data[mid * 3 + 1]);
});

test('a subject matte inflates the silhouette: a rim light from behind right lights the right edge of the subject', () => {
  const W = 120, H = 90, R = 30;
  const flat: FloatFrame = { width: W, height: H, channels: 3, data: new Float32Array(W * H * 3).fill(0.3) };
  const matte = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - 60) ** 2 + (y - 45) ** 2 < R * R) matte[y * W + x] = 1;
  const rig = parseLightSpec('rim:az=150,el=0,rgb=0.3/0.5/1.5,i=2,s=0;ambient:i=0.5');
  const { ratio } = classicalRatio(flat, { rig, source: 'neutral' }, { matte });
  const blue = (x: number) => ratio.data[(45 * W + x) * 3 + 2];
  assert.ok(blue(60 + R - 2) > 1.6 * blue(60), `right edge ${blue(60 + R - 2).toFixed(2)} vs centre ${blue(60).toFixed(2)}`);
  assert.ok(blue(60 + R - 2) > 1.6 * blue(60 - R + 2), `right edge vs left edge ${blue(60 - R + 2).toFixed(2)}`);
  // Without a matte a flat plate has no relief: the rim light cannot reach it.
  const none = classicalRatio(flat, { rig, source: 'neutral' }).ratio;
  assert.ok(Math.abs(none.data[(45 * W + 60 + R - 2) * 3 + 2] - none.data[(45 * W + 60) * 3 + 2]) < 1e-3);
});

test('a subject matte also domes the subject: a side key lights the near half and leaves the far half darker', () => {
  const W = 160, H = 120, R = 45;
  const flat: FloatFrame = { width: W, height: H, channels: 3, data: new Float32Array(W * H * 3).fill(0.3) };
  const matte = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - 80) ** 2 + (y - 60) ** 2 < R * R) matte[y * W + x] = 1;
  const { ratio } = classicalRatio(flat, { rig: parseLightSpec('key:az=-80,el=10,k=5600,i=1.4,s=0;ambient:i=0.1'), source: 'neutral' }, { matte });
  const mean = (x0: number, x1: number) => {
    let s = 0, n = 0;
    for (let y = 50; y < 70; y++) for (let x = x0; x < x1; x++) { s += ratio.data[(y * W + x) * 3 + 1]; n++; }
    return s / n;
  };
  const left = mean(80 - 30, 80 - 15), right = mean(80 + 15, 80 + 30);
  assert.ok(left > 1.5 * right, `lit side ${left.toFixed(2)} vs far side ${right.toFixed(2)}`);
});

async function readPng(path: string): Promise<FloatFrame> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const f = new Float32Array(data.length);
  for (let i = 0; i < f.length; i++) f[i] = data[i] / 255;
  return { width: info.width, height: info.height, channels: 3, data: f };
}

test('automatic subject matte: the real MediaPipe selfie model finds the tennis player', { skip: !existsSync(SELFIE) || !existsSync(TENNIS) ? 'shared data absent' : false }, async () => {
  const seg = await SubjectSegmenter.load(SELFIE);
  try {
    const frame = await readPng(join(TENNIS, 'frames/00030.png'));
    const matte = await seg.matte(frame);
    assert.equal(matte.length, frame.width * frame.height);
    const truth = await sharp(join(TENNIS, 'masks/00030.png')).greyscale().raw().toBuffer();
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < matte.length; i++) {
      const a = matte[i] > 0.5, b = truth[i] > 127;
      if (a && b) tp++;
      else if (a) fp++;
      else if (b) fn++;
    }
    const precision = tp / (tp + fp), recall = tp / (tp + fn);
    // The reference mask also holds the player's shadow on the court, which a person segmenter
    // rightly leaves out, so recall is partial; what it marks must be the player.
    assert.ok(precision > 0.7, `precision ${precision.toFixed(3)}`);
    assert.ok(recall > 0.25, `recall ${recall.toFixed(3)}`);
    const area = (tp + fp) / matte.length;
    assert.ok(area > 0.01 && area < 0.2, `matte area ${area.toFixed(3)}`);
  } finally {
    await seg.close();
  }
});

test('a missing segmentation model is E_MODEL_MISSING', async () => {
  await assert.rejects(SubjectSegmenter.load('/nonexistent/model.onnx'), (e: { code?: string }) => e.code === 'E_MODEL_MISSING');
});
