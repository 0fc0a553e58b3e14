import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtures } from '@synthetic-studio/models';
import { isStudioError, parseJobRequest, type RequestOf } from '@synthetic-studio/shared';
import { frameToUint16, renderSampleScene } from '../../src/media/index.js';
import { extendTask } from '../../src/tasks/extend.js';
import { inpaintTask } from '../../src/tasks/inpaint.js';
import type { TaskResult } from '../../src/tasks/task.js';
import { decodeAll, sequenceSamples, taskContext } from '../media/helpers.js';

// The diffusion extend honours its request: the user's dilate/feather shape the outpainted border
// like inpaint's (FeatheredFill), and scheduler/steps/strength/guidance are the request's.

const root = mkdtempSync(join(tmpdir(), 'ss-extend-params-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const modelsDir = join(root, 'models');
buildFixtures(modelsDir, { seed: 31, only: ['sd', 'sd-inpaint'] });
const W = 96, H = 64, N = 4, CW = 128, X0 = (CW - W) / 2;
const scene = renderSampleScene({ dir: join(root, 'scene'), width: W, height: H, frames: N, fps: { num: 25, den: 1 } });

async function spatial(params: Record<string, unknown>, work: string): Promise<{ r: TaskResult; frames: Uint16Array[]; sidecar: { params: Record<string, unknown> } }> {
  const meta = await scene;
  const r = await extendTask.run(taskContext<RequestOf<'extend'>>({
    task: 'extend', engine: 'diffusion', model: 'sd-inpaint', seed: 2, source: { path: join(root, 'scene', meta.clip), in: 0, out: N },
    params: { mode: 'spatial', size: { width: CW, height: H }, anchor: 'center', steps: 3, ...params }, output: { format: 'png16', dir: join(root, `out-${work}`) },
  }, join(root, work), undefined, { modelsDir }));
  return { r, frames: await sequenceSamples(r.outputs[0].path), sidecar: JSON.parse(await readFile(r.outputs[0].sidecar!, 'utf8')) };
}

/** Distance (px) of canvas column x to the new border (0 in the border; the border is whole columns here). */
const borderDistance = (x: number) => (x < X0 || x >= X0 + W ? 0 : Math.min(x - X0 + 1, X0 + W - x));

test('extend spatial (diffusion): dilate and feather shape the border like inpaint; beyond them the source is bit-exact, the feather changes the transition band', async () => {
  const meta = await scene;
  const src = (await decodeAll(join(root, 'scene', meta.clip))).map((f) => frameToUint16(f, 3));
  const D = 2;
  const narrow = await spatial({ dilate: D, feather: 1 }, 'f1');
  const wide = await spatial({ dilate: D, feather: 4 }, 'f4');
  assert.equal(narrow.r.outputs[0].width, CW);
  assert.ok(narrow.r.metrics.keyframes >= 1, 'the never-seen border is invented on a keyframe');
  // per distance to the border: samples that differ from the source (each run) and between the runs
  const changed = (frames: Uint16Array[]) => {
    const byDist = new Array(12).fill(0);
    for (let k = 0; k < N; k++) for (let y = 0; y < H; y++) for (let x = X0; x < X0 + W; x++) {
      const d = Math.min(11, borderDistance(x));
      for (let c = 0; c < 3; c++) if (frames[k][(y * CW + x) * 3 + c] !== src[k][(y * W + x - X0) * 3 + c]) byDist[d]++;
    }
    return byDist;
  };
  const cn = changed(narrow.frames), cw = changed(wide.frames);
  // beyond dilate + feather: bit-exact
  for (let d = D + 1 + 1; d < 12; d++) assert.equal(cn[d], 0, `feather 1: ${cn[d]} samples changed at distance ${d} > dilate + feather`);
  for (let d = D + 4 + 1; d < 12; d++) assert.equal(cw[d], 0, `feather 4: ${cw[d]} samples changed at distance ${d} > dilate + feather`);
  // inside the dilated border the picture was re-made
  for (let d = 1; d <= D; d++) assert.ok(cn[d] > 0 && cw[d] > 0, `distance ${d} (inside the dilated border) not filled: ${cn[d]}, ${cw[d]}`);
  // the wider feather blends further into the picture
  const wideOnly = cw.slice(D + 2, D + 5).reduce((a, b) => a + b, 0);
  assert.ok(wideOnly > 0, `feather 4 changed nothing at distances ${D + 2}..${D + 4}`);
  let bandDiffers = 0;
  for (let k = 0; k < N; k++) for (let y = 0; y < H; y++) for (let x = X0; x < X0 + W; x++) {
    const d = borderDistance(x);
    if (d === D + 1) for (let c = 0; c < 3; c++) if (narrow.frames[k][(y * CW + x) * 3 + c] !== wide.frames[k][(y * CW + x) * 3 + c]) bandDiffers++;
  }
  assert.ok(bandDiffers > 0, 'the first band column is the same with feather 1 and 4');
  assert.equal(narrow.sidecar.params.feather, 1);
  assert.equal(narrow.sidecar.params.dilate, D);
  console.log(`extend spatial feather: changed samples by distance ${D + 1}..${D + 5}: feather 1 [${cn.slice(D + 1, D + 6)}], feather 4 [${cw.slice(D + 1, D + 6)}]`);
});

test('extend spatial (diffusion): scheduler, steps and strength are the request\'s, deterministic, recorded in the sidecar', async () => {
  const base = await spatial({ dilate: 0, feather: 0 }, 's-default');
  assert.equal(base.sidecar.params.scheduler, 'dpmpp-2m-karras', 'spatial default as inpaint');
  assert.equal(base.sidecar.params.strength, 1);
  const ddim = await spatial({ dilate: 0, feather: 0, scheduler: 'ddim' }, 's-ddim');
  const ddim2 = await spatial({ dilate: 0, feather: 0, scheduler: 'ddim' }, 's-ddim2');
  assert.equal(ddim.sidecar.params.scheduler, 'ddim');
  for (let k = 0; k < N; k++) assert.deepEqual(ddim2.frames[k], ddim.frames[k], `frame ${k}: ddim run not deterministic`);
  let differs = 0;
  for (let k = 0; k < N; k++) for (let i = 0; i < base.frames[k].length; i++) if (base.frames[k][i] !== ddim.frames[k][i]) differs++;
  assert.ok(differs > 0, 'another scheduler gives another border');
  // strength 0.7 of 5 steps: the inpaint runs floor(5·0.7) = 3 steps per keyframe
  const weak = await spatial({ dilate: 0, feather: 0, steps: 5, strength: 0.7, guidance: 3, negativePrompt: 'blurry' }, 's-weak');
  assert.equal(weak.r.metrics.unetCalls, weak.r.metrics.keyframes * 3, `UNet calls ${weak.r.metrics.unetCalls} for ${weak.r.metrics.keyframes} keyframes`);
  assert.equal(weak.sidecar.params.strength, 0.7);
  assert.equal(weak.sidecar.params.guidance, 3);
  assert.equal(weak.sidecar.params.negativePrompt, 'blurry');
});

test('extend temporal (diffusion): the scheduler is the request\'s (default dpmpp-2m), deterministic; refusals of schedules that run no step', async () => {
  const meta = await scene;
  const clip = join(root, 'scene', meta.clip);
  const run = async (params: Record<string, unknown>, work: string) => {
    const r = await extendTask.run(taskContext<RequestOf<'extend'>>({
      task: 'extend', engine: 'diffusion', model: 'sd', seed: 5, source: { path: clip, in: 0, out: N },
      params: { mode: 'temporal', frames: 2, steps: 6, ...params }, output: { format: 'png16', dir: join(root, `out-${work}`) },
    }, join(root, work), undefined, { modelsDir }));
    return { r, frames: await sequenceSamples(r.outputs[0].path), sidecar: JSON.parse(await readFile(r.outputs[0].sidecar!, 'utf8')) };
  };
  const dflt = await run({}, 't-default');
  assert.equal(dflt.sidecar.params.scheduler, 'dpmpp-2m');
  assert.equal(dflt.sidecar.params.strength, 0.35);
  const euler = await run({ scheduler: 'euler-a' }, 't-euler');
  const euler2 = await run({ scheduler: 'euler-a' }, 't-euler2');
  assert.equal(euler.sidecar.params.scheduler, 'euler-a');
  assert.deepEqual(euler2.frames, euler.frames, 'euler-a run not deterministic');
  assert.notDeepEqual(euler.frames, dflt.frames, 'another scheduler gives other new frames');
  // strength 0.5 of 6 steps: 3 UNet calls per new frame
  const half = await run({ strength: 0.5 }, 't-half');
  assert.equal(half.r.metrics.unetCalls, 2 * 3);

  const refused = (params: Record<string, unknown>, field: string) => {
    const req = parseJobRequest({ task: 'extend', engine: 'diffusion', model: 'sd', source: { path: clip }, params }) as RequestOf<'extend'>;
    assert.throws(() => extendTask.validate!(req), (e: unknown) => isStudioError(e) && e.code === 'E_VALIDATION' && (e.details as { field?: string })?.field === field, JSON.stringify(params));
  };
  refused({ mode: 'temporal', frames: 2, strength: 0 }, 'params.strength');
  refused({ mode: 'temporal', frames: 2, steps: 2, strength: 0.3 }, 'params.steps');
  refused({ mode: 'spatial', aspect: '2:1', strength: 0 }, 'params.strength');
  assert.throws(() => parseJobRequest({ task: 'extend', engine: 'diffusion', model: 'sd', source: { path: clip }, params: { frames: 2, scheduler: 'pndm' } }), (e: unknown) => isStudioError(e) && e.code === 'E_VALIDATION');
  // the same check guards inpaint
  const inp = parseJobRequest({ task: 'inpaint', engine: 'diffusion', model: 'sd-inpaint', source: { path: clip }, mask: { kind: 'file', path: join(root, 'scene', meta.mask) }, params: { steps: 1, strength: 0.5 } }) as RequestOf<'inpaint'>;
  assert.throws(() => inpaintTask.validate!(inp), (e: unknown) => isStudioError(e) && e.code === 'E_VALIDATION');
});
