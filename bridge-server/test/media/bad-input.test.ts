import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isStudioError, type RequestOf } from '@synthetic-studio/shared';
import { probeMedia, readFrames, readFrame, resolveRange } from '../../src/media/index.js';
import { copyTask } from '../../src/tasks/copy.js';
import { makeCorpus } from './make-corpus.js';
import { taskContext, tempDir } from './helpers.js';

const corpus = makeCorpus(join(tempDir(), 'corpus'));

function rejectsWith(code: string, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(isStudioError(e), `expected a StudioError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

test('bad inputs give typed errors that name the problem', async () => {
  const c = await corpus;
  await assert.rejects(probeMedia(c.missing), rejectsWith('E_MEDIA_MISSING', /does-not-exist/));
  await assert.rejects(probeMedia(c.empty), rejectsWith('E_MEDIA_EMPTY', /0 bytes/));
  await assert.rejects(probeMedia(c.truncatedMp4), rejectsWith('E_MEDIA_CORRUPT', /moov/));
  await assert.rejects(probeMedia(c.audioOnly), rejectsWith('E_MEDIA_NO_VIDEO', /only audio/));
  await assert.rejects(probeMedia(c.still), rejectsWith('E_MEDIA_STILL', /still image/));
  await assert.rejects(probeMedia(c.unusualPixFmt), rejectsWith('E_MEDIA_PIXFMT', /monob/));
  await assert.rejects(probeMedia(c.garbage), rejectsWith('E_MEDIA_CORRUPT'));
  await assert.rejects(probeMedia(c.mpegts), (e: unknown) => isStudioError(e) && ['E_MEDIA_CORRUPT'].includes(e.code));
  await assert.rejects(probeMedia(c.dir), rejectsWith('E_MEDIA_MISSING', /folder/));
  // size limit: configurable; a small limit stands in for an 8K/16K source
  await assert.rejects(probeMedia(c.normal, { maxPixels: 1000 }), rejectsWith('E_MEDIA_TOO_LARGE', /64x36 \(2304 pixels\), above the limit of 1000/));
  assert.equal((await probeMedia(c.normal)).width, 64);
});

test('ranges: in >= out and past the end are E_RANGE naming the numbers', async () => {
  const c = await corpus;
  const info = await probeMedia(c.normal);
  assert.throws(() => resolveRange(info, 3, 3), rejectsWith('E_RANGE', /In point 3 must be below out point 3/));
  assert.throws(() => resolveRange(info, 2, 9), rejectsWith('E_RANGE', /Out point 9 is past the end of the clip, which has 4 frames/));
  assert.deepEqual(resolveRange(info), { in: 0, out: 4 });
  const it = readFrames(c.normal, { info, in: 4, out: 5 });
  await assert.rejects(it.next(), rejectsWith('E_RANGE'));
  const ctx = taskContext<RequestOf<'copy'>>({ task: 'copy', source: { path: c.normal, in: 1, out: 40 }, output: { format: 'png16', dir: join(c.dir, 'out') } }, join(c.dir, 'work-range'));
  await assert.rejects(copyTask.run(ctx), rejectsWith('E_RANGE', /40/));
});

test('VFR is refused with a sentence on how to conform, and conformed only when asked', async () => {
  const c = await corpus;
  const info = await probeMedia(c.vfr);
  assert.equal(info.vfr, true);
  await assert.rejects(readFrames(c.vfr, { info }).next(), rejectsWith('E_MEDIA_VFR', /conform it to a constant rate first, e\.g\. `ffmpeg/));
  let n = 0;
  for await (const f of readFrames(c.vfr, { info, conformFps: { num: 25, den: 1 } })) {
    assert.equal(f.index, n++);
  }
  // 10 irregular frames over ~0.9 s become one frame per 1/25 s over the whole duration
  assert.equal(n, Math.floor(info.duration * 25 + 1e-6));
  assert.ok(n > 10, `${n} conformed frames`);
});

test('odd sizes, a path starting with "-", spaces and non-ASCII all decode and copy', async () => {
  const c = await corpus;
  const odd = await probeMedia(c.oddSize);
  assert.equal(odd.width, 65);
  assert.equal(odd.height, 37);
  const f = await readFrame(c.oddSize, 2, { info: odd });
  assert.equal(f.width * f.height * 3, f.data.length);
  const ctx = taskContext<RequestOf<'copy'>>({ task: 'copy', source: { path: c.oddSize }, output: { format: 'prores', dir: join(c.dir, 'odd-out') } }, join(c.dir, 'work-odd'));
  const { outputs } = await copyTask.run(ctx);
  const back = await probeMedia(outputs[0].path);
  assert.equal(`${back.width}x${back.height}`, '65x37');
  assert.equal(back.frameCount, 3);

  const uni = await probeMedia(c.spacesUnicode);
  assert.equal(uni.frameCount, 4);
  const uctx = taskContext<RequestOf<'copy'>>({ task: 'copy', source: { path: c.spacesUnicode, in: 1, out: 3 }, output: { format: 'tiff16' } }, join(c.dir, 'work-uni'));
  const u = await copyTask.run(uctx);
  assert.ok(u.outputs[0].path.startsWith(c.dir), 'default destination is beside the source');
  assert.deepEqual((await readdir(u.outputs[0].path)).sort(), ['clip with spaces – ünïcødé 日本_copy_v001.0000001.tif', 'clip with spaces – ünïcødé 日本_copy_v001.0000002.tif']);

  const cwd = process.cwd();
  process.chdir(c.dir);
  try {
    const dash = await probeMedia(c.dashName);
    assert.equal(dash.frameCount, 4);
    let frames = 0;
    for await (const _ of readFrames(c.dashName, { info: dash })) frames++;
    assert.equal(frames, 4);
  } finally {
    process.chdir(cwd);
  }
});
