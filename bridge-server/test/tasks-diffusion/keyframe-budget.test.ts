import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtures } from '@synthetic-studio/models';
import type { FloatFrame } from '@synthetic-studio/shared';
import { readFrames, renderSampleScene } from '../../src/media/index.js';
import { completeWithDiffusion, type DiffusionCompletionOptions } from '../../src/tasks/diffusion-completion.js';
import { KeyframeGenerator } from '../../src/tasks/diffusion-keyframes.js';
import { openDiffusionModel } from '../../src/tasks/diffusion-model.js';
import { createMask, maskArea, type Mask } from '../../src/temporal/index.js';

// The keyframe budget of the diffusion completion: keyframes go where propagation leaves holes,
// at most keyframeFraction of a window's frames (≥ 1), and what no keyframe reached is counted
// (residualPixels) and filled by the classical synthesis: no hole pixel is left unfilled.

const root = mkdtempSync(join(tmpdir(), 'ss-keyframe-budget-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const modelsDir = join(root, 'models');
buildFixtures(modelsDir, { seed: 31, only: ['sd-inpaint'] });
const W = 96, H = 64, N = 10;

test('diffusion completion: keyframes within the per-window budget, the rest counted and filled by the classical synthesis', async () => {
  const meta = await renderSampleScene({ dir: join(root, 'scene'), width: W, height: H, frames: N, fps: { num: 25, den: 1 } });
  const frames: FloatFrame[] = [];
  for await (const { frame } of readFrames(join(root, 'scene', meta.clip), { channels: 3 })) frames.push(frame);
  // held strips along the left and right borders: the camera pans right 1 px per frame, so what
  // the left strip hides at the start and the right strip hides at the end no frame shows, and
  // no single keyframe reaches both
  const hole = createMask(W, H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (x < 12 || x >= W - 12) hole.data[y * W + x] = 1;
  // the hole's pixels set to −1, a value no fill produces: a pixel nothing filled would keep it
  const holed = frames.map((f) => {
    const d = new Float32Array(f.data);
    for (let p = 0; p < W * H; p++) if (hole.data[p]) d.fill(-1, p * 3, p * 3 + 3);
    return { ...f, data: d };
  });
  const model = await openDiffusionModel({ task: 'inpaint', model: 'sd-inpaint', env: { modelsDir, maxPixels: 1e8, executionProviders: ['cpu'] }, kinds: ['sd-inpaint'], need: 'an inpainting model', mode: 'in-process', previews: false });
  try {
    const run = async (opts: Partial<DiffusionCompletionOptions>, work: string) => {
      const keys = new KeyframeGenerator(model, { prompt: '', seed: 1, steps: 2, strength: 1, guidance: 7.5, scheduler: 'dpm++2m-karras', feather: 4, maskDilation: 2, resolution: 512, fuseSteps: 0, fuseStrength: 0 }, join(root, work), new AbortController().signal, () => undefined);
      const out: FloatFrame[] = [];
      const summary = await completeWithDiffusion({ length: N, frame: (i) => holed[i], hole: (): Mask => ({ ...hole, data: new Uint8Array(hole.data) }) }, { keyframe: (i, img, r) => keys.generate(i, img, r), seed: 1, windowSize: N, ...opts }, (i, f) => { out[i] = f; });
      return { summary, out };
    };
    const one = await run({ keyframeFraction: 0.05 }, 'k1');
    const many = await run({ keyframeFraction: 1, maxKeyframes: 4 }, 'k4');
    assert.ok(one.summary.unseenPixels > 0, 'the held hole has pixels no frame shows');
    assert.equal(one.summary.keyframes.length, 1, 'fraction 0.05 of 10 frames: one keyframe');
    assert.ok(many.summary.keyframes.length > 1 && many.summary.keyframes.length <= 4, `keyframes ${many.summary.keyframes}`);
    assert.equal(new Set(many.summary.keyframes).size, many.summary.keyframes.length, 'a frame is diffused once');
    assert.ok(one.summary.residualPixels > 0 && one.summary.residualPixels < one.summary.unseenPixels, `residual ${one.summary.residualPixels} of ${one.summary.unseenPixels}`);
    assert.ok(many.summary.residualPixels < one.summary.residualPixels, `more keyframes leave less to the classical synthesis: ${many.summary.residualPixels} vs ${one.summary.residualPixels}`);
    // no unfilled pixel: every hole pixel of every frame was given a colour
    for (const { out } of [one, many]) {
      assert.equal(out.length, N);
      for (let k = 0; k < N; k++) {
        let bad = 0;
        for (let p = 0; p < W * H; p++) if (hole.data[p] && !out[k].data.slice(p * 3, p * 3 + 3).every((v) => Number.isFinite(v) && v > -0.5)) bad++;
        assert.equal(bad, 0, `frame ${k}: ${bad} hole pixels unfilled`);
      }
    }
    console.log(`keyframe budget: 1 keyframe leaves ${one.summary.residualPixels} of ${one.summary.unseenPixels} unseen px to the classical synthesis, ${many.summary.keyframes.length} leave ${many.summary.residualPixels} (hole ${maskArea(hole) * N} px)`);
  } finally {
    await model.close();
  }
});
