import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseJobRequest } from '@synthetic-studio/shared';
import { parseFrameArg, resolveFrameArg } from '../../src/cli/frame-arg.js';
import { buildRunRequest } from '../../src/cli/run-request.js';
import { renderBar } from '../../src/cli/progress-bar.js';

test('--in/--out: frame numbers and timecodes (NDF, DF, 23.976) become source frames', () => {
  assert.deepEqual(parseFrameArg('120', '--in'), { kind: 'frame', frame: 120 });
  assert.throws(() => parseFrameArg('12.5', '--in'), (e: any) => e.code === 'E_VALIDATION');
  const at24 = { fps: { num: 24, den: 1 }, startTimecode: '01:00:00:00' };
  assert.equal(resolveFrameArg(parseFrameArg('01:00:01:00', '--in'), at24, '--in'), 24);
  const df = { fps: { num: 30000, den: 1001 }, startTimecode: '00:59:59;28' };
  // 00:59:59;28 → 01:00:00;00 is 2 frames; the minute boundary drops no labels at minute 60 (a tenth minute).
  assert.equal(resolveFrameArg(parseFrameArg('01:00:00;00', '--in'), df, '--in'), 2);
  const dfMinute = { fps: { num: 30000, den: 1001 }, startTimecode: '00:00:59;29' };
  assert.equal(resolveFrameArg(parseFrameArg('00:01:00;02', '--in'), dfMinute, '--in'), 1, 'labels ;00 and ;01 are dropped at minute 1');
  const ndf2398 = { fps: { num: 24000, den: 1001 }, startTimecode: null };
  assert.equal(resolveFrameArg(parseFrameArg('00:00:10:00', '--out'), ndf2398, '--out'), 240);
});

test('run flags become one JobRequest that the shared schema accepts', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'req '));
  try {
    const inpaint = buildRunRequest('inpaint', { input: 'clips/Día 1.mov', in: 10, out: 40, mask: 'mask.png', maskFrame: 12, prompt: 'grass', engine: 'diffusion', model: 'sd15-inpaint', output: dir, format: 'prores', seed: 7, dilate: 6, feather: 3, steps: 20, keyframeSpacing: 8, strength: 0.9 }, '/work');
    const r = parseJobRequest(inpaint);
    assert.equal(r.task, 'inpaint');
    assert.equal(r.source.path, path.resolve('/work', 'clips/Día 1.mov'));
    assert.deepEqual([r.source.in, r.source.out], [10, 40]);
    assert.equal(r.output.dir, dir, 'an existing folder gets a versioned name inside');
    assert.equal(r.output.path, undefined);
    assert.deepEqual(r.mask, { kind: 'file', path: path.resolve('/work', 'mask.png'), channel: 'auto', frame: 12, track: true });
    assert.equal(r.task === 'inpaint' && r.params.keyframeSpacing, 8);
    assert.equal(r.seed, 7);
    const exact = parseJobRequest(buildRunRequest('copy', { input: '/a.mov', output: path.join(dir, 'new folder'), format: 'png16' }));
    assert.equal(exact.output.path, path.join(dir, 'new folder'), 'a new path is the exact destination');
    const ext = parseJobRequest(buildRunRequest('extend', { input: '/a.mov', size: '1920x1080', anchor: 'left' }));
    assert.deepEqual(ext.task === 'extend' && [ext.params.mode, ext.params.size], ['spatial', { width: 1920, height: 1080 }]);
    // A flag the task does not take is refused by the schema, naming it.
    assert.throws(() => parseJobRequest(buildRunRequest('copy', { input: '/a.mov', frames: 12 })), (e: any) => e.code === 'E_VALIDATION' && /params/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the progress bar shows phase, percent, frames and ETA', () => {
  assert.equal(renderBar({ phase: 'encode', done: 12, total: 24, eta: 75 }, 10), 'encode     [#####-----]  50%  12/24 frames  ETA 1:15');
});

test('on a terminal the bar is redrawn in place; elsewhere one line per phase or 10 % step', async () => {
  const { createProgressReporter } = await import('../../src/cli/progress-bar.js');
  const tty = { isTTY: true, columns: 100, out: '', write(s: string) { this.out += s; return true; } };
  const bar = createProgressReporter(tty as unknown as NodeJS.WriteStream);
  bar.update({ phase: 'copy', done: 5, total: 10, eta: 3 });
  bar.update({ phase: 'copy', done: 6, total: 10 });
  bar.end();
  assert.equal(tty.out.split('\r').length - 1, 3, 'two redraws and a clear, no newlines');
  assert.ok(!tty.out.includes('\n'));
  assert.match(tty.out, /copy\s+\[#+-+\]\s+50%\s+5\/10 frames\s+ETA 0:03/);
  const pipe = { isTTY: false, out: '', write(s: string) { this.out += s; return true; } };
  const lines = createProgressReporter(pipe as unknown as NodeJS.WriteStream);
  for (let i = 1; i <= 100; i++) lines.update({ phase: 'copy', done: i, total: 100 });
  lines.update({ phase: 'encode', done: 100, total: 100 });
  assert.equal(pipe.out.trim().split('\n').length, 12, 'copy at 0, 10, … 100 % and one encode line');
});
