import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderSampleScene } from '../../src/media/index.js';
import { bin, cli, lastLine } from './helpers.js';

// Segments of 8 frames (the output writer's default is 48): these clips are short, and a kill must
// land between segments. The bridge children inherit it.
process.env.SYNTHETIC_STUDIO_SEGMENT_FRAMES = '8';

/** Output frames made durable: per-frame checkpoints plus the files of complete sequence segments (the writer's work-folder layout). */
function durableFrames(workDir: string): number {
  const ls = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d) : []);
  const single = ls(path.join(workDir, 'frames')).filter((f) => f.endsWith('.png')).length;
  return single + ls(path.join(workDir, 'segments')).filter((f) => /^seg-\d+$/.test(f)).reduce((n, f) => n + ls(path.join(workDir, 'segments', f)).length, 0);
}

test('a killed `run` resumes on the next `run` with the same data folder', { timeout: 90_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli resume '));
  try {
    const meta = await renderSampleScene({ dir: path.join(root, 'sample'), width: 128, height: 72, frames: 96 });
    const clip = path.join(root, 'sample', meta.clip);
    const dataDir = path.join(root, 'data dir');
    const child = spawn(process.execPath, [bin, 'run', 'copy', '--input', clip, '--format', 'png16', '--output', path.join(root, 'first'), '--data-dir', dataDir, '--json'], { env: { ...process.env, SYNTHETIC_STUDIO_HOME: path.join(root, 'home') }, stdio: 'ignore' });
    const jobsDir = path.join(dataDir, 'jobs');
    let frames = 0;
    while (frames < 8) {
      await sleep(10);
      const ids = fs.existsSync(jobsDir) ? fs.readdirSync(jobsDir) : [];
      frames = ids.length ? durableFrames(path.join(jobsDir, ids[0]!)) : 0;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const second = await cli(['run', 'copy', '--input', clip, '--in', '0', '--out', '4', '--format', 'png16', '--output', path.join(root, 'second'), '--data-dir', dataDir, '--json'], path.join(root, 'home'));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /1 interrupted job\(s\).*run first/);
    assert.equal(JSON.parse(lastLine(second.stdout)).status, 'succeeded');
    const list = await cli(['jobs', '--data-dir', dataDir, '--json'], path.join(root, 'home'));
    const jobs = JSON.parse(lastLine(list.stdout)).jobs;
    const first = jobs.find((j: any) => j.request.output.path === path.join(root, 'first'));
    assert.equal(first.state, 'succeeded');
    assert.equal(first.resumes, 1);
    assert.ok(first.metrics.resumedFrames > 0);
    assert.equal(fs.readdirSync(path.join(root, 'first')).length, 96);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
