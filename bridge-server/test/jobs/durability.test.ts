import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderSampleScene } from '../../src/media/index.js';
import { tempBridge } from '../server/helpers.js';

// Segments of 8 frames (the output writer's default is 48): these clips are short, and a kill must
// land between segments. The bridge children inherit it.
process.env.SYNTHETIC_STUDIO_SEGMENT_FRAMES = '8';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = path.join(repo, 'bin', 'synthetic-studio.js');

/** `synthetic-studio serve` in a child process; resolves with its URL once it listens. */
function serve(home: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...process.env, SYNTHETIC_STUDIO_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

function listFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/**
 * Output frames a job has made durable: per-frame checkpoints in `<workDir>/frames` plus the frames
 * of complete image-sequence segments in `<workDir>/segments` (the output writer's layout).
 */
function durableFrames(workDir: string): number {
  const single = listFiles(path.join(workDir, 'frames')).filter((f) => f.endsWith('.png')).length;
  const segs = listFiles(path.join(workDir, 'segments')).filter((f) => /^seg-\d+(\.mov)?$/.test(f));
  // a sequence segment is a folder of its frames; a movie segment holds SYNTHETIC_STUDIO_SEGMENT_FRAMES
  return single + segs.reduce((n, f) => n + (f.endsWith('.mov') ? 8 : listFiles(path.join(workDir, 'segments', f)).length), 0);
}

test('SIGKILL mid-job, restart: the job resumes from its checkpoints and its frames equal an uninterrupted run byte for byte', { timeout: 120_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable ü '));
  const children: ChildProcess[] = [];
  try {
    const meta = await renderSampleScene({ dir: path.join(root, 'sample'), width: 128, height: 72, frames: 96 });
    const clip = path.join(root, 'sample', meta.clip);
    const request = (out: string) => ({ task: 'copy', source: { path: clip, in: 4, out: 92 }, output: { format: 'png16', dir: out } });

    // Reference: an uninterrupted run.
    const ref = await tempBridge();
    const refJob = ref.jobs.submit(request(path.join(root, 'ref'))).job;
    const refDone = await ref.jobs.wait(refJob.id);
    await ref.dispose();
    assert.equal(refDone.state, 'succeeded');

    const home = path.join(root, 'home');
    let bridge = await serve(home);
    children.push(bridge.child);
    const token = fs.readFileSync(path.join(home, 'config', 'token'), 'utf8').trim();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const res = await fetch(`${bridge.url}/api/jobs`, { method: 'POST', headers, body: JSON.stringify(request(path.join(root, 'out'))) });
    assert.equal(res.status, 202);
    const { job } = await res.json();
    const workDir = path.join(home, 'data', 'jobs', job.id);
    while (durableFrames(workDir) < 10) await sleep(10);
    bridge.child.kill('SIGKILL');
    await new Promise((r) => bridge.child.once('exit', r));
    const atKill = durableFrames(workDir);
    assert.ok(atKill < 88, `killed mid-job (${atKill} of 88 frames checkpointed)`);
    assert.deepEqual(listFiles(path.join(root, 'out')).filter((f) => !f.startsWith('.')), [], 'no result in the output folder yet (only hidden partials)');

    bridge = await serve(home);
    children.push(bridge.child);
    let record: any;
    for (;;) {
      record = await (await fetch(`${bridge.url}/api/jobs/${job.id}`, { headers })).json();
      if (['succeeded', 'failed', 'cancelled'].includes(record.state)) break;
      await sleep(50);
    }
    assert.equal(record.state, 'succeeded', JSON.stringify(record.error));
    assert.equal(record.resumes, 1);
    assert.ok(record.metrics.resumedFrames > 0 && record.metrics.resumedFrames <= atKill, `resumed ${record.metrics.resumedFrames} frames from ${atKill} checkpoint files`);

    const refDir = refDone.outputs.find((o) => o.kind === 'sequence')!.path;
    const outDir = record.outputs.find((o: any) => o.kind === 'sequence').path;
    const refFrames = listFiles(refDir);
    assert.equal(refFrames.length, 88);
    assert.deepEqual(listFiles(outDir), refFrames);
    assert.deepEqual(listFiles(path.join(root, 'out')).filter((f) => f.startsWith('.')), [], 'the partial left by the kill was cleaned up');
    for (const f of refFrames) assert.ok(fs.readFileSync(path.join(outDir, f)).equals(fs.readFileSync(path.join(refDir, f))), `${f} identical`);
    const log = fs.readFileSync(path.join(home, 'data', 'logs', 'bridge.log'), 'utf8');
    assert.match(log, /job re-queued after an interrupted run/);
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('cancelling a copy mid-job over HTTP leaves no partial file in the output folder', { timeout: 60_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cancel '));
  const bridge = await tempBridge();
  try {
    const meta = await renderSampleScene({ dir: path.join(root, 'sample'), width: 128, height: 72, frames: 96 });
    const out = path.join(root, 'out');
    fs.mkdirSync(out);
    const headers = { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json' };
    for (const format of ['png16', 'prores']) {
      const { job } = await (await fetch(`${bridge.url}/api/jobs`, { method: 'POST', headers, body: JSON.stringify({ task: 'copy', source: { path: path.join(root, 'sample', meta.clip) }, output: { format, dir: out } }) })).json();
      while (durableFrames(bridge.jobs.workDir(job.id)) < 5) await sleep(10);
      const r = await fetch(`${bridge.url}/api/jobs/${job.id}`, { method: 'DELETE', headers });
      const rec = await r.json();
      assert.equal(rec.state, 'cancelled', format);
      assert.deepEqual(listFiles(out), [], `${format}: no partial output`);
      assert.ok(!fs.existsSync(bridge.jobs.workDir(job.id)), 'working folder cleaned up');
    }
  } finally {
    await bridge.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
