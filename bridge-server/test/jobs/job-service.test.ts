import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobService, JobStore, type JobEvent } from '../../src/jobs/index.js';
import { createFileLogger } from '../../src/logging/index.js';
import { createTaskRegistry } from '../../src/tasks/registry.js';
import type { TaskDefinition } from '../../src/tasks/task.js';

/**
 * A task that exercises the runner the way real tasks do: one unit of work per frame, a signal check
 * per frame, progress per frame, a checkpoint file per frame in its working folder (so a resumed run
 * continues where it stopped), and its output written by rename at the end.
 */
function frameTask(frameMs: number, log: string[] = []): TaskDefinition<'copy'> {
  return {
    name: 'copy',
    label: 'Frame counter',
    engines: ['classical'],
    async run(ctx) {
      const total = (ctx.request.source.out ?? 10) - (ctx.request.source.in ?? 0);
      const done = fs.readdirSync(ctx.workDir).filter((f) => f.endsWith('.done')).length;
      log.push(`${ctx.jobId}:start@${done}`);
      for (let i = done; i < total; i++) {
        ctx.signal.throwIfAborted();
        await sleep(frameMs);
        fs.writeFileSync(path.join(ctx.workDir, `${i}.done`), '');
        log.push(`${ctx.jobId}:frame${i}`);
        ctx.progress({ phase: 'frames', done: i + 1, total });
      }
      const outDir = ctx.request.output.dir!;
      fs.mkdirSync(outDir, { recursive: true });
      const out = path.join(outDir, `${ctx.jobId}.txt`);
      fs.writeFileSync(path.join(ctx.workDir, 'out.tmp'), String(total));
      fs.renameSync(path.join(ctx.workDir, 'out.tmp'), out);
      return { outputs: [{ path: out, kind: 'sequence', frames: total, fps: { num: 24, den: 1 }, timecode: '00:00:00:00' }], metrics: { frames: total } };
    },
  };
}

function setup(task: TaskDefinition<'copy'>, concurrency = 1) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs ñ '));
  const dataDir = path.join(root, 'data');
  const open = () =>
    JobService.open({ dataDir, log: createFileLogger(dataDir), concurrency, tasks: createTaskRegistry([task]), env: { modelsDir: path.join(dataDir, 'models'), maxPixels: 1e7, executionProviders: ['cpu'] } });
  const request = (frames: number, priority = 0) => ({ task: 'copy', source: { path: '/clip.mov', in: 0, out: frames }, priority, output: { format: 'png16', dir: path.join(root, 'out') } });
  return { root, dataDir, open, request, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

test('priority then submission order with concurrency 1; one line per transition in the log', async () => {
  const order: string[] = [];
  const s = setup(frameTask(5, order));
  const jobs = s.open();
  try {
    const a = jobs.submit(s.request(2)).job;
    const b = jobs.submit(s.request(2, 0)).job;
    const c = jobs.submit(s.request(2, 5));
    assert.equal(c.position, 0, 'higher priority goes first');
    assert.equal(jobs.position(b.id), 2);
    jobs.start();
    for (const j of [a, b, c.job]) assert.equal((await jobs.wait(j.id)).state, 'succeeded');
    const starts = order.filter((l) => l.includes(':start')).map((l) => l.split(':')[0]);
    assert.deepEqual(starts, [c.job.id, a.id, b.id]);
    const log = fs.readFileSync(path.join(s.dataDir, 'logs', 'bridge.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mine = log.filter((l) => l.jobId === a.id && l.to);
    assert.deepEqual(mine.map((l) => l.to), ['queued', 'running', 'succeeded']);
    assert.ok(!fs.existsSync(jobs.workDir(a.id)), 'working folder removed after success');
  } finally {
    await jobs.close();
    s.cleanup();
  }
});

test('concurrency 2 runs two jobs at once', async () => {
  const order: string[] = [];
  const s = setup(frameTask(20, order), 2);
  const jobs = s.open();
  try {
    const a = jobs.submit(s.request(3)).job;
    const b = jobs.submit(s.request(3)).job;
    jobs.start();
    await Promise.all([jobs.wait(a.id), jobs.wait(b.id)]);
    // Both started before either finished its last frame.
    assert.ok(order.indexOf(`${b.id}:start@0`) < order.indexOf(`${a.id}:frame2`));
  } finally {
    await jobs.close();
    s.cleanup();
  }
});

test('cancel takes effect within one frame and leaves no output', async () => {
  const order: string[] = [];
  const s = setup(frameTask(30, order));
  const jobs = s.open();
  try {
    const { job } = jobs.submit(s.request(200));
    const queued = jobs.submit(s.request(5)).job;
    jobs.start();
    while (order.filter((l) => l.startsWith(job.id + ':frame')).length < 3) await sleep(5);
    // A queued job is cancelled at once and never starts.
    assert.equal((await jobs.cancel(queued.id)).state, 'cancelled');
    const framesAtCancel = order.filter((l) => l.startsWith(job.id + ':frame')).length;
    const cancelled = await jobs.cancel(job.id);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.error?.code, 'E_CANCELLED');
    assert.ok(order.filter((l) => l.startsWith(job.id + ':frame')).length <= framesAtCancel + 1, 'stopped within one frame');
    assert.ok(!fs.existsSync(path.join(s.root, 'out', `${job.id}.txt`)));
    assert.ok(!fs.existsSync(jobs.workDir(job.id)));
    await sleep(50);
    assert.ok(!order.some((l) => l.startsWith(queued.id)));
    assert.equal(jobs.get(queued.id).state, 'cancelled');
  } finally {
    await jobs.close();
    s.cleanup();
  }
});

test('progress reaches listeners at most 10 times a second, the last value is not lost, ETA appears', async () => {
  const s = setup({
    name: 'copy',
    label: 'chatty',
    engines: ['classical'],
    async run(ctx) {
      for (let i = 1; i <= 400; i++) {
        ctx.progress({ phase: 'work', done: i, total: 400 });
        if (i % 40 === 0) await sleep(25);
      }
      return { outputs: [], metrics: {} };
    },
  });
  const jobs = s.open();
  const events: { t: number; e: JobEvent }[] = [];
  jobs.subscribe((e) => e.type === 'progress' && events.push({ t: Date.now(), e }));
  try {
    const { job } = jobs.submit(s.request(1));
    jobs.start();
    await jobs.wait(job.id);
    assert.ok(events.length >= 2 && events.length < 40, `${events.length} events for 400 updates`);
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.t - events[i - 1]!.t >= 95, 'spaced ≥ 100 ms');
    const last = events.at(-1)!.e;
    assert.equal(last.type === 'progress' && last.progress.done, 400);
    assert.ok(events.some(({ e }) => e.type === 'progress' && typeof e.progress.eta === 'number'));
  } finally {
    await jobs.close();
    s.cleanup();
  }
});

test('a failing task fails its job with the task’s code; others still run', async () => {
  let calls = 0;
  const s = setup({
    name: 'copy',
    label: 'flaky',
    engines: ['classical'],
    async run() {
      calls++;
      if (calls === 1) throw Object.assign(new Error('no such clip'), { name: 'StudioError', code: 'E_MEDIA_MISSING' });
      return { outputs: [], metrics: { ok: 1 } };
    },
  });
  const jobs = s.open();
  try {
    const a = jobs.submit(s.request(1)).job;
    const b = jobs.submit(s.request(1)).job;
    jobs.start();
    const fa = await jobs.wait(a.id);
    assert.equal(fa.state, 'failed');
    assert.equal(fa.error?.code, 'E_MEDIA_MISSING');
    assert.equal((await jobs.wait(b.id)).state, 'succeeded');
    assert.throws(() => jobs.submit({ task: 'relight', source: { path: '/a' } }), (e: any) => e.code === 'E_TASK_UNKNOWN');
    assert.throws(() => jobs.submit({ task: 'copy', engine: 'diffusion', source: { path: '/a' } }), (e: any) => e.code === 'E_ENGINE_UNSUPPORTED');
  } finally {
    await jobs.close();
    s.cleanup();
  }
});

test('a job a crash left running is re-queued on open, resumes from its checkpoints, and counts the resume', async () => {
  const order: string[] = [];
  const s = setup(frameTask(5, order));
  let jobs = s.open();
  const { job } = jobs.submit(s.request(8));
  await jobs.close();
  // What a SIGKILL mid-job leaves: the record says running and 5 frames are checkpointed.
  const store = new JobStore(path.join(s.dataDir, 'jobs.sqlite'));
  store.update({ ...store.get(job.id)!, state: 'running', startedAt: new Date().toISOString() });
  store.close();
  fs.mkdirSync(path.join(s.dataDir, 'jobs', job.id), { recursive: true });
  for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(s.dataDir, 'jobs', job.id, `${i}.done`), '');
  jobs = s.open();
  try {
    const requeued = jobs.get(job.id);
    assert.equal(requeued.state, 'queued');
    assert.equal(requeued.resumes, 1);
    jobs.start();
    const done = await jobs.wait(job.id);
    assert.equal(done.state, 'succeeded');
    assert.equal(done.resumes, 1);
    assert.deepEqual(order, [`${job.id}:start@5`, `${job.id}:frame5`, `${job.id}:frame6`, `${job.id}:frame7`]);
  } finally {
    await jobs.close();
    s.cleanup();
  }
});

test('closing pauses a running job (queued again, not resumed-after-crash); one process per data folder', async () => {
  const order: string[] = [];
  const s = setup(frameTask(20, order));
  let jobs = s.open();
  assert.throws(() => s.open(), (e: any) => e.code === 'E_BUSY');
  const { job } = jobs.submit(s.request(50));
  jobs.start();
  while (!order.some((l) => l.includes(':frame1'))) await sleep(5);
  await jobs.close();
  jobs = s.open();
  try {
    assert.equal(jobs.get(job.id).state, 'queued');
    assert.equal(jobs.get(job.id).resumes, 0);
    jobs.start();
    await sleep(30);
    assert.ok(order.some((l) => /:start@[1-9]/.test(l)), 'continued from its checkpoints');
    await jobs.cancel(job.id);
  } finally {
    await jobs.close();
    s.cleanup();
  }
});

test('a task’s preview frame reaches listeners as a small JPEG', async () => {
  const s = setup({
    name: 'copy',
    label: 'preview',
    engines: ['classical'],
    async run(ctx) {
      const width = 640;
      const height = 360;
      const data = new Float32Array(width * height * 3).fill(0.5);
      ctx.progress({ phase: 'work', done: 1, total: 2, preview: { width, height, channels: 3, data } });
      await sleep(300);
      ctx.progress({ phase: 'work', done: 2, total: 2 });
      return { outputs: [], metrics: {} };
    },
  });
  const jobs = s.open();
  const previews: string[] = [];
  jobs.subscribe((e) => e.type === 'progress' && e.progress.preview && previews.push(e.progress.preview));
  try {
    const { job } = jobs.submit(s.request(1));
    jobs.start();
    await jobs.wait(job.id);
    assert.equal(previews.length, 1);
    const jpeg = Buffer.from(previews[0]!, 'base64');
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], 'JPEG');
    const { default: sharp } = await import('sharp');
    const meta = await sharp(jpeg).metadata();
    assert.deepEqual([meta.width, meta.height], [256, 144], 'scaled to 256 on the long side');
    assert.equal(jobs.get(job.id).progress?.preview, undefined, 'previews are not stored in the record');
  } finally {
    await jobs.close();
    s.cleanup();
  }
});

test('notes a task returns are stored with the record and sent with the result event', async () => {
  const base = frameTask(1);
  const task: TaskDefinition<'copy'> = { ...base, async run(ctx) { return { ...(await base.run(ctx)), notes: ['Lighting: warm key from the left'] }; } };
  const s = setup(task);
  const jobs = s.open();
  const events: JobEvent[] = [];
  const unsubscribe = jobs.subscribe((e) => events.push(e));
  try {
    const { job } = jobs.submit(s.request(2));
    jobs.start();
    const done = await jobs.wait(job.id);
    assert.equal(done.state, 'succeeded');
    assert.deepEqual(done.notes, ['Lighting: warm key from the left']);
    const result = events.find((e) => e.type === 'result');
    assert.ok(result && result.type === 'result');
    assert.deepEqual(result.notes, ['Lighting: warm key from the left']);
  } finally {
    unsubscribe();
    await jobs.close();
    s.cleanup();
  }
});
