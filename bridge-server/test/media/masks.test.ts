import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { PNG_SIGNATURE, pngChunk } from '../../src/media/png-codec.js';
import sharp from 'sharp';
import { isStudioError, type FloatFrame, type MaskSpecInput, MaskSpecSchema } from '@synthetic-studio/shared';
import {
  createOutputWriter, decodePng, dilateMask, encodePng, featherMask, loadMask, probeMedia, rasterizeShapes, readFrames, readPngIndices, resolveRange,
  type MaskSource, type MediaInfo,
} from '../../src/media/index.js';
import { ffmpeg, ffmpegReferenceFrames, makeProres, taskContext, tempDir } from './helpers.js';

const dir = tempDir();
const src = join(dir, 'src.mov');
let info: MediaInfo;
const ready = (async () => {
  await makeProres(src, { size: '64x36', rate: '25', frames: 4 });
  info = await probeMedia(src);
})();

/** A palette PNG written chunk by chunk (sharp cannot write given indices). */
function palettePng(indices: Uint8Array, w: number, h: number, palette: number[][]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 3;
  const raw = Buffer.alloc((w + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w + 1)] = y % 2 ? 2 : 1; // exercise the sub/up filters
    for (let x = 0; x < w; x++) {
      const v = indices[y * w + x];
      const left = x ? indices[y * w + x - 1] : 0;
      const up = y ? indices[(y - 1) * w + x] : 0;
      raw[y * (w + 1) + 1 + x] = (v - (y % 2 ? up : left)) & 255;
    }
  }
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('PLTE', Buffer.from(palette.flat())), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

const spec = (s: MaskSpecInput) => MaskSpecSchema.parse(s);
const range = () => resolveRange(info, 0, 4);
async function first(m: MaskSource): Promise<FloatFrame> {
  return m.kind === 'single' ? m.mask : m.get(m.range.in);
}
const count = (f: FloatFrame, pred: (v: number) => boolean) => f.data.reduce((n, v) => n + (pred(v) ? 1 : 0), 0);
const code = (c: string) => (e: unknown) => isStudioError(e) && e.code === c;

test('palette PNG: instance ids are read from the indices (any id > 0, or a chosen id)', async () => {
  await ready;
  const ids = new Uint8Array(64 * 36);
  for (let y = 0; y < 36; y++) for (let x = 0; x < 64; x++) ids[y * 64 + x] = x < 10 ? 0 : x < 30 ? 1 : x < 50 ? 2 : 3;
  // palette colours chosen so that luma would mislead: id 3 is black
  const p = join(dir, 'ids.png');
  await writeFile(p, palettePng(ids, 64, 36, [[0, 0, 0], [200, 40, 40], [40, 200, 40], [0, 0, 0]]));
  assert.deepEqual(readPngIndices(await readFile(p)).indices, ids);
  const { info: si } = await sharp(p).raw().toBuffer({ resolveWithObject: true });
  assert.equal(si.channels, 3, 'sharp expands the palette to RGB (why we read the indices ourselves)');
  const any = await first(await loadMask(spec({ kind: 'file', path: p }), { info, range: range() }));
  assert.equal(count(any, (v) => v === 1), 54 * 36);
  const two = await first(await loadMask(spec({ kind: 'file', path: p, id: 2 }), { info, range: range() }));
  assert.equal(count(two, (v) => v === 1), 20 * 36);
  assert.equal(two.data[20], 0);
  assert.equal(two.data[35], 1);
  const real = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/sequences/dogs-jump');
  if (existsSync(real)) {
    const maskDir = (await readdir(real)).includes('masks') ? join(real, 'masks') : real;
    const f = (await readdir(maskDir)).filter((n) => n.endsWith('.png')).sort()[0];
    if (f) {
      const r = readPngIndices(await readFile(join(maskDir, f)));
      assert.ok(Math.max(...r.indices) >= 1, 'real DAVIS palette mask has instance ids');
    }
  }
});

test('luma vs alpha: detected when unambiguous, refused (E_MASK_CHANNEL) when not', async () => {
  await ready;
  const n = 64 * 36;
  const inside = (i: number) => i % 64 >= 20 && i % 64 < 40;
  const grey = new Uint8Array(n).map((_, i) => (inside(i) ? 255 : 0));
  await writeFile(join(dir, 'grey.png'), encodePng(grey, 64, 36, 1, 8));
  const whiteAlpha = new Uint8Array(n * 4).map((_, k) => (k % 4 === 3 ? (inside(k >> 2) ? 255 : 0) : 255));
  await writeFile(join(dir, 'alpha.png'), encodePng(whiteAlpha, 64, 36, 4, 8));
  const opaqueLuma = new Uint8Array(n * 4).map((_, k) => (k % 4 === 3 ? 255 : inside(k >> 2) ? 255 : 0));
  await writeFile(join(dir, 'opaque.png'), encodePng(opaqueLuma, 64, 36, 4, 8));
  // luma marks one region, alpha another
  const conflict = new Uint8Array(n * 4).map((_, k) => (k % 4 === 3 ? ((k >> 2) % 64 < 32 ? 255 : 0) : inside(k >> 2) ? 255 : 0));
  await writeFile(join(dir, 'conflict.png'), encodePng(conflict, 64, 36, 4, 8));
  for (const f of ['grey.png', 'alpha.png', 'opaque.png']) {
    const m = await first(await loadMask(spec({ kind: 'file', path: join(dir, f) }), { info, range: range() }));
    assert.equal(count(m, (v) => v === 1), 20 * 36, f);
  }
  await assert.rejects(loadMask(spec({ kind: 'file', path: join(dir, 'conflict.png') }), { info, range: range() }), code('E_MASK_CHANNEL'));
  const asLuma = await first(await loadMask(spec({ kind: 'file', path: join(dir, 'conflict.png'), channel: 'luma' }), { info, range: range() }));
  assert.equal(count(asLuma, (v) => v === 1), 20 * 36);
  const asAlpha = await first(await loadMask(spec({ kind: 'file', path: join(dir, 'conflict.png'), channel: 'alpha' }), { info, range: range() }));
  assert.equal(count(asAlpha, (v) => v === 1), 32 * 36);
  await assert.rejects(loadMask(spec({ kind: 'file', path: join(dir, 'grey.png'), channel: 'alpha' }), { info, range: range() }), code('E_MASK_CHANNEL'));
  await assert.rejects(loadMask(spec({ kind: 'file', path: join(dir, 'opaque.png'), id: 3 }), { info, range: range() }), code('E_MASK_CHANNEL'));
  await writeFile(join(dir, 'black.png'), encodePng(new Uint8Array(n), 64, 36, 1, 8));
  await assert.rejects(loadMask(spec({ kind: 'file', path: join(dir, 'black.png') }), { info, range: range() }), code('E_MASK_EMPTY'));
  await assert.rejects(loadMask(spec({ kind: 'file', path: join(dir, 'nope.png') }), { info, range: range() }), code('E_MASK_MISSING'));
});

test('shapes: antialiased areas, erase, normalised coordinates; dilate and feather', () => {
  const W = 200;
  const H = 100;
  const area = (f: FloatFrame) => f.data.reduce((a, v) => a + v, 0);
  const rect = rasterizeShapes([{ shape: 'rect', x: 0.1025, y: 0.2, w: 0.3, h: 0.333 }], W, H);
  assert.ok(Math.abs(area(rect) - 0.3 * W * 0.333 * H) < 1e-3, `rect area ${area(rect)}`);
  assert.ok(rect.data.some((v) => v > 0 && v < 1), 'rect edges are antialiased');
  const ell = rasterizeShapes([{ shape: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.2, ry: 0.3 }], W, H);
  assert.ok(Math.abs(area(ell) / (Math.PI * 40 * 30) - 1) < 0.01, `ellipse area ${area(ell)}`);
  const tri = rasterizeShapes([{ shape: 'polygon', points: [[0.1, 0.1], [0.9, 0.1], [0.1, 0.9]] }], W, H);
  assert.ok(Math.abs(area(tri) / (0.5 * 160 * 80) - 1) < 0.01, `triangle area ${area(tri)}`);
  const stroke = rasterizeShapes([{ shape: 'stroke', points: [[0.2, 0.5], [0.8, 0.5]], radius: 0.05 }], W, H);
  const r = 10;
  assert.ok(Math.abs(area(stroke) / (2 * r * 120 + Math.PI * r * r) - 1) < 0.02, `stroke area ${area(stroke)}`);
  const erased = rasterizeShapes([{ shape: 'rect', x: 0, y: 0, w: 1, h: 1 }, { shape: 'rect', x: 0, y: 0, w: 0.5, h: 1, erase: true }], W, H);
  assert.equal(area(erased), W * H / 2);
  assert.equal(erased.data[0], 0);
  assert.equal(erased.data[W - 1], 1);

  const dot = { width: 21, height: 21, channels: 1 as const, data: new Float32Array(441) };
  dot.data[10 * 21 + 10] = 1;
  assert.equal(count(dilateMask(dot, 2), (v) => v === 1), 13, 'Euclidean disc of radius 2');
  const fe = featherMask(dilateMask(dot, 2), 3);
  assert.equal(fe.data[10 * 21 + 12], 1);
  assert.ok(Math.abs(fe.data[10 * 21 + 13] - (1 - 1 / 4)) < 1e-6);
  assert.ok(Math.abs(fe.data[10 * 21 + 15] - (1 - 3 / 4)) < 1e-6);
  assert.equal(fe.data[10 * 21 + 16], 0, 'nothing beyond the feather width is touched');
});

test('mask size: scaled when the aspect matches, E_MASK_SIZE naming both sizes otherwise', async () => {
  await ready;
  const half = new Uint8Array(32 * 18).map((_, i) => (i % 32 < 16 ? 255 : 0));
  await writeFile(join(dir, 'half.png'), encodePng(half, 32, 18, 1, 8));
  const m = await first(await loadMask(spec({ kind: 'file', path: join(dir, 'half.png') }), { info, range: range() }));
  assert.equal(m.width, 64);
  assert.equal(m.height, 36);
  assert.equal(m.data[0], 1);
  assert.equal(m.data[63], 0);
  await writeFile(join(dir, 'square.png'), encodePng(new Uint8Array(32 * 32).fill(255), 32, 32, 1, 8));
  await assert.rejects(loadMask(spec({ kind: 'file', path: join(dir, 'square.png') }), { info, range: range() }), (e: unknown) => isStudioError(e) && e.code === 'E_MASK_SIZE' && /32x32/.test(e.message) && /64x36/.test(e.message));
});

test('mask sequences and movies: frame mapping, and count / fps mismatches name both numbers', async () => {
  await ready;
  const seq = join(dir, 'seq');
  await mkdir(seq);
  for (let f = 0; f < 4; f++) await writeFile(join(seq, `m_${String(f + 1).padStart(4, '0')}.png`), encodePng(new Uint8Array(64 * 36).map((_, i) => (i % 64 === f * 10 ? 255 : 0)), 64, 36, 1, 8));
  const s = await loadMask(spec({ kind: 'file', path: seq }), { info, range: range() });
  assert.equal(s.kind, 'per-frame');
  if (s.kind === 'per-frame') {
    for (let f = 0; f < 4; f++) assert.equal((await s.get(f)).data[f * 10], 1, `sorted file ${f} → source frame ${f}`);
  }
  await writeFile(join(seq, 'm_0005.png'), encodePng(new Uint8Array(64 * 36), 64, 36, 1, 8));
  // five files numbered 1–5: neither the count (4) nor the numbers (0–3) match the range [0, 4)
  await assert.rejects(loadMask(spec({ kind: 'file', path: seq }), { info, range: range() }), (e: unknown) => isStudioError(e) && e.code === 'E_MASK_FRAMES' && /5 frames/.test(e.message) && /4 frames/.test(e.message));
  // numbered files covering the range map by number
  const byNumber = await loadMask(spec({ kind: 'file', path: seq }), { info, range: resolveRange(info, 1, 4) });
  if (byNumber.kind === 'per-frame') assert.equal((await byNumber.get(2)).data[10], 1, 'file m_0002 → source frame 2');

  const mov = join(dir, 'maskmovie.mov');
  const movFrames = join(dir, 'movframes');
  await mkdir(movFrames);
  for (let f = 0; f < 4; f++) await writeFile(join(movFrames, `${f}.png`), encodePng(new Uint8Array(64 * 36).map((_, i) => (i % 64 >= f * 10 && i % 64 < f * 10 + 8 ? 255 : 0)), 64, 36, 1, 8));
  await ffmpeg(['-framerate', '25', '-i', join(movFrames, '%d.png'), '-c:v', 'png', mov]);
  const mm = await loadMask(spec({ kind: 'file', path: mov }), { info, range: resolveRange(info, 1, 4) });
  assert.equal(mm.kind, 'per-frame');
  if (mm.kind === 'per-frame') {
    assert.ok((await mm.get(2)).data[22] > 0.99, 'movie frame 2 (clip length: frames map to source frames)');
    assert.ok((await mm.get(3)).data[32] > 0.99);
    assert.ok((await mm.get(1)).data[12] > 0.99, 'going back re-seeks');
    await mm.close();
  }
  const mov30 = join(dir, 'mask30.mov');
  await ffmpeg(['-f', 'lavfi', '-i', 'color=c=white:size=64x36:rate=30', '-frames:v', '4', '-c:v', 'png', mov30]);
  await assert.rejects(loadMask(spec({ kind: 'file', path: mov30 }), { info, range: range() }), (e: unknown) => isStudioError(e) && e.code === 'E_MASK_FPS' && /30\/1/.test(e.message) && /25\/1/.test(e.message));
  const mov7 = join(dir, 'mask7.mov');
  await ffmpeg(['-f', 'lavfi', '-i', 'color=c=white:size=64x36:rate=25', '-frames:v', '7', '-c:v', 'png', mov7]);
  await assert.rejects(loadMask(spec({ kind: 'file', path: mov7 }), { info, range: range() }), (e: unknown) => isStudioError(e) && e.code === 'E_MASK_FRAMES' && /7 frames/.test(e.message) && /has 4/.test(e.message));
});

test('masked edit: every pixel outside the feathered mask is bit-identical to the source decode (16-bit PNG)', async () => {
  await ready;
  const r = resolveRange(info, 0, 4);
  const mask = await loadMask(spec({ kind: 'shapes', frame: 0, track: false, shapes: [{ shape: 'ellipse', cx: 0.5, cy: 0.5, rx: 0.2, ry: 0.25 }] }), { info, range: r, dilate: 4, feather: 2 });
  assert.equal(mask.kind, 'per-frame');
  if (mask.kind !== 'per-frame') return;
  const ctx = taskContext({ task: 'inpaint', source: { path: src }, output: { format: 'png16', dir: join(dir, 'edit-out') } }, join(dir, 'edit-work'));
  const writer = await createOutputWriter({ workDir: ctx.workDir, request: ctx.request, info, range: r, task: 'inpaint' });
  for await (const { index, frame } of readFrames(src, { info, in: r.in, out: r.out })) {
    const m = await mask.get(index);
    const out = new Float32Array(frame.data);
    for (let p = 0; p < m.data.length; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = frame.data[p * 3 + c] * (1 - m.data[p]) + [1, 0.1, 0.1][c] * m.data[p];
    await writer.write(index, { ...frame, data: out });
  }
  const [result] = await writer.finalize({ engine: 'classical', params: {}, metrics: {}, wallSeconds: 0 });
  await mkdir(join(dir, 'edit-ref'));
  const ref = await ffmpegReferenceFrames(src, join(dir, 'edit-ref'));
  const files = (await readdir(result.path)).sort();
  assert.equal(files.length, 4);
  for (let f = 0; f < 4; f++) {
    const m = await mask.get(f);
    const got = decodePng(await readFile(join(result.path, files[f]))).samples;
    let outside = 0;
    let changedOutside = 0;
    let changedInside = 0;
    for (let p = 0; p < m.data.length; p++) {
      const diff = got[p * 3] !== ref[f][p * 3] || got[p * 3 + 1] !== ref[f][p * 3 + 1] || got[p * 3 + 2] !== ref[f][p * 3 + 2];
      if (m.data[p] === 0) {
        outside++;
        if (diff) changedOutside++;
      } else if (diff) changedInside++;
    }
    assert.ok(outside > 1000);
    assert.equal(changedOutside, 0, `frame ${f}: ${changedOutside} pixels outside the mask differ`);
    assert.ok(changedInside > 100, 'the edit happened inside');
  }
});
