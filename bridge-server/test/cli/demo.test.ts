import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { parseJobRequest } from '@synthetic-studio/shared';
import { demoJobs } from '../../src/cli/commands/demo.js';
import { cli, lastLine } from './helpers.js';

test('the demo plan covers every task and engine with valid requests; diffusion only with fixtures', () => {
  const tasks = [
    { name: 'copy' as const, engines: ['classical' as const] },
    { name: 'inpaint' as const, engines: ['classical' as const, 'diffusion' as const] },
    { name: 'extend' as const, engines: ['classical' as const] },
    { name: 'relight' as const, engines: ['classical' as const, 'diffusion' as const] },
  ];
  const without = demoJobs(tasks, '/s/clip.mov', '/s/mask', '/out');
  assert.deepEqual([...new Set(without.map((j) => j.request.task))], ['copy', 'inpaint', 'extend', 'relight']);
  assert.ok(without.every((j) => j.request.engine === 'classical'));
  const withFixtures = demoJobs(tasks, '/s/clip.mov', '/s/mask', '/out', { 'sd-inpaint': '/f/sd-inpaint', 'ic-light-fc': '/f/ic' });
  const diffusion = withFixtures.filter((j) => j.request.engine === 'diffusion');
  assert.deepEqual(diffusion.map((j) => [j.request.task, j.request.model]), [['inpaint', '/f/sd-inpaint'], ['relight', '/f/ic']]);
  for (const j of withFixtures) parseJobRequest(j.request);
});

test('demo runs the registered tasks on the sample scene and writes a before/after contact sheet per job', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'demo ö '));
  try {
    const r = await cli(['demo', '--output', root, '--tasks', 'copy', '--no-diffusion', '--width', '64', '--height', '36', '--frames', '6', '--json'], path.join(root, 'home'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /JOB\s+STATE\s+SECONDS\s+OUTPUT\s+METRICS/);
    const result = JSON.parse(lastLine(r.stdout));
    assert.equal(result.jobs.length, 1);
    const job = result.jobs[0];
    assert.equal(job.status, 'succeeded');
    assert.equal(job.metrics.frames, 6);
    const sheet = await sharp(job.contactSheet).metadata();
    assert.equal(sheet.format, 'png');
    assert.ok(sheet.height! > 200 && sheet.width! > 3 * 100, `${sheet.width}x${sheet.height}: two rows of three tiles`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
