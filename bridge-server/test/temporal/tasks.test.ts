import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isStudioError, sourceFrameToTimecode, timecodeRate, parseJobRequest, type FloatFrame, type JobRequestInput, type RequestOf } from '@synthetic-studio/shared';
import { frameToUint16, loadMask, probeMedia, renderSampleScene, resolveRange } from '../../src/media/index.js';
import { extendTask } from '../../src/tasks/extend.js';
import { inpaintTask } from '../../src/tasks/inpaint.js';
import type { TaskContext } from '../../src/tasks/task.js';
import { psnr } from '../../src/temporal/index.js';
import { decodeAll, sequenceSamples, taskContext, tempDir } from '../media/helpers.js';

const dir = tempDir('ss-temporal-tasks-');
const W = 96, H = 54, N = 10;
const scene = renderSampleScene({ dir: join(dir, 'scene'), width: W, height: H, frames: N, fps: { num: 25, den: 1 } });

function u16ToFrame(s: Uint16Array): FloatFrame {
  const d = new Float32Array(s.length);
  for (let i = 0; i < s.length; i++) d[i] = s[i] / 65535;
  return { width: W, height: H, channels: 3, data: d };
}

test('inpaint (classical): frame count, timecode, feather 0: everything outside the dilated mask bit-exact, fidelity vs clean plate, determinism', async () => {
  const meta = await scene;
  const clip = join(dir, 'scene', meta.clip);
  const req: JobRequestInput = { task: 'inpaint', source: { path: clip, in: 1, out: 9 }, mask: { kind: 'file', path: join(dir, 'scene', meta.mask) }, params: { dilate: 2, feather: 0 }, output: { format: 'png16', dir: join(dir, 'out-inpaint') } };
  const r1 = await inpaintTask.run(taskContext<RequestOf<'inpaint'>>(req, join(dir, 'w1')));
  assert.equal(r1.outputs.length, 1);
  const out = r1.outputs[0];
  assert.equal(out.frames, 8);
  assert.equal(out.timecode, sourceFrameToTimecode(1, meta.startTimecode, timecodeRate({ num: 25, den: 1 })));
  const outs = await sequenceSamples(out.path);
  assert.equal(outs.length, 8);
  const src = await decodeAll(clip);
  const clean = await decodeAll(join(dir, 'scene', meta.clean));
  const info = await probeMedia(clip);
  const masks = await loadMask(parseJobRequest(req).mask!, { info, range: resolveRange(info, 1, 9), dilate: 2 });
  assert.equal(masks.kind, 'per-frame');
  let inMask = 0;
  for (let k = 0; k < 8; k++) {
    const i = k + 1;
    const m = await (masks as { get(i: number): Promise<FloatFrame> }).get(i);
    const s16 = frameToUint16(src[i], 3);
    let differ = 0;
    for (let p = 0; p < W * H; p++) {
      if (m.data[p] > 0) continue;
      if (s16[p * 3] !== outs[k][p * 3] || s16[p * 3 + 1] !== outs[k][p * 3 + 1] || s16[p * 3 + 2] !== outs[k][p * 3 + 2]) differ++;
    }
    assert.equal(differ, 0, `frame ${i}: ${differ} pixels outside the dilated mask changed`);
    const hole = { width: W, height: H, data: Uint8Array.from(m.data, (v) => (v > 0 ? 1 : 0)) };
    inMask += psnr(u16ToFrame(outs[k]), clean[i], hole);
  }
  inMask /= 8;
  const telea = r1.metrics; // metrics carried into the sidecar
  assert.ok(inMask > 24, `PSNR in mask vs clean plate ${inMask.toFixed(2)} dB`);
  assert.ok(telea.propagatedPixels > 0);
  const sidecar = JSON.parse(await readFile(out.sidecar!, 'utf8'));
  assert.equal(sidecar.task, 'inpaint');
  // determinism
  const r2 = await inpaintTask.run(taskContext<RequestOf<'inpaint'>>(req, join(dir, 'w2')));
  const outs2 = await sequenceSamples(r2.outputs[0].path);
  for (let k = 0; k < 8; k++) assert.deepEqual(outs2[k], outs[k]);
  console.log(`inpaint sample scene: PSNR in mask vs clean plate ${inMask.toFixed(2)} dB`);
});

test('inpaint: a single painted mask is tracked; cancellation; resume after an interruption gives the same output', async () => {
  const meta = await scene;
  const clip = join(dir, 'scene', meta.clip);
  // the sample sphere starts at x = 0.2 W, y ≈ 0.52 H, r = 0.14 H: paint it on frame 0
  const req: JobRequestInput = { task: 'inpaint', source: { path: clip }, mask: { kind: 'shapes', frame: 0, shapes: [{ shape: 'ellipse', cx: 0.2, cy: 0.52, rx: (0.16 * H) / W, ry: 0.16 }] }, params: { dilate: 2 }, output: { format: 'png16', dir: join(dir, 'out-track') } };
  const full = await inpaintTask.run(taskContext<RequestOf<'inpaint'>>(req, join(dir, 'wt1')));
  const ref = await sequenceSamples(full.outputs[0].path);
  assert.equal(ref.length, N);
  // the object is gone in the last frame: close to the clean plate where the sphere was
  const clean = await decodeAll(join(dir, 'scene', meta.clean));
  const info = await probeMedia(clip);
  const gtMasks = await loadMask({ kind: 'file', path: join(dir, 'scene', meta.mask), channel: 'auto', track: true }, { info, range: { in: 0, out: N } });
  const m9 = await (gtMasks as { get(i: number): Promise<FloatFrame> }).get(N - 1);
  const hole = { width: W, height: H, data: Uint8Array.from(m9.data, (v) => (v > 0 ? 1 : 0)) };
  const p9 = psnr(u16ToFrame(ref[N - 1]), clean[N - 1], hole);
  assert.ok(p9 > 22, `tracked removal, last frame PSNR in object region ${p9.toFixed(2)}`);
  // cancel during the run
  const ac = new AbortController();
  const ctx = taskContext<RequestOf<'inpaint'>>(req, join(dir, 'wt2'), ac.signal);
  let written = 0;
  (ctx as { progress: TaskContext['progress'] }).progress = (u) => { if (u.phase === 'fill' && u.total === N && ++written === 4) ac.abort(); };
  await assert.rejects(inpaintTask.run(ctx), (e: unknown) => isStudioError(e) && e.code === 'E_CANCELLED');
  // resume in the same work folder: checkpointed frames are kept, the result equals the uninterrupted run
  const resumed = await inpaintTask.run(taskContext<RequestOf<'inpaint'>>(req, join(dir, 'wt2')));
  assert.ok(resumed.metrics.resumedFrames >= 3, `resumed ${resumed.metrics.resumedFrames}`);
  const again = await sequenceSamples(resumed.outputs[0].path);
  for (let k = 0; k < N; k++) assert.deepEqual(again[k], ref[k], `frame ${k} differs after resume`);
});

test('inpaint refusals: replacement prompt with the classical engine, no mask', () => {
  const base = { task: 'inpaint', source: { path: '/nope.mov' }, mask: { kind: 'shapes', frame: 0, shapes: [{ shape: 'rect', x: 0, y: 0, w: 0.1, h: 0.1 }] } } as const;
  assert.throws(() => inpaintTask.validate!(parseJobRequest({ ...base, prompt: 'a red car' }) as RequestOf<'inpaint'>), (e: unknown) => isStudioError(e) && e.code === 'E_MODEL_REQUIRED');
  assert.throws(() => inpaintTask.validate!(parseJobRequest({ task: 'inpaint', source: { path: '/nope.mov' } }) as RequestOf<'inpaint'>), (e: unknown) => isStudioError(e) && e.code === 'E_VALIDATION');
});

test('extend temporal: N frames after the out point with continuing timecode and an invisible seam; before the in point', async () => {
  const meta = await scene;
  const clip = join(dir, 'scene', meta.clip);
  const req: JobRequestInput = { task: 'extend', source: { path: clip, in: 0, out: 8 }, params: { mode: 'temporal', frames: 4 }, output: { format: 'png16', dir: join(dir, 'out-ext') } };
  const r = await extendTask.run(taskContext<RequestOf<'extend'>>(req, join(dir, 'we1')));
  const out = r.outputs[0];
  assert.equal(out.frames, 4);
  assert.equal(out.firstFrame, 8);
  assert.equal(out.timecode, sourceFrameToTimecode(8, meta.startTimecode, timecodeRate({ num: 25, den: 1 })));
  assert.ok(r.metrics.seamChange <= 1.5, `seam change ${r.metrics.seamChange}`);
  const frames = await sequenceSamples(out.path);
  assert.equal(frames.length, 4);
  // the prediction resembles the real next frame (the clip continues past out = 8)
  const real = await decodeAll(clip);
  const p = psnr(u16ToFrame(frames[0]), real[8]);
  assert.ok(p > 20, `first new frame vs the real frame 8: ${p.toFixed(2)} dB`);
  const again = await extendTask.run(taskContext<RequestOf<'extend'>>(req, join(dir, 'we2')));
  const frames2 = await sequenceSamples(again.outputs[0].path);
  for (let k = 0; k < 4; k++) assert.deepEqual(frames2[k], frames[k]);
  const before = await extendTask.run(taskContext<RequestOf<'extend'>>({ ...req, source: { path: clip, in: 5, out: N }, params: { mode: 'temporal', frames: 3, direction: 'before' } }, join(dir, 'we3')));
  assert.equal(before.outputs[0].firstFrame, 2);
  assert.equal(before.outputs[0].timecode, sourceFrameToTimecode(2, meta.startTimecode, timecodeRate({ num: 25, den: 1 })));
  assert.ok(before.metrics.seamChange <= 1.5, `seam change before ${before.metrics.seamChange}`);
  console.log(`extend: seam change after ${r.metrics.seamChange.toFixed(3)}, before ${before.metrics.seamChange.toFixed(3)}; first new frame vs real ${p.toFixed(2)} dB`);
});

test('extend spatial: new aspect, anchor, source pixels bit-exact beyond dilate + feather', async () => {
  const meta = await scene;
  const clip = join(dir, 'scene', meta.clip);
  const src = await decodeAll(clip);
  const run = async (params: Record<string, unknown>, name: string) => {
    const req: JobRequestInput = { task: 'extend', source: { path: clip, in: 0, out: 6 }, params: { mode: 'spatial', aspect: '4:3', anchor: 'top', ...params }, output: { format: 'png16', dir: join(dir, `out-${name}`) } };
    const r = await extendTask.run(taskContext<RequestOf<'extend'>>(req, join(dir, `ws-${name}`)));
    const out = r.outputs[0];
    assert.equal(out.width, W);
    assert.equal(out.height, 72);
    assert.equal(r.metrics.offsetY, 0);
    return sequenceSamples(out.path);
  };
  // the new border is below the picture (anchor top): rows of the picture at least `margin` above it
  const changedRows = (frames: Uint16Array[], k: number) => {
    const s16 = frameToUint16(src[k], 3);
    const rows = new Set<number>();
    for (let i = 0; i < W * H * 3; i++) if (frames[k][i] !== s16[i]) rows.add(Math.floor(i / (W * 3)));
    return rows;
  };
  const exact = await run({ dilate: 0, feather: 0 }, 'sp0');
  for (let k = 0; k < 6; k++) assert.equal(changedRows(exact, k).size, 0, `frame ${k}: with dilate 0 and feather 0 every source pixel is kept`);
  const soft = await run({ dilate: 2, feather: 3 }, 'sp5');
  let blended = 0;
  for (let k = 0; k < 6; k++) {
    const rows = changedRows(soft, k);
    for (const y of rows) assert.ok(y >= H - 5, `frame ${k}: row ${y} is farther than dilate + feather (5 px) from the border but changed`);
    blended += rows.size;
  }
  assert.ok(blended > 0, 'dilate/feather re-make and blend the rows next to the new border');
});

test('extend refusals and cancellation', async () => {
  const meta = await scene;
  const clip = join(dir, 'scene', meta.clip);
  const v = (x: JobRequestInput) => () => extendTask.validate!(parseJobRequest(x) as RequestOf<'extend'>);
  assert.throws(v({ task: 'extend', source: { path: clip }, prompt: 'a sunset', params: { frames: 3 } }), (e: unknown) => isStudioError(e) && e.code === 'E_MODEL_REQUIRED');
  assert.throws(v({ task: 'extend', source: { path: clip }, params: { mode: 'temporal' } }), (e: unknown) => isStudioError(e) && e.code === 'E_VALIDATION');
  assert.throws(v({ task: 'extend', source: { path: clip }, params: { mode: 'spatial' } }), (e: unknown) => isStudioError(e) && e.code === 'E_VALIDATION');
  await assert.rejects(extendTask.run(taskContext<RequestOf<'extend'>>({ task: 'extend', source: { path: clip }, params: { mode: 'spatial', size: { width: 50, height: 50 } } }, join(dir, 'wr'))), (e: unknown) => isStudioError(e) && e.code === 'E_VALIDATION');
  const ac = new AbortController();
  const ctx = taskContext<RequestOf<'extend'>>({ task: 'extend', source: { path: clip, in: 0, out: 8 }, params: { frames: 6 }, output: { format: 'png16', dir: join(dir, 'out-cancel') } }, join(dir, 'wc'), ac.signal);
  (ctx as { progress: TaskContext['progress'] }).progress = (u) => { if (u.phase === 'extend' && u.done >= 2) ac.abort(); };
  await assert.rejects(extendTask.run(ctx), (e: unknown) => isStudioError(e) && e.code === 'E_CANCELLED');
});
