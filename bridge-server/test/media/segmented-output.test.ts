import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { addFramesToTimecode, parseJobRequest, type FloatFrame } from '@synthetic-studio/shared';
import { createOutputWriter, probeMedia, readFrames, readRawFrames, resolveFfmpeg, resolveRange, type MediaInfo, type OutputWriter } from '../../src/media/index.js';
import { runTool } from '../../src/media/process.js';
import { readExrHeader } from '../../src/media/exr-header.js';
import { unpackExrTimecode } from '../../src/media/exr-timecode.js';
import { makeProres, tempDir } from './helpers.js';

// Segments of 4 frames, and streamed frames never also kept one by one: the pure segment path.
process.env.SYNTHETIC_STUDIO_SEGMENT_FRAMES = '4';
process.env.SYNTHETIC_STUDIO_FRAME_CHECKPOINTS = 'never';

const dir = tempDir();
const src = join(dir, 'plate.mov');
const N = 10;
let info: MediaInfo;
const ready = (async () => {
  await makeProres(src, { size: '64x36', rate: '30000/1001', frames: 12, timecode: '00:59:59;26', audio: true });
  info = await probeMedia(src);
})();
const request = (format: string, outDir: string) => parseJobRequest({ task: 'copy', source: { path: src }, output: { format, dir: outDir, audio: true } });
const done = { engine: 'classical', params: {}, metrics: {}, wallSeconds: 0 };

/** A different picture for every frame (a gradient shifted by the index), so misplaced frames show. */
function frameOf(i: number): FloatFrame {
  const data = new Float32Array(64 * 36 * 3);
  for (let p = 0; p < 64 * 36; p++) {
    const x = p % 64;
    const y = (p / 64) | 0;
    data[p * 3] = ((x + i * 5) % 64) / 63;
    data[p * 3 + 1] = y / 35;
    data[p * 3 + 2] = (i + 1) / (N + 1);
  }
  return { width: 64, height: 36, channels: 3, data };
}

async function writeAll(w: OutputWriter, order: number[]): Promise<void> {
  for (const k of order) await w.write(1 + k, frameOf(k));
}

const inOrder = Array.from({ length: N }, (_, k) => k);

async function run(format: string, name: string, order: number[]): Promise<string> {
  const w = await createOutputWriter({ workDir: join(dir, `w-${name}`), request: request(format, join(dir, `o-${name}`)), info, range: resolveRange(info, 1, 1 + N) });
  await writeAll(w, order);
  const [out] = await w.finalize(done);
  return out.path;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await sleep(25);
  assert.ok(cond(), 'timed out waiting');
}

/** A job killed after frame `stop` (its first segment complete, the second half streamed), resumed by a new writer on the same work folder. */
async function killedAndResumed(format: string, name: string, stop: number): Promise<{ path: string; resumed: number[] }> {
  const work = join(dir, `w-${name}`);
  const req = request(format, join(dir, `o-${name}`));
  const range = resolveRange(info, 1, 1 + N);
  const first = await createOutputWriter({ workDir: work, request: req, info, range });
  let second: OutputWriter;
  try {
    await writeAll(first, inOrder.slice(0, stop + 1));
    const seg0 = join(work, 'segments', format === 'png16' ? 'seg-000000' : 'seg-000000.mov');
    await until(() => existsSync(seg0));
    // the "kill": this writer is never used again (its encoder is stopped only so the test process can exit)
    second = await createOutputWriter({ workDir: work, request: req, info, range });
  } finally {
    await first.abort();
  }
  const resumed = inOrder.filter((k) => second.has(1 + k));
  for (const k of inOrder) if (!second.has(1 + k)) await second.write(1 + k, frameOf(k));
  const [out] = await second.finalize(done);
  return { path: out.path, resumed };
}

test('ProRes: a killed-then-resumed job keeps its complete segments and its movie equals an uninterrupted run byte for byte', async () => {
  await ready;
  const ref = await run('prores', 'ref-prores', inOrder);
  const { path, resumed } = await killedAndResumed('prores', 'cut-prores', 5);
  assert.deepEqual(resumed, [0, 1, 2, 3], 'only the complete first segment survives (streamed frames 4, 5 are redone)');
  assert.ok((await readFile(path)).equals(await readFile(ref)), 'resumed movie identical');
  const p = await probeMedia(path);
  assert.equal(p.frameCount, N);
  assert.deepEqual(p.fps, { num: 30000, den: 1001 });
  assert.equal(p.vfr, false, 'segment joins keep every frame on the grid');
  assert.equal(p.startTimecode, '00:59:59;27');
  assert.equal(p.color.primaries, 'bt709');
  assert.equal(p.color.matrix, 'bt709');
  assert.equal(p.audio.length, 1, 'audio of the range');
});

test('png16: a killed-then-resumed job gives the same files as an uninterrupted run', async () => {
  await ready;
  const ref = await run('png16', 'ref-png', inOrder);
  const { path, resumed } = await killedAndResumed('png16', 'cut-png', 6);
  assert.deepEqual(resumed, [0, 1, 2, 3]);
  const files = (await readdir(ref)).sort();
  assert.equal(files.length, N);
  assert.deepEqual((await readdir(path)).sort().map((f) => f.replace(/^.*\./, '')), files.map((f) => f.replace(/^.*\./, '')));
  assert.match(files[0], /\.0000001\.png$/, 'numbered by source frame');
  for (const f of await readdir(path)) {
    const twin = files.find((r) => r.endsWith(f.slice(f.indexOf('.'))))!;
    assert.ok((await readFile(join(path, f))).equals(await readFile(join(ref, twin))), `${f} identical`);
  }
});

test('frames written out of order (reversed, shuffled) give the same movie as in order, and their checkpoints go once encoded', async () => {
  await ready;
  const ref = await run('prores', 'ord-in', inOrder);
  const reversed = await run('prores', 'ord-rev', [...inOrder].reverse());
  const shuffled = await run('prores', 'ord-shuf', [5, 0, 2, 1, 9, 3, 8, 4, 7, 6]);
  const bytes = await readFile(ref);
  assert.ok((await readFile(reversed)).equals(bytes), 'reversed');
  assert.ok((await readFile(shuffled)).equals(bytes), 'shuffled');
  for (const name of ['ord-rev', 'ord-shuf']) {
    assert.deepEqual((await readdir(join(dir, `w-${name}`, 'frames'))).filter((f) => f.endsWith('.png')), [], `${name}: no frame checkpoint left`);
  }
  // and every decoded frame is closest to the frame written at its place
  let k = 0;
  for await (const { frame } of readFrames(reversed, {})) {
    const err = inOrder.map((j) => {
      const want = frameOf(j);
      let e = 0;
      for (let i = 0; i < want.data.length; i++) e += Math.abs(frame.data[i] - want.data[i]);
      return e / want.data.length;
    });
    assert.equal(err.indexOf(Math.min(...err)), k, `frame ${k} is in place (mean errors ${err.map((e) => e.toFixed(3)).join(' ')})`);
    k++;
  }
  assert.equal(k, N);
});

test('a rewrite of a frame already taken is ignored, frames outside the output are refused', async () => {
  await ready;
  const w = await createOutputWriter({ workDir: join(dir, 'w-twice'), request: request('prores', join(dir, 'o-twice')), info, range: resolveRange(info, 1, 1 + N) });
  await w.write(1, frameOf(0));
  assert.equal(w.has(1), true);
  await w.write(1, frameOf(3));
  await assert.rejects(w.write(0, frameOf(0)), /outside/);
  await w.abort({ purge: true });
  assert.equal(existsSync(join(dir, 'w-twice', 'segments')), false);
});

test('H.264 over several segments: every frame once, exact rate, timecode, audio', async () => {
  await ready;
  const path = await run('h264', 'h264', inOrder);
  const p = await probeMedia(path);
  assert.equal(p.codec, 'h264');
  assert.equal(p.frameCount, N);
  assert.deepEqual(p.fps, { num: 30000, den: 1001 });
  assert.equal(p.vfr, false);
  assert.equal(p.startTimecode, '00:59:59;27');
  assert.equal(p.audio.length, 1);
});

test('image sequences with audio: the range as a WAV beside the sequence, listed in the sidecar', async () => {
  await ready;
  const w = await createOutputWriter({ workDir: join(dir, 'w-wav'), request: request('tiff16', join(dir, 'o-wav')), info, range: resolveRange(info, 1, 1 + N) });
  await writeAll(w, inOrder);
  const [out] = await w.finalize(done);
  const wav = `${out.path}.wav`;
  const sidecar = JSON.parse(await readFile(out.sidecar!, 'utf8'));
  assert.deepEqual(sidecar.output.audioFiles, [wav]);
  assert.equal(sidecar.output.audio, true);
  assert.ok((await stat(wav)).size > 44);
  const r = await runTool(resolveFfmpeg().ffprobe.path, ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,duration', '-of', 'json', wav]);
  const [s] = JSON.parse(r.stdout.toString()).streams;
  assert.equal(s.codec_name, 'pcm_s16le', 'PCM, the source\'s sample format');
  assert.equal(Number(s.sample_rate), info.audio[0].sampleRate);
  // the range's audio: N frames from frame 1, or up to where the source's audio ends
  const [srcAudio] = JSON.parse((await runTool(resolveFfmpeg().ffprobe.path, ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=duration', '-of', 'json', src])).stdout.toString()).streams;
  const want = Math.min((N * 1001) / 30000, Number(srcAudio.duration) - 1001 / 30000);
  assert.ok(Math.abs(Number(s.duration) - want) < 0.002, `duration ${s.duration}, expected ${want}`);
  assert.equal((await readdir(out.path)).length, N);
  assert.deepEqual((await readdir(join(dir, 'o-wav'))).filter((f) => f.startsWith('.')), [], 'no temp left');
});

test('EXR sequences come from the built-in writer (any ffmpeg): numbered by source frame, own timecode per file, pixels of the frames', async () => {
  await ready;
  const w = await createOutputWriter({ workDir: join(dir, 'w-exr'), request: request('exr', join(dir, 'o-exr')), info, range: resolveRange(info, 1, 1 + N) });
  await writeAll(w, [...inOrder].reverse()); // out of order too
  const [out] = await w.finalize(done);
  const files = (await readdir(out.path)).sort();
  assert.equal(files.length, N);
  assert.match(files[0], /^plate_copy_v\d{3}\.0000001\.exr$/);
  const sidecar = JSON.parse(await readFile(out.sidecar!, 'utf8'));
  assert.deepEqual(sidecar.output.exr, { writer: 'built-in', pixelType: 'half', compression: 'zip', linear: false });
  const bytes = await readFile(join(out.path, files[5]));
  const header = readExrHeader(bytes);
  assert.ok(header.attributes.has('timeCode') && header.attributes.has('framesPerSecond'));
  const u = unpackExrTimecode((header.attributes.get('timeCode')!.value as { timeAndFlags: number }).timeAndFlags);
  const p2 = (n: number) => String(n).padStart(2, '0');
  assert.equal(`${p2(u.hours)}:${p2(u.minutes)}:${p2(u.seconds)}${u.dropFrame ? ';' : ':'}${p2(u.frames)}`, addFramesToTimecode('00:59:59;27', 5, info.fps), 'the 6th file carries its own timecode');
  // ffmpeg decodes frame 5 back to the samples written (HALF: within half precision of v/65535)
  const r = await runTool(resolveFfmpeg().ffmpeg.path, ['-v', 'error', '-i', join(out.path, files[5]), '-f', 'rawvideo', '-pix_fmt', 'rgb48le', '-']);
  assert.equal(r.code, 0, r.stderr);
  const got = new Uint16Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length / 2);
  const want = frameOf(5);
  let err = 0;
  for (let i = 0; i < want.data.length; i++) err = Math.max(err, Math.abs(got[i] / 65535 - want.data[i]));
  assert.ok(err < 1e-3, `max error ${err}`);
});

test('pass-through (decoder piped into each segment encoder) gives the same bytes as frames written one by one, also mixed with them', async () => {
  await ready;
  const range = resolveRange(info, 1, 1 + N);
  for (const format of ['prores', 'png16']) {
    const open = (name: string) => createOutputWriter({ workDir: join(dir, `w-pt-${format}-${name}`), request: request(format, join(dir, `o-pt-${format}-${name}`)), info, range });
    const viaNode = await open('node');
    for await (const f of readRawFrames(src, { info, in: range.in, out: range.out, byteOrder: 'be' })) await viaNode.writeRaw(f.index, f.data);
    const [a] = await viaNode.finalize(done);

    const piped = await open('piped');
    const pt = await piped.passThrough({ channels: 3 });
    assert.equal(pt.frames, N);
    assert.ok(pt.hashes.first && pt.hashes.last, 'first and last frame hashed');
    assert.deepEqual(piped.missing(), []);
    const [b] = await piped.finalize(done);

    // a job that wrote two frames itself, then piped the untouched segments, then wrote the rest
    const mixed = await open('mixed');
    const first = readRawFrames(src, { info, in: range.in, out: range.in + 2, byteOrder: 'be' });
    for await (const f of first) await mixed.writeRaw(f.index, f.data);
    const seen: number[] = [];
    assert.equal((await mixed.passThrough({ channels: 3, onSegment: (n) => seen.push(n) })).frames, N - 4, 'segments 1 and 2 piped, segment 0 had begun');
    assert.deepEqual(seen, [4, N - 4]);
    for await (const f of readRawFrames(src, { info, in: range.in + 2, out: range.in + 4, byteOrder: 'be' })) await mixed.writeRaw(f.index, f.data);
    const [c] = await mixed.finalize(done);

    const sidecars = await Promise.all([a, b, c].map(async (o) => JSON.parse(await readFile(o.sidecar!, 'utf8')).output.frameHashes));
    assert.deepEqual(sidecars[1], sidecars[0], `${format}: same first/last frame hashes`);
    assert.deepEqual(sidecars[2], sidecars[0]);
    if (format === 'prores') {
      const bytes = await readFile(a.path);
      assert.ok((await readFile(b.path)).equals(bytes), 'piped movie identical');
      assert.ok((await readFile(c.path)).equals(bytes), 'mixed movie identical');
    } else {
      const names = (await readdir(a.path)).sort();
      assert.equal(names.length, N);
      for (const o of [b, c]) {
        const other = (await readdir(o.path)).sort();
        for (let i = 0; i < N; i++) assert.ok((await readFile(join(o.path, other[i]))).equals(await readFile(join(a.path, names[i]))), `${format} ${other[i]}`);
      }
    }
  }
});

test('cancel while a segment streams: E_CANCELLED, the encoder stopped, no temp segment, nothing in the destination', async () => {
  await ready;
  const ac = new AbortController();
  const work = join(dir, 'w-cancel');
  const w = await createOutputWriter({ workDir: work, request: request('prores', join(dir, 'o-cancel')), info, range: resolveRange(info, 1, 1 + N), signal: ac.signal });
  for (const k of [0, 1, 2, 3, 4]) await w.write(1 + k, frameOf(k)); // segment 0 complete, segment 1 streaming
  await until(() => existsSync(join(work, 'segments', 'seg-000000.mov')));
  ac.abort();
  await assert.rejects(w.write(6, frameOf(5)), (e: { code?: string }) => e.code === 'E_CANCELLED');
  await w.abort();
  assert.deepEqual((await readdir(join(work, 'segments'))).filter((f) => f.startsWith('.tmp')), []);
  assert.equal(existsSync(join(dir, 'o-cancel')), false);
  const again = await createOutputWriter({ workDir: work, request: request('prores', join(dir, 'o-cancel')), info, range: resolveRange(info, 1, 1 + N) });
  assert.deepEqual(again.missing(), inOrder.slice(4).map((k) => 1 + k), 'the complete segment survives the cancel');
  await again.abort({ purge: true });
});
