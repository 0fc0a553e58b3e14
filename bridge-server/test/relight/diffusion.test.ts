import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FloatFrame } from '@synthetic-studio/shared';
import { buildFixtures } from '@synthetic-studio/models';
import { DiffusionPipeline, DiffusionRuntime } from '../../src/diffusion/index.js';
import {
  applyRatio, icLightDirection, keyframeIndices, keyframeRatio, parseLightSpec, propagateKeyRatios, rigPrompt, temporalEnginePort,
  type KeyframeRelightOptions, type RatioMap,
} from '../../src/relight/index.js';

const root = mkdtempSync(join(tmpdir(), 'ss-relight-diff-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const fixture = buildFixtures(root, { seed: 77, only: ['ic-light-fc'] })['ic-light-fc'];
const runtime = new DiffusionRuntime({ mode: 'in-process' });

const W = 96, H = 64;
/** A textured picture whose content moves right by `t` px. */
function picture(t: number): FloatFrame {
  const d = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const u = x - t;
    const o = (y * W + x) * 3;
    d[o] = 0.45 + 0.25 * Math.sin(u / 5) * Math.cos(y / 7);
    d[o + 1] = 0.4 + 0.2 * Math.sin((u + y) / 9);
    d[o + 2] = 0.35 + 0.2 * Math.cos(u / 11 - y / 13);
  }
  return { width: W, height: H, channels: 3, data: d };
}

const srgbToLinear = (f: FloatFrame): FloatFrame => ({ ...f, data: f.data.map((v) => (v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))) });

function options(seed: number): KeyframeRelightOptions {
  const rig = parseLightSpec('key:az=-70,el=20,k=3200');
  return {
    prompt: rigPrompt(rig), seed, steps: 2, guidance: 2, light: icLightDirection(rig),
    modelWidth: 64, modelHeight: 64, ratioWidth: W, ratioHeight: H, toLinear: srgbToLinear,
  };
}

test('IC-Light fixture: keyframe ratio is deterministic by seed and differs between seeds', async () => {
  const p = await DiffusionPipeline.load(fixture, runtime);
  const o = options(5);
  assert.equal(o.light, 'left');
  assert.match(o.prompt, /warm light from the left/);
  const a = await keyframeRatio(p, picture(0), o);
  const b = await keyframeRatio(p, picture(0), o);
  const c = await keyframeRatio(p, picture(0), options(6));
  assert.equal(a.width, W);
  assert.equal(a.height, H);
  assert.deepEqual(a.data, b.data, 'same seed → identical ratio');
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) diff = Math.max(diff, Math.abs(a.data[i] - c.data[i]));
  assert.ok(diff > 1e-3, `another seed changes the result (max diff ${diff})`);
  assert.ok(a.data.every((v) => Number.isFinite(v) && v > 0));
});

test('diffusion relight end to end on the IC-Light fixture: keyframes only, ratios carried along the flow', async () => {
  const p = await DiffusionPipeline.load(fixture, runtime);
  const port = temporalEnginePort();
  const frames = Array.from({ length: 17 }, (_, t) => picture(t));
  const keys = keyframeIndices(frames.length, 8);
  assert.deepEqual(keys, [0, 8, 16]);
  const before = p.unetCalls;
  const keyRatios = new Map<number, RatioMap>();
  for (const k of keys) keyRatios.set(k, await keyframeRatio(p, frames[k], options(9)));
  const unetCalls = p.unetCalls - before;
  const out: FloatFrame[] = [];
  for (let g = 0; g < keys.length - 1; g++) {
    const [a, b] = [keys[g], keys[g + 1]];
    const ratios = propagateKeyRatios(port, frames.slice(a, b + 1), keyRatios.get(a)!, keyRatios.get(b)!);
    for (let k = 0; k < ratios.length - (g < keys.length - 2 ? 1 : 0); k++) out.push(applyRatio(srgbToLinear(frames[a + k]), ratios[k]));
  }
  assert.equal(out.length, frames.length);
  // Diffusion ran on keyframes only: 3 IC-Light runs for 17 frames.
  assert.ok(keys.length / frames.length <= 0.2, `keyframes per frame ${keys.length / frames.length}`);
  assert.ok(unetCalls > 0 && unetCalls <= keys.length * 3, `UNet calls ${unetCalls}`);
  // The carried ratio moves with the content: carried forward (measured flow), frame 4's ratio is
  // frame 3's shifted by one pixel (compared away from the borders).
  const r3 = propagateKeyRatios(temporalEnginePort(), frames.slice(0, 9), keyRatios.get(0)!);
  let shiftErr = 0, sameErr = 0, n = 0;
  for (let y = 8; y < H - 8; y++) for (let x = 12; x < W - 12; x++) {
    for (let c = 0; c < 3; c++) {
      const v4 = Math.log(r3[4].data[(y * W + x) * 3 + c]);
      shiftErr += Math.abs(v4 - Math.log(r3[3].data[(y * W + x - 1) * 3 + c]));
      sameErr += Math.abs(v4 - Math.log(r3[3].data[(y * W + x) * 3 + c]));
      n++;
    }
  }
  assert.ok(shiftErr < 0.5 * sameErr, `ratio follows the motion: shifted ${(shiftErr / n).toFixed(5)} vs in place ${(sameErr / n).toFixed(5)}`);
  // Deterministic by seed end to end.
  const again = await keyframeRatio(p, frames[8], options(9));
  assert.deepEqual(again.data, keyRatios.get(8)!.data);
});
