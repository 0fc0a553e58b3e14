import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtures } from '@synthetic-studio/models';
import { addFramesToTimecode, isStudioError, parseJobRequest, type FloatFrame, type JobRequest, type JobRequestInput, type MaskSpecInput, type RequestOf } from '@synthetic-studio/shared';
import { encodePng, frameToUint16, loadMask, probeMedia, renderSampleScene, resolveRange } from '../../src/media/index.js';
import { extendTask } from '../../src/tasks/extend.js';
import { inpaintTask } from '../../src/tasks/inpaint.js';
import type { ProgressUpdate, TaskContext } from '../../src/tasks/task.js';
import { dilateMask, maskFromFrame } from '../../src/temporal/index.js';
import { decodeAll, sequenceSamples, taskContext } from '../media/helpers.js';
import { boxDistance } from '../temporal/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'ss-jobs-diffusion-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
// the fixture models, installed under their names in a models folder
const modelsDir = join(root, 'models');
const fixtures = buildFixtures(modelsDir, { seed: 31 });
const W = 96, H = 64, N = 10, FPS = { num: 25, den: 1 };
const scene = renderSampleScene({ dir: join(root, 'scene'), width: W, height: H, frames: N, fps: FPS });

interface Run { ctx: TaskContext<JobRequest>; updates: ProgressUpdate[] }

function context(request: JobRequestInput, work: string, signal = new AbortController().signal): Run {
  const updates: ProgressUpdate[] = [];
  return { ctx: taskContext(request, join(root, work), signal, { modelsDir, progress: (u) => updates.push(u) }), updates };
}

const runInpaint = (r: Run) => inpaintTask.run(r.ctx as TaskContext<RequestOf<'inpaint'>>);
const runExtend = (r: Run) => extendTask.run(r.ctx as TaskContext<RequestOf<'extend'>>);

/** Samples outside `edit` (1 = may change) that differ from the source's 16-bit quantisation. */
function changedOutside(src: FloatFrame, out: Uint16Array, edit: Uint8Array): number {
  const s16 = frameToUint16(src, 3);
  let n = 0;
  for (let p = 0; p < src.width * src.height; p++) {
    if (edit[p]) continue;
    if (s16[p * 3] !== out[p * 3] || s16[p * 3 + 1] !== out[p * 3 + 1] || s16[p * 3 + 2] !== out[p * 3 + 2]) n++;
  }
  return n;
}

function changedInside(src: FloatFrame, out: Uint16Array, edit: Uint8Array): number {
  const s16 = frameToUint16(src, 3);
  let n = 0;
  for (let p = 0; p < src.width * src.height; p++) if (edit[p] && (s16[p * 3] !== out[p * 3] || s16[p * 3 + 1] !== out[p * 3 + 1])) n++;
  return n;
}

// A large held rectangle: the camera pan reveals only its edges, so its centre is never seen in
// any frame and diffusion must invent it.
const FEATHER = 2;
const heldRect: MaskSpecInput = { kind: 'shapes', frame: 0, track: false, shapes: [{ shape: 'rect', x: 0.3, y: 0.25, w: 0.4, h: 0.5 }] };

test('inpaint remove (diffusion): unseen pixels from a diffused keyframe, fill feathered into the source, bit-exact beyond the band, deterministic, few UNet calls', async () => {
  const meta = await scene;
  const clip = join(root, 'scene', meta.clip);
  const req: JobRequestInput = {
    task: 'inpaint', engine: 'diffusion', model: 'sd-inpaint', seed: 7, source: { path: clip }, mask: heldRect,
    params: { dilate: 2, feather: FEATHER, steps: 3 }, output: { format: 'png16', dir: join(root, 'out-remove') },
  };
  const a = context(req, 'rm1');
  const r1 = await runInpaint(a);
  const out = r1.outputs[0];
  assert.equal(out.frames, N);
  assert.equal(out.timecode, meta.startTimecode);
  assert.ok(r1.metrics.unseenPixels > 0, 'the centre of the held mask is never visible');
  assert.ok(r1.metrics.keyframes >= 1, `keyframes ${r1.metrics.keyframes}`);
  // CFG is batched: one UNet call per step and keyframe
  assert.equal(r1.metrics.unetCalls, r1.metrics.keyframes * 3);
  assert.ok(r1.metrics.unetCallsRelative <= 0.2, `UNet calls relative to per-frame generation ${r1.metrics.unetCallsRelative}`);
  // previews from the installed TAESD during the keyframe steps
  assert.ok(a.updates.some((u) => u.phase === 'keyframe' && u.preview), 'keyframe progress carries TAESD previews');
  const frames = await sequenceSamples(out.path);
  assert.equal(frames.length, N);
  const src = await decodeAll(clip);
  const info = await probeMedia(clip);
  const ms = await loadMask(parseJobRequest(req).mask!, { info, range: resolveRange(info), dilate: 2 });
  assert.equal(ms.kind, 'per-frame');
  // distance of every pixel to the dilated mask (0 inside); the band is 1..FEATHER
  const dist: Uint8Array[] = [];
  for (let k = 0; k < N; k++) {
    const m = maskFromFrame(await (ms as { get(i: number): Promise<FloatFrame> }).get(k), 0);
    dist.push(boxDistance(m.data, W, H, FEATHER + 2));
    assert.equal(changedOutside(src[k], frames[k], Uint8Array.from(dist[k], (d) => (d <= FEATHER ? 1 : 0))), 0, `frame ${k}: pixels beyond the dilated mask + feather band changed`);
    assert.ok(changedInside(src[k], frames[k], m.data) > 0, `frame ${k}: the mask was filled`);
  }
  await ms.close();
  // the fill: the same clip completed with the dilated mask + band as its hole, no feather; the
  // feathered output is that fill inside the dilated mask and a blend of source and fill in the band
  const holeDir = join(root, 'remove-hole');
  mkdirSync(holeDir, { recursive: true });
  dist.forEach((d, k) => writeFileSync(join(holeDir, `hole_${String(k).padStart(4, '0')}.png`), encodePng(Uint8Array.from(d, (v) => (v <= FEATHER ? 255 : 0)), W, H, 1, 8)));
  const rf = await runInpaint(context({ ...req, mask: { kind: 'file', path: holeDir }, params: { dilate: 0, feather: 0, steps: 3 }, output: { format: 'png16', dir: join(root, 'out-remove-fill') } }, 'rm-fill'));
  const fills = await sequenceSamples(rf.outputs[0].path);
  // feather 0: nothing changes outside the (here undilated) mask
  for (let k = 0; k < N; k++) assert.equal(changedOutside(src[k], fills[k], Uint8Array.from(dist[k], (d) => (d <= FEATHER ? 1 : 0))), 0, `frame ${k}: feather 0 changed pixels outside the mask`);
  let insideDiffers = 0, outOfRange = 0, strictlyBetween = 0, bandChanged = 0;
  for (let k = 0; k < N; k++) {
    const s16 = frameToUint16(src[k], 3);
    for (let p = 0; p < W * H; p++) {
      const d = dist[k][p];
      if (d > FEATHER) continue;
      for (let c = 0; c < 3; c++) {
        const o = frames[k][p * 3 + c], s = s16[p * 3 + c], f = fills[k][p * 3 + c];
        if (d === 0) { if (o !== f) insideDiffers++; continue; }
        if (o !== s) bandChanged++;
        // 16-bit rounding of the blend: one step of slack
        if (o < Math.min(s, f) - 1 || o > Math.max(s, f) + 1) outOfRange++;
        if (o > Math.min(s, f) + 1 && o < Math.max(s, f) - 1) strictlyBetween++;
      }
    }
  }
  assert.equal(insideDiffers, 0, `${insideDiffers} samples inside the dilated mask are not the fill`);
  assert.ok(bandChanged > 0, 'the feather band was not blended at all');
  assert.equal(outOfRange, 0, `${outOfRange} band samples outside [source, fill]`);
  assert.ok(strictlyBetween > 0, 'no band sample is a blend of source and fill');
  const r2 = await runInpaint(context(req, 'rm2'));
  const frames2 = await sequenceSamples(r2.outputs[0].path);
  for (let k = 0; k < N; k++) assert.deepEqual(frames2[k], frames[k], `frame ${k} differs between two runs with the same seed`);
  // cancel while frames are written; the resumed job reuses the persisted keyframe (no UNet call)
  const ac = new AbortController();
  const cut = context({ ...req, output: { format: 'png16', dir: join(root, 'out-remove-cut') } }, 'rm4', ac.signal);
  cut.ctx.progress = (u) => { if (u.phase === 'fill' && u.total === N && u.done === 5) ac.abort(); };
  await assert.rejects(runInpaint(cut), (e: unknown) => isStudioError(e) && e.code === 'E_CANCELLED');
  const resumed = await runInpaint(context({ ...req, output: { format: 'png16', dir: join(root, 'out-remove-cut') } }, 'rm4'));
  assert.ok(resumed.metrics.resumedFrames >= 4, `resumed ${resumed.metrics.resumedFrames}`);
  assert.equal(resumed.metrics.unetCalls, 0, 'the keyframe is read back, not diffused again');
  assert.equal(resumed.metrics.keyframesReused, r1.metrics.keyframes);
  const framesR = await sequenceSamples(resumed.outputs[0].path);
  for (let k = 0; k < N; k++) assert.deepEqual(framesR[k], frames[k], `frame ${k} differs after cancel + resume`);
  const r3 = await runInpaint(context({ ...req, seed: 8, output: { format: 'png16', dir: join(root, 'out-remove-8') } }, 'rm3'));
  const frames3 = await sequenceSamples(r3.outputs[0].path);
  assert.notDeepEqual(frames3[0], frames[0], 'another seed gives another fill');
  console.log(`inpaint remove (diffusion): ${r1.metrics.keyframes} keyframe(s), ${r1.metrics.unseenPixels} unseen px, UNet calls/frame ${r1.metrics.unetCallsPerFrame.toFixed(2)} (relative ${r1.metrics.unetCallsRelative.toFixed(3)})`);
});

test('inpaint replace (diffusion): prompt keyframes every keyframeSpacing frames, carried by flow; cancel and resume reproduce the run', async () => {
  const meta = await scene;
  const clip = join(root, 'scene', meta.clip);
  const req: JobRequestInput = {
    task: 'inpaint', engine: 'diffusion', model: 'sd-inpaint', seed: 3, prompt: 'a red ball', source: { path: clip },
    mask: { kind: 'file', path: join(root, 'scene', meta.mask) }, params: { dilate: 2, feather: 2, steps: 4 },
    output: { format: 'png16', dir: join(root, 'out-replace') },
  };
  const full = await runInpaint(context(req, 'rp1'));
  const out = full.outputs[0];
  assert.equal(out.frames, N);
  assert.equal(full.metrics.keyframes, 2, 'default spacing 12 on 10 frames: first and last');
  assert.equal(full.metrics.unetCalls, 2 * 4);
  assert.ok(full.metrics.unetCallsRelative <= 0.2, `relative UNet calls ${full.metrics.unetCallsRelative}`);
  const frames = await sequenceSamples(out.path);
  const src = await decodeAll(clip);
  const info = await probeMedia(clip);
  const ms = await loadMask(parseJobRequest(req).mask!, { info, range: resolveRange(info), dilate: 2 }) as { get(i: number): Promise<FloatFrame> };
  for (let k = 0; k < N; k++) {
    // the edit region: the dilated mask plus the feather band
    const m = dilateMask(maskFromFrame(await ms.get(k), 0), 3);
    assert.equal(changedOutside(src[k], frames[k], m.data), 0, `frame ${k}: pixels outside the mask + feather changed`);
    assert.ok(changedInside(src[k], frames[k], m.data) > 0, `frame ${k}: the masked object was replaced`);
  }
  // cancel during the second keyframe, then resume in the same work folder
  const ac = new AbortController();
  const run = context({ ...req, output: { format: 'png16', dir: join(root, 'out-replace-2') } }, 'rp2', ac.signal);
  let keySteps = 0;
  run.ctx.progress = (u) => { if (u.phase === 'keyframe' && ++keySteps === 6) ac.abort(); };
  await assert.rejects(runInpaint(run), (e: unknown) => isStudioError(e) && e.code === 'E_CANCELLED');
  const resumed = await runInpaint(context({ ...req, output: { format: 'png16', dir: join(root, 'out-replace-2') } }, 'rp2'));
  assert.equal(resumed.metrics.keyframesReused, 1, 'the keyframe finished before the cancel is reused');
  assert.equal(resumed.metrics.unetCalls, 4, 'only the missing keyframe runs the UNet');
  const again = await sequenceSamples(resumed.outputs[0].path);
  for (let k = 0; k < N; k++) assert.deepEqual(again[k], frames[k], `frame ${k} differs after cancel + resume`);
});

test('extend temporal (diffusion): refined new frames with continuing timecode and an invisible seam', async () => {
  const meta = await scene;
  const clip = join(root, 'scene', meta.clip);
  const req: JobRequestInput = {
    task: 'extend', engine: 'diffusion', model: 'sd', seed: 5, source: { path: clip, in: 0, out: 8 },
    params: { mode: 'temporal', frames: 4, steps: 6 }, output: { format: 'png16', dir: join(root, 'out-ext') },
  };
  const r = await runExtend(context(req, 'ex1'));
  const out = r.outputs[0];
  assert.equal(out.frames, 4);
  assert.equal(out.firstFrame, 8);
  assert.equal(out.timecode, addFramesToTimecode(meta.startTimecode, 8, FPS));
  assert.ok(r.metrics.seamChange <= 1.5, `seam change ${r.metrics.seamChange}`);
  // img2img at strength 0.35 of 6 steps: 2 UNet calls per new frame
  assert.equal(r.metrics.unetCalls, 4 * 2);
  assert.equal(r.metrics.framesRefined, 4);
  const frames = await sequenceSamples(out.path);
  assert.equal(frames.length, 4);
  const r2 = await runExtend(context(req, 'ex2'));
  const frames2 = await sequenceSamples(r2.outputs[0].path);
  for (let k = 0; k < 4; k++) assert.deepEqual(frames2[k], frames[k]);
  // cancelled after two new frames; the resumed job refines only the other two, same output
  const ac = new AbortController();
  const cut = context({ ...req, output: { format: 'png16', dir: join(root, 'out-ext-cut') } }, 'ex3', ac.signal);
  cut.ctx.progress = (u) => { if (u.phase === 'extend' && u.total === 4 && u.done === 2) ac.abort(); };
  await assert.rejects(runExtend(cut), (e: unknown) => isStudioError(e) && e.code === 'E_CANCELLED');
  const resumed = await runExtend(context({ ...req, output: { format: 'png16', dir: join(root, 'out-ext-cut') } }, 'ex3'));
  assert.equal(resumed.metrics.framesRefined, 2);
  assert.equal(resumed.metrics.unetCalls, 2 * 2);
  const frames3 = await sequenceSamples(resumed.outputs[0].path);
  for (let k = 0; k < 4; k++) assert.deepEqual(frames3[k], frames[k], `new frame ${k} differs after cancel + resume`);
  console.log(`extend temporal (diffusion): seam ${r.metrics.seamChange.toFixed(3)} (classical ${r.metrics.seamChangeClassical.toFixed(3)})`);
});

test('extend spatial (diffusion): larger canvas, source pixels bit-exact (dilate 0, feather 0), diffusion for the never-seen border', async () => {
  const meta = await scene;
  const clip = join(root, 'scene', meta.clip);
  const req: JobRequestInput = {
    task: 'extend', engine: 'diffusion', model: 'sd-inpaint', seed: 2, source: { path: clip, in: 0, out: 6 },
    params: { mode: 'spatial', size: { width: 128, height: 64 }, anchor: 'center', steps: 3, dilate: 0, feather: 0 }, output: { format: 'png16', dir: join(root, 'out-sp') },
  };
  const r = await runExtend(context(req, 'sp1'));
  const out = r.outputs[0];
  assert.equal(out.width, 128);
  assert.equal(out.frames, 6);
  assert.ok(r.metrics.keyframes >= 1 && r.metrics.unetCalls === r.metrics.keyframes * 3, `keyframes ${r.metrics.keyframes}, UNet calls ${r.metrics.unetCalls}`);
  const frames = await sequenceSamples(out.path);
  const src = await decodeAll(clip);
  for (let k = 0; k < 6; k++) {
    const s16 = frameToUint16(src[k], 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) {
      if (frames[k][(y * 128 + x + 16) * 3 + c] !== s16[(y * W + x) * 3 + c]) assert.fail(`frame ${k}: source pixel (${x},${y}) changed`);
    }
  }
});

test('diffusion refusals: no model, a model that is not installed, a model of the wrong kind; classical + prompt still refused', async () => {
  const meta = await scene;
  const clip = join(root, 'scene', meta.clip);
  const base: JobRequestInput = { task: 'inpaint', engine: 'diffusion', source: { path: clip }, mask: heldRect, output: { format: 'png16', dir: join(root, 'out-refuse') } };
  const code = (c: string) => (e: unknown) => isStudioError(e) && e.code === c && e.message.length > 20;
  assert.throws(() => inpaintTask.validate!(parseJobRequest(base) as RequestOf<'inpaint'>), code('E_MODEL_MISSING'));
  await assert.rejects(runInpaint(context({ ...base, model: 'sd-inpaint-v9' }, 'rf1')), code('E_MODEL_MISSING'));
  await assert.rejects(runInpaint(context({ ...base, model: 'ic-light-fc' }, 'rf2')), (e: unknown) => code('E_ENGINE_UNSUPPORTED')(e) && /ic-light-fc/.test((e as Error).message));
  await assert.rejects(runInpaint(context({ ...base, model: fixtures.taesd }, 'rf3')), (e: unknown) => code('E_ENGINE_UNSUPPORTED')(e) && /preview/.test((e as Error).message));
  await assert.rejects(runExtend(context({ task: 'extend', engine: 'diffusion', model: 'ic-light-fc', source: { path: clip }, params: { frames: 2 } }, 'rf4')), code('E_ENGINE_UNSUPPORTED'));
  assert.throws(() => extendTask.validate!(parseJobRequest({ task: 'extend', engine: 'diffusion', source: { path: clip }, params: { frames: 2 } }) as RequestOf<'extend'>), code('E_MODEL_MISSING'));
  assert.throws(() => inpaintTask.validate!(parseJobRequest({ ...base, engine: 'classical', prompt: 'a red ball' }) as RequestOf<'inpaint'>), code('E_MODEL_REQUIRED'));
  assert.ok(inpaintTask.engines.includes('diffusion') && extendTask.engines.includes('diffusion'));
});
