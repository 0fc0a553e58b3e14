import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { encodePng, probeMedia, readFrames, toLinear, fromLinear, resolveFfmpeg, type MediaInfo } from '../../src/media/index.js';
import { ffmpeg, ffmpegReferenceFrames, tempDir } from './helpers.js';

const dir = tempDir();

async function all(path: string, info: MediaInfo): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for await (const { index, frame } of readFrames(path, { info })) {
    assert.equal(index, out.length);
    out.push(frame.data);
  }
  return out;
}

/** Every listed in point: the first decoded frame (and the next) equal the same frames of a full decode. */
async function checkSeeks(path: string, starts: number[]): Promise<MediaInfo> {
  const info = await probeMedia(path);
  const full = await all(path, info);
  assert.equal(full.length, info.frameCount);
  for (const s of starts) {
    let k = s;
    for await (const { index, frame } of readFrames(path, { info, in: s, out: Math.min(s + 2, info.frameCount) })) {
      assert.equal(index, k);
      let diff = 0;
      for (let i = 0; i < frame.data.length; i++) if (frame.data[i] !== full[k][i]) diff++;
      assert.equal(diff, 0, `${path}: frame ${k} decoded from in=${s} differs from the full decode`);
      k++;
    }
    assert.equal(k, Math.min(s + 2, info.frameCount));
  }
  return info;
}

test('frame-accurate seek: long-GOP H.264 with B-frames (23.976)', async () => {
  const p = join(dir, 'gop.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x36:rate=24000/1001', '-frames:v', '60', '-c:v', 'libx264', '-g', '48', '-bf', '3', '-pix_fmt', 'yuv420p', p]);
  const info = await checkSeeks(p, [1, 2, 23, 24, 47, 48, 49, 58, 59]);
  assert.deepEqual(info.fps, { num: 24000, den: 1001 });
  assert.equal(info.intraOnly, false);
});

test('frame-accurate seek: intra codec (ProRes)', async () => {
  const p = join(dir, 'intra.mov');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x36:rate=25', '-frames:v', '30', '-c:v', 'prores_ks', '-pix_fmt', 'yuv422p10le', p]);
  const info = await checkSeeks(p, [1, 7, 13, 28, 29]);
  assert.equal(info.intraOnly, true);
});

test('frame-accurate seek: timestamps that do not start at zero (MKV and MOV, long-GOP)', async () => {
  for (const ext of ['mkv', 'mov']) {
    const p = join(dir, `offset.${ext}`);
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x36:rate=25', '-frames:v', '40', '-c:v', 'libx264', '-g', '30', '-bf', '2', '-pix_fmt', 'yuv420p', '-output_ts_offset', '10.5', p]);
    const info = await checkSeeks(p, [1, 5, 29, 30, 31, 39]);
    if (ext === 'mkv') assert.ok(Math.abs(info.startTime - 10.5) < 1e-6, `start time ${info.startTime}`);
  }
});

test('16-bit sources decode exactly (rgb48 and rgba64 PNG-in-MOV), alpha preserved', async () => {
  const W = 32;
  const H = 18;
  const frames = join(dir, 'rgb16');
  await mkdir(frames);
  const originals: Uint16Array[] = [];
  for (let f = 0; f < 3; f++) {
    const s = new Uint16Array(W * H * 4);
    for (let i = 0; i < s.length; i++) s[i] = (i * 7919 + f * 104729) % 65536;
    originals.push(s);
    await writeFile(join(frames, `${f}.png`), encodePng(s, W, H, 4, 16));
  }
  const mov = join(dir, 'rgba64.mov');
  await ffmpeg(['-framerate', '24', '-i', join(frames, '%d.png'), '-c:v', 'png', '-pix_fmt', 'rgba64be', mov]);
  const info = await probeMedia(mov);
  assert.equal(info.bitDepth, 16);
  assert.equal(info.hasAlpha, true);
  let f = 0;
  for await (const { frame } of readFrames(mov, { info, channels: 4 })) {
    let diff = 0;
    for (let i = 0; i < frame.data.length; i++) if (Math.round(frame.data[i] * 65535) !== originals[f][i]) diff++;
    assert.equal(diff, 0, `frame ${f}: 16-bit samples lost`);
    f++;
  }
  assert.equal(f, 3);
});

test('8-, 10- and 12-bit sources equal ffmpeg\'s own 16-bit decode', async () => {
  for (const [name, args] of [
    ['h264-8bit.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p']],
    ['prores-10bit.mov', ['-c:v', 'prores_ks', '-pix_fmt', 'yuv422p10le']],
    ['prores4444-12bit.mov', ['-c:v', 'prores_ks', '-profile:v', '4', '-pix_fmt', 'yuv444p10le']],
    ['ffv1-12bit.mkv', ['-c:v', 'ffv1', '-pix_fmt', 'yuv444p12le']],
  ] as const) {
    const p = join(dir, name);
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x36:rate=25', '-frames:v', '3', ...args, p]);
    const info = await probeMedia(p);
    const refDir = join(dir, `ref-${name}`);
    await mkdir(refDir);
    const ref = await ffmpegReferenceFrames(p, refDir, 3, 'bt601');
    const got = await all(p, info);
    assert.equal(got.length, ref.length);
    for (let k = 0; k < got.length; k++) {
      let diff = 0;
      for (let i = 0; i < got[k].length; i++) if (Math.round(got[k][i] * 65535) !== ref[k][i]) diff++;
      assert.equal(diff, 0, `${name} frame ${k}`);
    }
    if (name.includes('12bit') && name.startsWith('ffv1')) assert.equal(info.bitDepth, 12);
  }
});

test('probe: exact rational fps, packet-counted frames, drop-frame timecode, SAR, rotation, audio', async () => {
  const p = join(dir, 'probe.mkv');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x36:rate=30000/1001', '-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-frames:v', '17', '-vf', 'setsar=4/3',
    '-c:v', 'ffv1', '-c:a', 'pcm_s16le', '-shortest', '-metadata', 'timecode=01:00:00;02', p]);
  const info = await probeMedia(p);
  assert.deepEqual(info.fps, { num: 30000, den: 1001 });
  assert.equal(info.frameCount, 17, 'MKV has no frame count: packets are counted');
  assert.equal(info.startTimecode, '01:00:00;02');
  assert.equal(info.dropFrame, true);
  assert.deepEqual(info.sampleAspect, { num: 4, den: 3 });
  assert.equal(info.audio.length, 1);
  assert.equal(info.audio[0].sampleRate, 48000);
  assert.equal(info.vfr, false);
  // the 2018 ffmpeg writes a display matrix only when stream-copying
  const plain = join(dir, 'unrotated.mov');
  const rot = join(dir, 'rotated.mov');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x36:rate=25', '-frames:v', '2', '-c:v', 'prores_ks', plain]);
  await ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rot]);
  assert.equal((await probeMedia(plain)).rotation, 0);
  // quarter turn detected (sign conventions of the display matrix differ between ffmpeg builds)
  assert.ok([90, 270].includes((await probeMedia(rot)).rotation), 'display-matrix rotation (frames are delivered unrotated)');
});

test('resolveFfmpeg: env var wins, and the capabilities say what is missing', () => {
  const caps = resolveFfmpeg();
  const media = new URL('../../src/media/index.ts', import.meta.url).href;
  const probe = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { resolveFfmpeg } from '${media}'; try { const c = resolveFfmpeg(); console.log(c.ffmpeg.source + ' ' + c.ffmpeg.path); } catch (e) { console.log(e.code); }`], { env: { ...process.env, ...env }, encoding: 'utf8' }).stdout.trim();
  assert.equal(probe({ FFMPEG_PATH: caps.ffmpeg.path }), `env ${caps.ffmpeg.path}`);
  assert.equal(probe({ FFMPEG_PATH: join(dir, 'no-such-ffmpeg') }), 'E_FFMPEG');
  assert.ok(caps.encoders.prores && caps.encoders.png && caps.encoders.tiff && caps.encoders.h264);
  assert.equal(caps.encoders.exr, caps.missing.every((m) => !/EXR/.test(m)));
  assert.match(caps.ffmpeg.version, /\S/);
  assert.ok(['env', 'config', 'system', 'npm'].includes(caps.ffmpeg.source));
});

test('toLinear / fromLinear invert each other (sRGB, BT.709, BT.1886) and leave alpha alone', () => {
  const data = new Float32Array([0, 0.01, 0.5, 1, 0.2, 0.7, 0.04, 0.3]);
  const f = { width: 2, height: 1, channels: 4 as const, data };
  for (const t of ['srgb', 'bt709', 'bt1886', 'iec61966-2-1']) {
    const lin = toLinear(f, t);
    assert.equal(lin.data[3], 1);
    const back = fromLinear(lin, t);
    for (let i = 0; i < data.length; i++) assert.ok(Math.abs(back.data[i] - data[i]) < 1e-6, `${t} ${i}`);
  }
  assert.ok(Math.abs(toLinear(f, 'srgb').data[2] - 0.21404) < 1e-4);
  assert.ok(Math.abs(toLinear(f, 'bt1886').data[2] - Math.pow(0.5, 2.4)) < 1e-6);
});
