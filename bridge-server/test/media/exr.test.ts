import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isStudioError, type FloatFrame } from '@synthetic-studio/shared';
import { encodeExr, encodeExrAsync, encodeExrFrom16BE, encodeExrFrom16BEAsync, readExrHeader, resolveFfmpeg, type ExrEncodeOptions } from '../../src/media/index.js';
import { floatToHalf, halfToFloat, HALF_MAX } from '../../src/media/exr-half.js';
import { exrUnzipBlock, exrZipPredict, exrZipUnpredict } from '../../src/media/exr-zip.js';
import { packExrTimecode, unpackExrTimecode } from '../../src/media/exr-timecode.js';
import type { ExrChannel } from '../../src/media/exr-header.js';
import { runTool } from '../../src/media/process.js';
import { tempDir } from './helpers.js';

const dir = tempDir('ss-exr-');
let fileNo = 0;

/** Decode an EXR with the ffmpeg the bridge uses (its exr decoder) to 16-bit RGB(A) samples. */
async function ffmpegDecode(bytes: Uint8Array, channels: 3 | 4, decoderOpts: string[] = []): Promise<Uint16Array> {
  const path = join(dir, `f${fileNo++}.exr`);
  writeFileSync(path, bytes);
  const r = await runTool(resolveFfmpeg().ffmpeg.path, ['-v', 'error', '-nostdin', ...decoderOpts, '-i', path, '-f', 'rawvideo', '-pix_fmt', channels === 4 ? 'rgba64le' : 'rgb48le', '-'], { timeoutMs: 60000 });
  assert.equal(r.code, 0, `ffmpeg could not decode the EXR: ${r.stderr}`);
  return new Uint16Array(r.stdout.buffer.slice(r.stdout.byteOffset, r.stdout.byteOffset + r.stdout.length));
}

/** Deterministic test picture: ramps, exact 0 and 1, and scattered values (mulberry32). */
function testFrame(width: number, height: number, channels: 3 | 4, seed = 1): FloatFrame {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const data = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      data[i] = x / (width - 1);
      data[i + 1] = y / (height - 1);
      data[i + 2] = (x + y) % 5 === 0 ? (x & 1 ? 1 : 0) : rnd();
      if (channels === 4) data[i + 3] = rnd();
    }
  }
  return { width, height, channels, data };
}

/** The stored pixel data of every block, uncompressed (NONE or ZIP), concatenated. */
function storedPixelBytes(bytes: Uint8Array, lineBytes: number, height: number): Uint8Array {
  const h = readExrHeader(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint8Array(lineBytes * height);
  h.offsets.forEach((off, b) => {
    const y = dv.getInt32(off, true);
    assert.equal(y, b * h.linesPerBlock, 'block y coordinate');
    const size = dv.getInt32(off + 4, true);
    const next = b + 1 < h.offsets.length ? h.offsets[b + 1] : bytes.length;
    assert.equal(off + 8 + size, next, 'blocks are contiguous and sized as the table says');
    const lines = Math.min(h.linesPerBlock, height - y);
    out.set(exrUnzipBlock(bytes.subarray(off + 8, off + 8 + size), lines * lineBytes), y * lineBytes);
  });
  return out;
}

function halfsOf(raw: Uint8Array): Uint16Array {
  return new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

test('half conversion: exact cases, rounding, subnormals, overflow clamp, inf and NaN', () => {
  assert.equal(floatToHalf(0), 0x0000);
  assert.equal(floatToHalf(-0), 0x8000);
  assert.equal(floatToHalf(1), 0x3c00);
  assert.equal(floatToHalf(-2), 0xc000);
  assert.equal(floatToHalf(0.5), 0x3800);
  assert.equal(floatToHalf(HALF_MAX), 0x7bff);
  assert.equal(floatToHalf(65519), 0x7bff, 'below the rounding midpoint to 65536: rounds to 65504');
  assert.equal(floatToHalf(65520), 0x7bff, 'IEEE would give inf; we clamp finite values');
  assert.equal(floatToHalf(1e9), 0x7bff);
  assert.equal(floatToHalf(-1e9), 0xfbff);
  assert.equal(floatToHalf(Infinity), 0x7c00);
  assert.equal(floatToHalf(-Infinity), 0xfc00);
  const nan = floatToHalf(NaN);
  assert.equal(nan & 0x7c00, 0x7c00);
  assert.notEqual(nan & 0x3ff, 0, 'NaN stays NaN');
  assert.ok(Number.isNaN(halfToFloat(nan)));
  // subnormals: value = m · 2^-24
  assert.equal(floatToHalf(2 ** -24), 0x0001);
  assert.equal(floatToHalf(2 ** -25), 0x0000, 'exact tie rounds to even (0)');
  assert.equal(floatToHalf(1.5 * 2 ** -25), 0x0001);
  assert.equal(floatToHalf(3 * 2 ** -25), 0x0002, 'tie between 1 and 2 → 2 (even)');
  assert.equal(floatToHalf(1023 * 2 ** -24), 0x03ff);
  assert.equal(floatToHalf(1023.5 * 2 ** -24), 0x0400, 'rounds up into the smallest normal');
  assert.equal(floatToHalf(2 ** -14), 0x0400);
  assert.equal(floatToHalf(-(2 ** -24)), 0x8001);
  assert.equal(floatToHalf(1e-10), 0x0000);
  // normal rounding: ties to even
  assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00);
  assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02);
  assert.equal(floatToHalf(1 + 2 ** -11 + 2 ** -20), 0x3c01);
  // every finite half survives half → float → half
  for (let h = 0; h < 0x10000; h++) {
    if ((h & 0x7c00) === 0x7c00) continue;
    assert.equal(floatToHalf(halfToFloat(h)), h, `half 0x${h.toString(16)}`);
  }
  // nearest: the result is never farther than either neighbour (sweep over [2^-26, 65504])
  for (let v = 2 ** -26; v < HALF_MAX; v *= 1.0137) {
    const h = floatToHalf(v);
    const err = Math.abs(halfToFloat(h) - Math.fround(v));
    assert.ok(err <= Math.abs(halfToFloat(h + 1) - Math.fround(v)) && (h === 0 || err <= Math.abs(halfToFloat(h - 1) - Math.fround(v))), `${v}`);
  }
});

test('ZIP predictor = the two-step definition (even bytes then odd bytes, then byte deltas + 128) at any length and offset', () => {
  const reference = (raw: Uint8Array): Uint8Array => {
    const t = new Uint8Array(raw.length);
    let t1 = 0;
    let t2 = (raw.length + 1) >> 1;
    for (let i = 0; i < raw.length; i++) t[i % 2 === 0 ? t1++ : t2++] = raw[i];
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = i === 0 ? t[0] : (t[i] - t[i - 1] + 128) & 0xff;
    return out;
  };
  const big = new Uint8Array(300).map((_, i) => (i * 73 + (i >> 3) * 29) & 0xff);
  for (const n of [0, 1, 2, 3, 4, 5, 16, 17, 101, 256]) {
    for (const offset of [0, 1, 2]) {
      const raw = big.subarray(offset, offset + n);
      const got = new Uint8Array(n);
      exrZipPredict(raw, got);
      assert.deepEqual(got, reference(raw), `n=${n} offset=${offset}`);
      const back = new Uint8Array(n);
      exrZipUnpredict(got, back);
      assert.deepEqual(back, raw);
    }
  }
});

const COLOR_709 = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', range: 'tv' as const };

for (const channels of [3, 4] as const) {
  for (const compression of ['none', 'zip'] as const) {
    test(`float frame → EXR (${channels === 4 ? 'RGBA' : 'RGB'}, ${compression}): ffmpeg decodes HALF within half precision, FLOAT within 16-bit quantisation`, async () => {
      const frame = testFrame(33, 17, channels, channels * 10 + (compression === 'zip' ? 1 : 0));
      for (const pixelType of ['half', 'float'] as const) {
        const exr = encodeExr(frame, { pixelType, compression });
        assert.deepEqual(await encodeExrAsync(frame, { pixelType, compression }), exr, 'async = sync bytes');
        const got = await ffmpegDecode(exr, channels);
        assert.equal(got.length, frame.data.length);
        let worst = 0;
        for (let i = 0; i < got.length; i++) {
          const v = frame.data[i];
          // HALF: what the file holds is the nearest half; the decoder then quantises to 16 bits
          const stored = pixelType === 'half' ? halfToFloat(floatToHalf(v)) : v;
          worst = Math.max(worst, Math.abs(got[i] / 65535 - stored));
          if (pixelType === 'half') assert.ok(Math.abs(stored - v) <= Math.max(v, 2 ** -14) * 2 ** -11, `half precision at ${i}`);
        }
        assert.ok(worst <= 2 / 65535, `${pixelType}: worst ${worst * 65535} codes off the stored value`);
      }
    });
  }
}

test('16-bit BE samples → EXR: FLOAT decodes back to the same codes, HALF within half precision; ZIP and NONE hold the same pixels', async () => {
  for (const channels of [3, 4] as const) {
    const width = 37;
    const height = 35; // 3 ZIP blocks, the last one 3 lines
    const be = new Uint8Array(width * height * channels * 2);
    let s = 12345;
    for (let i = 0; i < be.length; i += 2) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const code = i % 14 === 0 ? 65535 : i % 22 === 0 ? 0 : s >>> 16;
      be[i] = code >> 8;
      be[i + 1] = code & 0xff;
    }
    const codes = (i: number) => (be[2 * i] << 8) | be[2 * i + 1];
    const float = encodeExrFrom16BE(be, width, height, channels, { pixelType: 'float', compression: 'zip' });
    const gotF = await ffmpegDecode(float, channels);
    for (let i = 0; i < gotF.length; i++) assert.ok(Math.abs(gotF[i] - codes(i)) <= 1, `float sample ${i}: ${gotF[i]} vs ${codes(i)}`);
    const half = encodeExrFrom16BE(be, width, height, channels, { pixelType: 'half', compression: 'zip' });
    const gotH = await ffmpegDecode(half, channels);
    for (let i = 0; i < gotH.length; i++) {
      const v = codes(i) / 65535;
      assert.ok(Math.abs(gotH[i] / 65535 - v) <= Math.max(v, 2 ** -14) * 2 ** -11 + 2 / 65535, `half sample ${i}`);
    }
    // the same pixels through NONE: identical stored bytes once the ZIP blocks are undone
    const lineBytes = width * channels * 2;
    const none = encodeExrFrom16BE(be, width, height, channels, { pixelType: 'half', compression: 'none' });
    assert.deepEqual(storedPixelBytes(half, lineBytes, height), storedPixelBytes(none, lineBytes, height));
    assert.ok(half.length < none.length, 'ZIP is smaller than NONE');
    // the async entry points (zlib on the thread pool) write the very same bytes
    assert.deepEqual(await encodeExrFrom16BEAsync(be, width, height, channels, { pixelType: 'half', compression: 'zip' }), half);
    assert.deepEqual(await encodeExrFrom16BEAsync(be, width, height, channels, { pixelType: 'float', compression: 'zip' }), float);
    // and the float entry point stores the very same halves for the same values
    const asFloat: FloatFrame = { width, height, channels, data: Float32Array.from({ length: width * height * channels }, (_, i) => codes(i) / 65535) };
    assert.deepEqual(storedPixelBytes(encodeExr(asFloat, { compression: 'none' }), lineBytes, height), storedPixelBytes(none, lineBytes, height));
  }
});

test('async encode: same bytes as sync, and the caller may reuse its buffers as soon as the call returns', async () => {
  const width = 5;
  const height = 150; // 10 ZIP blocks: more than one event-loop turn of block preparation
  const frame = testFrame(width, height, 3, 9);
  const be = new Uint8Array(width * height * 3 * 2).map((_, i) => (i * 131) & 0xff);
  const want16 = encodeExrFrom16BE(be, width, height, 3);
  const wantF = encodeExr(frame);
  const p16 = encodeExrFrom16BEAsync(be, width, height, 3);
  const pF = encodeExrAsync(frame);
  be.fill(0x5a);
  frame.data.fill(0.25);
  assert.deepEqual(await p16, want16);
  assert.deepEqual(await pF, wantF);
});

test('header: required attributes, channels A,B,G,R, windows, offsets, and the optional tags', () => {
  const frame = testFrame(33, 17, 4);
  const opts: ExrEncodeOptions = {
    compression: 'zip',
    timecode: '01:02:03;04',
    fps: { num: 30000, den: 1001 },
    color: { primaries: 'bt2020', transfer: 'bt709', matrix: 'bt2020nc', range: 'tv' },
    pixelAspect: { num: 4, den: 3 },
    owner: 'Synthetic Studio',
    comments: 'inpaint v001 — é',
  };
  const bytes = encodeExr(frame, opts);
  assert.deepEqual([...bytes.subarray(0, 4)], [0x76, 0x2f, 0x31, 0x01], 'magic 20000630');
  const h = readExrHeader(bytes);
  assert.equal(h.version, 2);
  assert.equal(h.flags, 0, 'single-part scanline, short names');
  const a = (name: string) => {
    const v = h.attributes.get(name);
    assert.ok(v, `attribute ${name}`);
    return v;
  };
  const ch = a('channels');
  assert.equal(ch.type, 'chlist');
  assert.deepEqual((ch.value as ExrChannel[]).map((c) => [c.name, c.pixelType, c.xSampling, c.ySampling]), [
    ['A', 1, 1, 1],
    ['B', 1, 1, 1],
    ['G', 1, 1, 1],
    ['R', 1, 1, 1],
  ]);
  assert.deepEqual(a('compression'), { type: 'compression', value: 3 });
  assert.deepEqual(a('dataWindow'), { type: 'box2i', value: [0, 0, 32, 16] });
  assert.deepEqual(a('displayWindow'), { type: 'box2i', value: [0, 0, 32, 16] });
  assert.deepEqual(a('lineOrder'), { type: 'lineOrder', value: 0 });
  assert.equal(a('pixelAspectRatio').type, 'float');
  assert.ok(Math.abs((a('pixelAspectRatio').value as number) - 4 / 3) < 1e-6);
  assert.deepEqual(a('screenWindowCenter'), { type: 'v2f', value: [0, 0] });
  assert.deepEqual(a('screenWindowWidth'), { type: 'float', value: 1 });
  assert.equal(a('chromaticities').type, 'chromaticities');
  const chroma = a('chromaticities').value as number[];
  [0.708, 0.292, 0.17, 0.797, 0.131, 0.046, 0.3127, 0.329].forEach((v, i) => assert.ok(Math.abs(chroma[i] - v) < 1e-6, `BT.2020 chromaticity ${i}`));
  assert.deepEqual(a('framesPerSecond'), { type: 'rational', value: { num: 30000, den: 1001 } });
  const tc = a('timeCode');
  assert.equal(tc.type, 'timecode');
  const { timeAndFlags, userData } = tc.value as { timeAndFlags: number; userData: number };
  // BCD 01:02:03:04 in bytes hours|minutes|seconds|frames, plus the drop-frame bit (6)
  assert.equal(timeAndFlags, 0x01020304 | 0x40);
  assert.equal(userData, 0);
  assert.deepEqual(a('owner'), { type: 'string', value: 'Synthetic Studio' });
  assert.deepEqual(a('comments'), { type: 'string', value: 'inpaint v001 — é' });
  // attributes are written sorted by name
  assert.deepEqual([...h.attributes.keys()], [...h.attributes.keys()].sort());
  // offset table: 2 ZIP blocks (16 + 1 lines); storedPixelBytes checks y, sizes and contiguity
  assert.equal(h.offsets.length, 2);
  assert.equal(h.offsets[0], h.headerEnd + 16);
  const raw = storedPixelBytes(bytes, 33 * 4 * 2, 17);
  // first line, channel A, pixel 0 = the frame's alpha at (0,0); channel R pixel 0 = red
  const halves = halfsOf(raw);
  assert.equal(halves[0], floatToHalf(frame.data[3]));
  assert.equal(halves[3 * 33], floatToHalf(frame.data[0]));
  // Without colour, timecode or fps: none of those attributes (no guessing)
  const plain = readExrHeader(encodeExr(testFrame(8, 4, 3), { compression: 'none' }));
  for (const n of ['chromaticities', 'timeCode', 'framesPerSecond', 'owner', 'comments']) assert.equal(plain.attributes.has(n), false, n);
  assert.equal(plain.offsets.length, 4, 'NONE: one block per scan line');
  assert.deepEqual((plain.attributes.get('channels')?.value as ExrChannel[]).map((c) => c.name), ['B', 'G', 'R']);
  // BT.709 primaries
  const c709 = readExrHeader(encodeExr(testFrame(8, 4, 3), { color: COLOR_709 })).attributes.get('chromaticities')?.value as number[];
  [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329].forEach((v, i) => assert.ok(Math.abs(c709[i] - v) < 1e-6));
});

test('timecode packing: NDF, DF, frame pairs above 30 fps; invalid labels refused', () => {
  const ndf = unpackExrTimecode(packExrTimecode('23:59:59:23', { fps: { num: 24000, den: 1001 } }).timeAndFlags);
  assert.deepEqual(ndf, { hours: 23, minutes: 59, seconds: 59, frames: 23, dropFrame: false, fieldPhase: false });
  const df = unpackExrTimecode(packExrTimecode('00:10:00;00', { fps: { num: 30000, den: 1001 } }).timeAndFlags);
  assert.deepEqual(df, { hours: 0, minutes: 10, seconds: 0, frames: 0, dropFrame: true, fieldPhase: false });
  // dropFrame option overrides the separator
  assert.equal(unpackExrTimecode(packExrTimecode('00:00:01:00', { dropFrame: true, fps: { num: 30000, den: 1001 } }).timeAndFlags).dropFrame, true);
  // 60p: 59 = pair 29, second frame of the pair
  const p60 = unpackExrTimecode(packExrTimecode('10:00:00:59', { fps: { num: 60, den: 1 } }).timeAndFlags);
  assert.deepEqual(p60, { hours: 10, minutes: 0, seconds: 0, frames: 29, dropFrame: false, fieldPhase: true });
  const p50 = unpackExrTimecode(packExrTimecode('10:00:00:48', { fps: { num: 50, den: 1 } }).timeAndFlags);
  assert.equal(p50.frames, 24);
  assert.equal(p50.fieldPhase, false);
  // offsets (a sequence frame's own timecode from the clip start), drop-frame aware
  const dfRate = { num: 30000, den: 1001 };
  assert.deepEqual(unpackExrTimecode(packExrTimecode('00:00:59;29', { fps: dfRate, offset: 1 }).timeAndFlags), { hours: 0, minutes: 1, seconds: 0, frames: 2, dropFrame: true, fieldPhase: false });
  assert.deepEqual(unpackExrTimecode(packExrTimecode('00:59:59;29', { fps: dfRate, offset: 1 }).timeAndFlags), { hours: 1, minutes: 0, seconds: 0, frames: 0, dropFrame: true, fieldPhase: false });
  assert.deepEqual(unpackExrTimecode(packExrTimecode('23:59:59:24', { fps: { num: 25, den: 1 }, offset: 2 }).timeAndFlags), { hours: 0, minutes: 0, seconds: 0, frames: 1, dropFrame: false, fieldPhase: false });
  // through the encoder: frame 100 of a 24000/1001 clip starting at 01:00:00:00 → 01:00:04:04
  const seq = readExrHeader(encodeExr(testFrame(4, 2, 3), { timecode: '01:00:00:00', timecodeOffset: 100, fps: { num: 24000, den: 1001 } })).attributes.get('timeCode')?.value as { timeAndFlags: number };
  assert.deepEqual(unpackExrTimecode(seq.timeAndFlags), { hours: 1, minutes: 0, seconds: 4, frames: 4, dropFrame: false, fieldPhase: false });
  const bad = (fn: () => unknown) => assert.throws(fn, (e) => isStudioError(e) && e.code === 'E_VALIDATION');
  bad(() => packExrTimecode('01:00:00:00', { offset: 3 })); // an offset needs the rate
  bad(() => packExrTimecode('00:01:00;00', { fps: { num: 30000, den: 1001 } })); // label dropped in DF
  bad(() => packExrTimecode('00:00:00;00', { fps: { num: 25, den: 1 } })); // DF at 25 fps
  bad(() => packExrTimecode('00:00:00:25', { fps: { num: 25, den: 1 } }));
  bad(() => packExrTimecode('00:00:00:45')); // above 30 fps without the rate
  bad(() => packExrTimecode('not a timecode'));
});

test('HDR: values above 1 survive in HALF (ffmpeg decode through the PQ curve), finite overflow clamps to 65504', async () => {
  const values = [0.25, 0.5, 1, 1.5, 2, 4, 16, 100, 1000, 5000];
  const data = new Float32Array(values.length * 3);
  values.forEach((v, i) => data.set([v, v / 2, v * 1.25], i * 3));
  const frame: FloatFrame = { width: values.length, height: 1, channels: 3, data };
  const bytes = encodeExr(frame, { pixelType: 'half', compression: 'zip' });
  // The bundled decoder clips to [0,1] when it converts to integers; through ST 2084 (its linear
  // 1.0 = 1 cd/m², 10000 = PQ 1.0) values up to 10000 land inside [0,1] without loss of meaning.
  const got = await ffmpegDecode(bytes, 3, ['-apply_trc', 'smpte2084']);
  const m1 = 2610 / 16384;
  const m2 = (2523 / 4096) * 128;
  const c1 = 3424 / 4096;
  const c2 = (2413 / 4096) * 32;
  const c3 = (2392 / 4096) * 32;
  const pqInverse = (e: number) => {
    const p = Math.pow(e, 1 / m2);
    return 10000 * Math.pow(Math.max(p - c1, 0) / (c2 - c3 * p), 1 / m1);
  };
  for (let i = 0; i < data.length; i++) {
    const back = pqInverse(got[i] / 65535);
    const v = data[i];
    assert.ok(Math.abs(back - v) / v < 2e-3, `sample ${i}: ${v} came back as ${back}`);
  }
  // Above the half range: clamped to 65504, never inf (read back from the stored block)
  const big: FloatFrame = { width: 2, height: 1, channels: 3, data: Float32Array.from([70000, 1e30, -1e30, 65504, 3, Infinity]) };
  const halves = halfsOf(storedPixelBytes(encodeExr(big, { compression: 'zip' }), 2 * 3 * 2, 1));
  // stored order: B(p0,p1), G(p0,p1), R(p0,p1)
  assert.deepEqual([...halves].map(halfToFloat), [-65504, Infinity, 65504, 3, 65504, 65504]);
});

test('linearize: colour channels through the media layer inverse transfer, alpha untouched; default stores code values', async () => {
  const width = 16;
  const height = 3;
  const be = new Uint8Array(width * height * 4 * 2);
  for (let i = 0; i < be.length / 2; i++) {
    const code = Math.round(((i * 2731) % 65536) * 0.999);
    be[2 * i] = code >> 8;
    be[2 * i + 1] = code & 0xff;
  }
  const code = (i: number) => ((be[2 * i] << 8) | be[2 * i + 1]) / 65535;
  const srgbToLinear = (v: number) => (v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
  const color = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: null, range: null };
  const lin = encodeExrFrom16BE(be, width, height, 4, { pixelType: 'float', compression: 'zip', linearize: true, color });
  const got = await ffmpegDecode(lin, 4);
  for (let i = 0; i < got.length; i++) {
    const want = i % 4 === 3 ? code(i) : srgbToLinear(code(i));
    assert.ok(Math.abs(got[i] / 65535 - want) <= 2 / 65535, `sample ${i}: ${got[i] / 65535} vs ${want}`);
  }
  // the float entry point linearizes the same way
  const frame: FloatFrame = { width, height, channels: 4, data: Float32Array.from({ length: width * height * 4 }, (_, i) => code(i)) };
  const fromFloat = encodeExr(frame, { pixelType: 'float', compression: 'zip', linearize: true, color });
  assert.deepEqual(storedPixelBytes(fromFloat, width * 16, height), storedPixelBytes(lin, width * 16, height));
  // linearize: false (the default) keeps code values even with a transfer tag
  const asIs = await ffmpegDecode(encodeExrFrom16BE(be, width, height, 4, { pixelType: 'float', color }), 4);
  for (let i = 0; i < asIs.length; i++) assert.ok(Math.abs(asIs[i] / 65535 - code(i)) <= 2 / 65535);
});

test('bad input: typed errors', () => {
  const bad = (fn: () => unknown, code = 'E_VALIDATION') => assert.throws(fn, (e) => isStudioError(e) && e.code === code);
  const f = testFrame(4, 4, 3);
  bad(() => encodeExr({ ...f, data: f.data.subarray(1) }));
  bad(() => encodeExr({ ...f, width: 0 }));
  bad(() => encodeExrFrom16BE(new Uint8Array(4 * 4 * 2 * 2), 4, 4, 2));
  bad(() => encodeExrFrom16BE(new Uint8Array(10), 4, 4, 3));
  bad(() => encodeExr(f, { color: { primaries: 'martian', transfer: null, matrix: null, range: null } }));
  bad(() => encodeExr(f, { linearize: true, color: { primaries: null, transfer: 'smpte2084', matrix: null, range: null } }));
  bad(() => encodeExrFrom16BE(new Uint8Array(4 * 4 * 3 * 2), 4, 4, 3, { linearize: true, color: { primaries: null, transfer: 'arib-std-b67', matrix: null, range: null } }));
  bad(() => encodeExr(f, { timecode: '00:01:00;00', fps: { num: 30000, den: 1001 } }));
  bad(() => encodeExr(f, { zipLevel: 11 }));
  bad(() => encodeExr(f, { pixelAspect: 0 }));
  bad(() => encodeExr(f, { fps: { num: 0, den: 1 } }));
  bad(() => readExrHeader(new Uint8Array(16)), 'E_MEDIA_CORRUPT');
  bad(() => readExrHeader(encodeExr(f).subarray(0, 40)), 'E_MEDIA_CORRUPT');
  // unspecified primaries write no chromaticities rather than failing
  assert.equal(readExrHeader(encodeExr(f, { color: { primaries: 'unknown', transfer: null, matrix: null, range: null } })).attributes.has('chromaticities'), false);
});

/** An OpenEXR command-line tool on PATH (Debian/Ubuntu package `openexr`), or null. */
function exrTool(name: string): string | null {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(d, name);
    if (d && existsSync(p)) return p;
  }
  return null;
}

const exrmaketiled = exrTool('exrmaketiled');
const exrheader = exrTool('exrheader');

test('the reference OpenEXR library reads our files: every sample bit-exact, attributes as written', { skip: !exrmaketiled || !exrheader ? 'OpenEXR tools (exrmaketiled, exrheader) not installed' : false }, async () => {
  const cases: [string, FloatFrame, ExrEncodeOptions][] = [
    ['rgba-half-zip', testFrame(33, 17, 4, 5), { timecode: '01:02:03;04', fps: { num: 30000, den: 1001 }, color: COLOR_709, owner: 'Synthetic Studio' }],
    ['rgb-float-zip', testFrame(33, 35, 3, 6), { pixelType: 'float' }],
    ['rgb-half-none', testFrame(20, 9, 3, 7), { compression: 'none' }],
  ];
  for (const [name, frame, opts] of cases) {
    // HDR and negative values too: the reference library must hold them as written
    const data = frame.data.map((v, i) => (i % 7 === 0 ? v * 40 - 3 : v));
    const f: FloatFrame = { ...frame, data };
    const path = join(dir, `${name}.exr`);
    const tiled = join(dir, `${name}.tiled.exr`);
    writeFileSync(path, encodeExr(f, opts));
    // exrmaketiled decodes every pixel through the OpenEXR library and writes them back as one
    // uncompressed tile (tile size ≥ image), which is simple to read here
    const r = await runTool(exrmaketiled!, ['-o', '-z', 'none', '-t', '2048', '2048', path, tiled], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr);
    const t = new Uint8Array(readFileSync(tiled));
    const h = readExrHeader(t);
    const dv = new DataView(t.buffer, t.byteOffset, t.byteLength);
    const off = dv.getUint32(h.headerEnd, true);
    const half = (opts.pixelType ?? 'half') === 'half';
    const c = frame.channels;
    const src = c === 4 ? [3, 2, 1, 0] : [2, 1, 0];
    let p = off + 20; // tileX, tileY, levelX, levelY, data size
    for (let y = 0; y < frame.height; y++) {
      for (let k = 0; k < c; k++) {
        for (let x = 0; x < frame.width; x++) {
          const want = data[(y * frame.width + x) * c + src[k]];
          if (half) assert.equal(dv.getUint16(p, true), floatToHalf(want), `${name} (${x},${y}) ch ${k}`);
          else assert.equal(dv.getFloat32(p, true), Math.fround(want), `${name} (${x},${y}) ch ${k}`);
          p += half ? 2 : 4;
        }
      }
    }
    if (opts.timecode) {
      const text = (await runTool(exrheader!, [path], { timeoutMs: 60000 })).stdout.toString('utf8');
      assert.match(text, /time 01:02:03:04/);
      assert.match(text, /drop frame 1/);
      assert.match(text, /framesPerSecond \(type rational\): 30000\/1001/);
      assert.match(text, /red +\(0\.64 0\.33\)/);
      assert.match(text, /owner \(type string\): "Synthetic Studio"/);
    }
  }
});
