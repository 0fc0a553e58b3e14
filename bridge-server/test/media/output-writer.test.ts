import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addFramesToTimecode, parseJobRequest } from '@synthetic-studio/shared';
import { createOutputWriter, encodePng, probeMedia, readFrames, resolveRange, type MediaInfo } from '../../src/media/index.js';
import { ffmpeg, makeProres, psnr, tempDir } from './helpers.js';

const dir = tempDir();
const src = join(dir, 'plate.mov');
let info: MediaInfo;
const ready = (async () => {
  await makeProres(src, { size: '64x36', rate: '30000/1001', frames: 6, timecode: '00:59:59;26', audio: true });
  info = await probeMedia(src);
})();
const request = (format: string, outDir: string) => parseJobRequest({ task: 'extend', source: { path: src }, output: { format, dir: outDir } });

test('H.264 preview: frames, rate, colour and audio of the range', async () => {
  await ready;
  const range = resolveRange(info, 1, 5);
  const w = await createOutputWriter({ workDir: join(dir, 'w-h264'), request: request('h264', join(dir, 'o-h264')), info, range, task: 'preview' });
  for await (const { index, frame } of readFrames(src, { info, in: 1, out: 5 })) await w.write(index, frame);
  const [out] = await w.finalize({ engine: 'classical', params: {}, metrics: {}, wallSeconds: 0 });
  assert.match(out.path, /plate_preview_v001\.mp4$/);
  const p = await probeMedia(out.path);
  assert.equal(p.codec, 'h264');
  assert.equal(p.frameCount, 4);
  assert.deepEqual(p.fps, { num: 30000, den: 1001 });
  assert.equal(p.color.matrix, 'bt709');
  assert.equal(p.audio.length, 1);
  assert.equal(out.timecode, '00:59:59;27', 'source timecode at the in point (frame 1)');
  assert.equal(p.startTimecode, '00:59:59;27');
});

test('extend: output frames continue after the range with continuing timecode and no audio', async () => {
  await ready;
  const range = resolveRange(info, 0, 6);
  const w = await createOutputWriter({ workDir: join(dir, 'w-ext'), request: request('prores', join(dir, 'o-ext')), info, range, firstFrame: 6, frameCount: 3 });
  assert.deepEqual(w.missing(), [6, 7, 8]);
  const frame = { width: 64, height: 36, channels: 3 as const, data: new Float32Array(64 * 36 * 3).fill(0.25) };
  for (const i of [6, 7, 8]) await w.write(i, frame);
  const [out] = await w.finalize({ engine: 'classical', params: {}, metrics: {}, wallSeconds: 0 });
  assert.equal(out.firstFrame, 6);
  assert.equal(out.timecode, addFramesToTimecode('00:59:59;26', 6, info.fps));
  const p = await probeMedia(out.path);
  assert.equal(p.startTimecode, out.timecode);
  assert.equal(p.frameCount, 3);
  assert.equal(p.audio.length, 0, 'no source audio exists for frames past the end');
  const sidecar = JSON.parse(await readFile(out.sidecar!, 'utf8'));
  assert.equal(sidecar.output.firstFrame, 6);
  assert.equal(sidecar.task, 'extend');
});

test('ProRes 4444 keeps alpha', async () => {
  await ready;
  const frames = join(dir, 'rgba');
  await mkdir(frames);
  for (let f = 0; f < 3; f++) {
    const s = new Uint16Array(64 * 36 * 4);
    for (let p = 0; p < 64 * 36; p++) {
      s.set([20000 + f * 3000, 30000, 40000, (p % 64) * 1000], p * 4);
    }
    await writeFile(join(frames, `${f}.png`), encodePng(s, 64, 36, 4, 16));
  }
  const rgba = join(dir, 'rgba.mov');
  await ffmpeg(['-framerate', '24', '-i', join(frames, '%d.png'), '-c:v', 'png', '-pix_fmt', 'rgba64be', rgba]);
  const ri = await probeMedia(rgba);
  const w = await createOutputWriter({ workDir: join(dir, 'w-4444'), request: request('prores', join(dir, 'o-4444')), info: ri, range: resolveRange(ri), channels: 4 });
  const srcFrames = [];
  for await (const { index, frame } of readFrames(rgba, { info: ri, channels: 4 })) {
    srcFrames.push(frame);
    await w.write(index, frame);
  }
  const [out] = await w.finalize({ engine: 'classical', params: {}, metrics: {}, wallSeconds: 0 });
  const p = await probeMedia(out.path);
  assert.equal(p.pixFmt.startsWith('yuva444p'), true, p.pixFmt);
  let k = 0;
  for await (const { frame } of readFrames(out.path, { info: p, channels: 4 })) {
    let maxAlphaErr = 0;
    for (let i = 3; i < frame.data.length; i += 4) maxAlphaErr = Math.max(maxAlphaErr, Math.abs(frame.data[i] - srcFrames[k].data[i]));
    assert.ok(maxAlphaErr < 2 / 1023, `alpha error ${maxAlphaErr} (10-bit alpha: under two code values)`);
    const q = psnr(frame, srcFrames[k]);
    assert.ok(q > 45, `PSNR ${q}`);
    k++;
  }
  assert.equal(k, 3);
});

test('abort and a crashed run leave no partial file in the output folder', async () => {
  await ready;
  const range = resolveRange(info, 0, 4);
  const outDir = join(dir, 'o-abort');
  const frame = { width: 64, height: 36, channels: 3 as const, data: new Float32Array(64 * 36 * 3).fill(0.5) };
  const a = await createOutputWriter({ workDir: join(dir, 'w-abort'), request: request('prores', outDir), info, range });
  await a.write(0, frame);
  await a.write(1, frame);
  // ffmpeg creates its output file once it has the first frame: give it up to 5 s to appear
  const streaming = async () => (await readdir(join(dir, 'w-abort', 'segments'))).some((f) => f.startsWith('.tmp-seg-'));
  try {
    for (let t = 0; t < 100 && !(await streaming()); t++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(await streaming(), 'the segment streams into the work folder');
  } finally {
    await a.abort(); // also when the assertion fails: a live encoder would keep the test process waiting
  }
  assert.deepEqual(existsSync(outDir) ? await readdir(outDir) : [], [], 'nothing in the destination');
  assert.deepEqual((await readdir(join(dir, 'w-abort', 'segments'))).filter((f) => f.startsWith('.tmp')), [], 'temp segment removed');

  // a run that dies without abort(): the next writer on the same workDir drops its temp segment
  // and keeps the frames that were checkpointed one by one (small frames always are)
  const work = join(dir, 'w-crash');
  const crashed = await createOutputWriter({ workDir: work, request: request('prores', outDir), info, range });
  let resumed;
  try {
    await crashed.write(0, frame);
    resumed = await createOutputWriter({ workDir: work, request: request('prores', outDir), info, range });
    assert.deepEqual(resumed.missing(), [1, 2, 3]);
  } finally {
    await crashed.abort(); // (only to stop its encoder process in this test, pass or fail)
  }
  for (const i of [1, 2, 3]) await resumed.write(i, frame);
  const [out] = await resumed.finalize({ engine: 'classical', params: {}, metrics: {}, wallSeconds: 0 });
  assert.equal((await probeMedia(out.path)).frameCount, 4);
  assert.deepEqual((await readdir(outDir)).sort(), ['plate_extend_v001.json', 'plate_extend_v001.mov']);
});
