import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parseJobRequest, type JobRequestInput, type RequestOf } from '@synthetic-studio/shared';
import { buildFixtures } from '@synthetic-studio/models';
import { decodePng, frameToUint16, rasterizeShapes, readFrames, renderSampleScene } from '../../src/media/index.js';
import { relightTask, SELFIE_MODEL_PATH, type RelightResult } from '../../src/tasks/relight.js';
import { snapMatte, SubjectSegmenter } from '../../src/relight/index.js';
import type { TaskContext } from '../../src/tasks/task.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-relight-task-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const W = 96, H = 54, N = 8;
const scene = renderSampleScene({ dir: join(dir, 'scene'), width: W, height: H, frames: N, codec: 'prores' });

const SHARED_MODELS = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/models');

function context(request: JobRequestInput, workDir: string, signal = new AbortController().signal, modelsDir = join(dir, 'models')) {
  const progress: number[] = [];
  const logs: string[] = [];
  const ctx: TaskContext<RequestOf<'relight'>> = {
    jobId: 'relight-test',
    request: parseJobRequest(request) as RequestOf<'relight'>,
    workDir,
    signal,
    progress: (u) => { if (u.phase === 'relight') progress.push(u.done); },
    log: { debug() {}, info: (o, m) => { logs.push(typeof o === 'string' ? o : m ?? ''); }, warn() {}, error() {} },
    env: { modelsDir, maxPixels: 4096 * 4096, executionProviders: ['cpu'] },
  };
  return { ctx, progress, logs };
}

async function readSequence(path: string): Promise<Uint16Array[]> {
  const files = (await readdir(path)).filter((f) => f.endsWith('.png')).sort();
  const out: Uint16Array[] = [];
  for (const f of files) {
    const png = decodePng(await readFile(join(path, f)));
    assert.equal(png.bitDepth, 16);
    out.push(png.samples as Uint16Array);
  }
  return out;
}

const rect = { shape: 'rect' as const, x: 0.3, y: 0.2, w: 0.4, h: 0.6 };

test('classical relight task: prompt mapping shown, background kept bit-exact outside the matte, relit inside', async () => {
  const meta = await scene;
  const src = join(dir, 'scene', meta.clip);
  const { ctx, progress, logs } = context({
    task: 'relight', source: { path: src }, prompt: 'warm light from the left',
    params: { background: 'keep' }, mask: { kind: 'shapes', shapes: [rect], frame: 0, track: false },
    output: { format: 'png16', dir: join(dir, 'out') },
  }, join(dir, 'work-keep'));
  relightTask.validate!(ctx.request);
  const result = (await relightTask.run(ctx)) as RelightResult;
  assert.match(result.mapping, /"warm light from the left" → key light, from the left .*3200 K/);
  assert.deepEqual(result.notes, [`Lighting: ${result.mapping}`], "the mapping travels with the result to panel and CLI");
  assert.match(result.rigSpec, /^key:az=-70,el=25,k=3200/);
  assert.ok(logs.some((l) => l.includes('warm light from the left')), 'mapping logged');
  assert.equal(result.metrics.frames, N);
  assert.equal(result.metrics.framesRelit, N);
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8], 'progress per frame');
  const sidecar = JSON.parse(await readFile(result.outputs[0].sidecar!, 'utf8'));
  assert.match(JSON.stringify(sidecar), /warm light from the left/);

  const out = await readSequence(result.outputs[0].path);
  assert.equal(out.length, N);
  const matte = rasterizeShapes([rect], W, H).data;
  let t = 0, outsideDiff = 0, outsideCount = 0, insideChanged = 0, insideCount = 0;
  for await (const { frame } of readFrames(src)) {
    const ref = frameToUint16(frame, 3);
    for (let p = 0; p < W * H; p++) {
      for (let c = 0; c < 3; c++) {
        const differs = out[t][p * 3 + c] !== ref[p * 3 + c];
        if (matte[p] === 0) { outsideCount++; if (differs) outsideDiff++; }
        if (matte[p] === 1) { insideCount++; if (Math.abs(out[t][p * 3 + c] - ref[p * 3 + c]) > 256) insideChanged++; }
      }
    }
    t++;
  }
  assert.ok(outsideCount > 0.5 * N * W * H * 3);
  assert.equal(outsideDiff, 0, 'untouched pixels outside the matte (16-bit PNG)');
  assert.ok(insideChanged > 0.5 * insideCount, `relit inside: ${insideChanged}/${insideCount}`);
});

test('a matte painted on one frame is tracked: the moving subject is relit, the far background kept', async () => {
  const meta = await scene;
  const src = join(dir, 'scene', meta.clip);
  const maskPng = (t: number) => join(dir, 'scene', meta.mask, `${String(t).padStart(5, '0')}.png`);
  const { ctx } = context({
    task: 'relight', source: { path: src }, params: { light: 'key:az=-80,el=10,k=2500,i=1.6', background: 'keep' },
    mask: { kind: 'file', path: maskPng(0), frame: 0, track: true }, output: { format: 'png16', dir: join(dir, 'out-track') },
  }, join(dir, 'work-track'));
  const result = (await relightTask.run(ctx)) as RelightResult;
  const out = await readSequence(result.outputs[0].path);
  const last = N - 1;
  const truth = decodePng(await readFile(maskPng(last))).samples;
  const first = decodePng(await readFile(maskPng(0))).samples;
  const near = (m: ArrayLike<number>, x: number, y: number, r: number) => {
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
      const X = x + dx, Y = y + dy;
      if (X >= 0 && Y >= 0 && X < W && Y < H && m[Y * W + X]) return true;
    }
    return false;
  };
  let t = 0, farDiff = 0, sphereChanged = 0, sphere = 0;
  for await (const { frame } of readFrames(src)) {
    if (t === last) {
      const ref = frameToUint16(frame, 3);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const p = y * W + x;
        if (!near(truth, x, y, 6)) for (let c = 0; c < 3; c++) if (out[t][p * 3 + c] !== ref[p * 3 + c]) farDiff++;
        if (!near(first, x, y, 0) && truth[p] && !(!near(truth, x - 3, y, 0) || !near(truth, x + 3, y, 0) || !near(truth, x, y - 3, 0) || !near(truth, x, y + 3, 0))) {
          sphere++;
          if (Math.abs(out[t][p * 3] - ref[p * 3]) > 512) sphereChanged++;
        }
      }
    }
    t++;
  }
  assert.ok(sphere > 20, `sphere interior pixels away from where it started: ${sphere}`);
  assert.equal(farDiff, 0, 'background away from the tracked subject is untouched');
  assert.ok(sphereChanged > 0.8 * sphere, `the subject is relit where it moved to: ${sphereChanged}/${sphere}`);
});

test('classical relight task: a cancelled job resumes from its checkpoints to the same result', async () => {
  const meta = await scene;
  const request: JobRequestInput = { task: 'relight', source: { path: join(dir, 'scene', meta.clip) }, params: { light: 'preset:cool-rim' }, output: { format: 'png16', dir: join(dir, 'out-resume') } };
  const full = (await relightTask.run(context(request, join(dir, 'work-full')).ctx)) as RelightResult;
  const ac = new AbortController();
  const first = context(request, join(dir, 'work-resume'), ac.signal);
  const origProgress = first.ctx.progress;
  first.ctx.progress = (u) => { origProgress(u); if (u.phase === 'relight' && u.done === 3) ac.abort(); };
  await assert.rejects(relightTask.run(first.ctx), (e: { code?: string }) => e.code === 'E_CANCELLED');
  const second = context(request, join(dir, 'work-resume'));
  const resumed = (await relightTask.run(second.ctx)) as RelightResult;
  assert.equal(resumed.metrics.framesSkippedResume, 3);
  assert.deepEqual(second.progress, [4, 5, 6, 7, 8]);
  const a = await readSequence(full.outputs[0].path);
  const b = await readSequence(resumed.outputs[0].path);
  assert.deepEqual(b, a, 'resumed output equals an uninterrupted run');
});

test('relight validation: a light or a prompt is required; a bad spec names the fault', () => {
  const base = { task: 'relight' as const, source: { path: '/x.mov' } };
  assert.throws(() => relightTask.validate!(parseJobRequest(base) as RequestOf<'relight'>), (e: { code?: string }) => e.code === 'E_VALIDATION');
  assert.throws(
    () => relightTask.validate!(parseJobRequest({ ...base, params: { light: 'key:el=100' } }) as RequestOf<'relight'>),
    (e: { code?: string; message: string }) => e.code === 'E_VALIDATION' && /elevation 100/.test(e.message),
  );
  assert.throws(
    () => relightTask.validate!(parseJobRequest({ ...base, engine: 'diffusion', prompt: 'sunset' }) as RequestOf<'relight'>),
    (e: { code?: string }) => e.code === 'E_MODEL_REQUIRED',
  );
});

test('diffusion relight task on the IC-Light fixture: keyframes only, deterministic by seed', async () => {
  const meta = await scene;
  const fixture = buildFixtures(join(dir, 'fixtures'), { seed: 11, only: ['ic-light-fc'] })['ic-light-fc'];
  const request = (seed: number): JobRequestInput => ({
    task: 'relight', engine: 'diffusion', model: fixture, seed, prompt: 'sunshine from window',
    source: { path: join(dir, 'scene', meta.clip) }, params: { light: 'preset:window-left', keyframeSpacing: 7, steps: 2 },
    output: { format: 'png16', dir: join(dir, 'out-diff') },
  });
  const r1 = (await relightTask.run(context(request(3), join(dir, 'work-d1')).ctx)) as RelightResult;
  const r2 = (await relightTask.run(context(request(3), join(dir, 'work-d2')).ctx)) as RelightResult;
  const r3 = (await relightTask.run(context(request(4), join(dir, 'work-d3')).ctx)) as RelightResult;
  assert.match(r1.mapping, /IC-Light prompt "sunshine from window", light preference left/);
  assert.equal(r1.metrics.keyframes, 2, 'frames 0 and 7 of 8');
  assert.ok(r1.metrics.unetCalls > 0 && r1.metrics.unetCalls <= 2 * 3, `UNet calls ${r1.metrics.unetCalls}`);
  assert.equal(r1.metrics.unetCallsPerFrame, r1.metrics.unetCalls / N);
  const a = await readSequence(r1.outputs[0].path);
  const b = await readSequence(r2.outputs[0].path);
  const c = await readSequence(r3.outputs[0].path);
  assert.equal(a.length, N);
  assert.deepEqual(a, b, 'same seed → identical frames');
  assert.notDeepEqual(a, c, 'another seed → different frames');
});

test('diffusion relight task resumes: cached keyframe ratios are not re-diffused, frames match an uninterrupted run', async () => {
  const meta = await scene;
  const fixture = buildFixtures(join(dir, 'fixtures-resume'), { seed: 12, only: ['ic-light-fc'] })['ic-light-fc'];
  const request: JobRequestInput = {
    task: 'relight', engine: 'diffusion', model: fixture, seed: 9, prompt: 'warm light from the left',
    source: { path: join(dir, 'scene', meta.clip) }, params: { keyframeSpacing: 3, steps: 2 },
    output: { format: 'png16', dir: join(dir, 'out-dresume') },
  };
  const full = (await relightTask.run(context(request, join(dir, 'work-dfull')).ctx)) as RelightResult;
  assert.equal(full.metrics.keyframes, 4, 'keyframes 0, 3, 6, 7');
  const ac = new AbortController();
  const first = context(request, join(dir, 'work-dresume'), ac.signal);
  const orig = first.ctx.progress;
  first.ctx.progress = (u) => { orig(u); if (u.phase === 'relight' && u.done === 4) ac.abort(); };
  await assert.rejects(relightTask.run(first.ctx), (e: { code?: string }) => e.code === 'E_CANCELLED');
  const resumed = (await relightTask.run(context(request, join(dir, 'work-dresume')).ctx)) as RelightResult;
  assert.equal(resumed.metrics.framesSkippedResume, 4);
  assert.equal(resumed.metrics.keyframesRun, 1, 'only keyframe 7 is new; 3 and 6 come from the cache');
  const a = await readSequence(full.outputs[0].path);
  const b = await readSequence(resumed.outputs[0].path);
  let maxDiff = 0;
  for (let t = 0; t < N; t++) for (let i = 0; i < a[t].length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[t][i] - b[t][i]));
  // The stabiliser's history is rebuilt from the previous gap only, so tiny differences may remain.
  assert.ok(maxDiff <= 0.01 * 65535, `max difference ${maxDiff} / 65535`);
});

test('autoMatte with the installed selfie model: relit where the model sees the subject, bit-exact where its matte is 0', { skip: existsSync(join(SHARED_MODELS, 'selfie-segmentation')) ? false : 'shared models absent' }, async () => {
  const meta = await scene;
  const src = join(dir, 'scene', meta.clip);
  const { ctx } = context({
    task: 'relight', source: { path: src, in: 0, out: 3 }, params: { light: 'key:az=-80,el=10,k=2500,i=1.6', background: 'keep', autoMatte: true },
    output: { format: 'png16', dir: join(dir, 'out-auto') },
  }, join(dir, 'work-auto'), new AbortController().signal, SHARED_MODELS);
  const result = (await relightTask.run(ctx)) as RelightResult;
  assert.equal(result.metrics.matte, 2, 'automatic matte used');
  const out = await readSequence(result.outputs[0].path);
  const seg = await SubjectSegmenter.load(join(SHARED_MODELS, ...SELFIE_MODEL_PATH));
  let zeros = 0, zeroDiff = 0, subject = 0, subjectChanged = 0, t = 0;
  for await (const { frame } of readFrames(src, { in: 0, out: 3 })) {
    const matte = snapMatte(await seg.matte(frame));
    const sphere = decodePng(await readFile(join(dir, 'scene', meta.mask, `${String(t).padStart(5, '0')}.png`))).samples;
    const ref = frameToUint16(frame, 3);
    for (let p = 0; p < W * H; p++) {
      if (matte[p] === 0) { zeros++; for (let c = 0; c < 3; c++) if (out[t][p * 3 + c] !== ref[p * 3 + c]) zeroDiff++; }
      if (sphere[p] && matte[p] === 1) { subject++; if (Math.abs(out[t][p * 3] - ref[p * 3]) > 512) subjectChanged++; }
    }
    t++;
  }
  await seg.close();
  assert.ok(zeros > 0.5 * 3 * W * H, `matte is 0 on ${zeros} pixels`);
  assert.equal(zeroDiff, 0, 'untouched where the automatic matte is 0');
  assert.ok(subject > 50 && subjectChanged > 0.8 * subject, `the salient sphere is relit: ${subjectChanged}/${subject}`);
});
