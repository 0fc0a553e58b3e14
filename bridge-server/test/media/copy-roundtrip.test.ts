import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { addFramesToTimecode, isStudioError, STANDARD_RATES, type RequestOf } from '@synthetic-studio/shared';
import { decodePng, probeMedia, readFrames } from '../../src/media/index.js';
import { copyTask } from '../../src/tasks/copy.js';
import { ffmpegReferenceFrames, makeProres, psnr, taskContext, tempDir } from './helpers.js';

const dir = tempDir();
const src = join(dir, 'source clip é.mov');
const ready = makeProres(src, { size: '96x54', rate: '25', frames: 8, timecode: '01:00:00:00', audio: true });

async function runCopy(format: 'png16' | 'prores' | 'tiff16' | 'h264', workDir: string, outDir: string, range = { in: 2, out: 6 }, signal?: AbortSignal) {
  const ctx = taskContext<RequestOf<'copy'>>({ task: 'copy', source: { path: src, ...range }, output: { format, dir: outDir } }, workDir, signal);
  return copyTask.run(ctx);
}

test('identity: 10-bit 4:2:2 ProRes → copy → 16-bit PNG equals ffmpeg\'s own 16-bit decode, every pixel', async () => {
  await ready;
  const outDir = join(dir, 'out-png');
  const { outputs } = await runCopy('png16', join(dir, 'work-png'), outDir);
  assert.equal(outputs.length, 1);
  const out = outputs[0];
  assert.equal(out.kind, 'sequence');
  assert.equal(out.frames, 4);
  assert.equal(out.timecode, '01:00:00:02');
  assert.match(out.path, /source clip é_copy_v001$/);
  const files = (await readdir(out.path)).sort();
  assert.deepEqual(files, [2, 3, 4, 5].map((f) => `source clip é_copy_v001.${String(f).padStart(7, '0')}.png`), 'numbered by source frame');
  const refDir = join(dir, 'ref');
  await mkdir(refDir);
  const ref = await ffmpegReferenceFrames(src, refDir);
  assert.equal(ref.length, 8);
  for (let f = 2; f < 6; f++) {
    const png = decodePng(await readFile(join(out.path, files[f - 2])));
    assert.equal(png.bitDepth, 16);
    assert.equal(png.samples.length, ref[f].length);
    let diff = 0;
    for (let i = 0; i < ref[f].length; i++) if (png.samples[i] !== ref[f][i]) diff++;
    assert.equal(diff, 0, `frame ${f}: ${diff} samples differ from ffmpeg's decode`);
  }
  const sidecar = JSON.parse(await readFile(out.sidecar!, 'utf8'));
  assert.deepEqual(sidecar.source.range, { in: 2, out: 6 });
  assert.equal(sidecar.task, 'copy');
  assert.equal(sidecar.engine, 'classical');
  assert.match(sidecar.source.frameHashes.first, /^[0-9a-f]{64}$/);
  assert.equal(sidecar.source.frameHashes.first, sidecar.output.frameHashes.first, 'copy: output first frame = source first frame');
  assert.equal(sidecar.source.frameHashes.last, sidecar.output.frameHashes.last);
  assert.ok(sidecar.versions.ffmpeg && sidecar.versions.tool && 'onnxruntime' in sidecar.versions);
  assert.equal(typeof sidecar.wallSeconds, 'number');
  // a second copy never collides
  const again = await runCopy('png16', join(dir, 'work-png2'), outDir);
  assert.match(again.outputs[0].path, /_copy_v002$/);
});

test('copy to ProRes: PSNR ≥ 50 dB against the source, timecode at the in point, colour tags and audio carried', async () => {
  await ready;
  const { outputs } = await runCopy('prores', join(dir, 'work-prores'), join(dir, 'out-prores'));
  const out = outputs[0];
  assert.match(out.path, /_copy_v001\.mov$/);
  const info = await probeMedia(out.path);
  assert.equal(info.codec, 'prores');
  assert.equal(info.pixFmt, 'yuv422p10le');
  assert.equal(info.frameCount, 4);
  assert.deepEqual(info.fps, { num: 25, den: 1 });
  assert.equal(info.startTimecode, '01:00:00:02');
  assert.equal(info.color.primaries, 'bt709');
  assert.equal(info.color.matrix, 'bt709');
  assert.equal(info.audio.length, 1, 'audio of the range copied');
  assert.ok(Math.abs(info.duration - 4 / 25) < 0.03, `duration ${info.duration}`);
  const srcFrames = [];
  for await (const f of readFrames(src, { in: 2, out: 6 })) srcFrames.push(f.frame);
  let i = 0;
  for await (const { frame } of readFrames(out.path, { info })) {
    const p = psnr(frame, srcFrames[i++]);
    assert.ok(p >= 50, `frame ${i - 1}: PSNR ${p.toFixed(2)} dB < 50`);
  }
  assert.equal(i, 4);
});

test('a killed copy resumes from its checkpoints and gives a byte-identical result', async () => {
  await ready;
  const work = join(dir, 'work-resume');
  const ac = new AbortController();
  const ctx = taskContext<RequestOf<'copy'>>({ task: 'copy', source: { path: src, in: 1, out: 7 }, output: { format: 'prores', dir: join(dir, 'out-killed') } }, work, ac.signal);
  ctx.progress = (u) => {
    if (u.phase === 'copy' && u.done === 3) ac.abort();
  };
  // frame by frame (no decoder piped straight into the encoder), so the cancel lands mid-segment
  process.env.SYNTHETIC_STUDIO_NO_PASSTHROUGH = '1';
  try {
    await assert.rejects(copyTask.run(ctx), (e) => isStudioError(e) && e.code === 'E_CANCELLED');
  } finally {
    delete process.env.SYNTHETIC_STUDIO_NO_PASSTHROUGH;
  }
  assert.equal((await readdir(join(work, 'frames'))).filter((f) => f.endsWith('.png')).length, 3, 'three frames checkpointed before the kill');
  await assert.rejects(readdir(join(dir, 'out-killed')).then((l) => (l.length ? Promise.resolve() : Promise.reject(new Error('empty')))), 'nothing left in the output folder');
  const resumed = await runCopy('prores', work, join(dir, 'out-resumed'), { in: 1, out: 7 });
  assert.equal(resumed.metrics.resumedFrames, 3);
  const clean = await runCopy('prores', join(dir, 'work-clean'), join(dir, 'out-clean'), { in: 1, out: 7 });
  const md5 = async (p: string) => createHash('md5').update(await readFile(p)).digest('hex');
  assert.equal(await md5(resumed.outputs[0].path), await md5(clean.outputs[0].path));
});

test('output timecode equals the source timecode at the in point: 23.976, 25, 29.97 DF', async () => {
  for (const [label, rate, tc] of [['23.976', '24000/1001', '00:59:59:20'], ['25', '25', '10:00:00:00'], ['29.97DF', '30000/1001', '00:00:59;28']] as const) {
    const s = join(dir, `tc-${label}.mov`);
    await makeProres(s, { size: '32x18', rate, frames: 6, timecode: tc });
    const info = await probeMedia(s);
    assert.equal(info.startTimecode, tc);
    const ctx = taskContext<RequestOf<'copy'>>({ task: 'copy', source: { path: s, in: 3, out: 5 }, output: { format: 'prores', dir: join(dir, `tc-out-${label}`) } }, join(dir, `tc-work-${label}`));
    const { outputs } = await copyTask.run(ctx);
    const expected = addFramesToTimecode(tc, 3, STANDARD_RATES[label]);
    assert.equal(outputs[0].timecode, expected);
    assert.equal((await probeMedia(outputs[0].path)).startTimecode, expected, `${label}: ${tc} + 3 frames`);
  }
});
