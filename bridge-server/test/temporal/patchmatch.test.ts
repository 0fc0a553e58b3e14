import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FloatFrame } from '@synthetic-studio/shared';
import { changedOutside, createMask, mulberry32, patchMatchInpaint, psnr, type Mask } from '../../src/temporal/index.js';

/** A frame of c channels from f(x, y, k). */
function frameOf(w: number, h: number, c: FloatFrame['channels'], f: (x: number, y: number, k: number) => number): FloatFrame {
  const d = new Float32Array(w * h * c);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) d[(y * w + x) * c + k] = f(x, y, k);
  return { width: w, height: h, channels: c, data: d };
}

/** Periodic texture (period 12 × 10): every patch of the hole has exact copies outside it; channels differ. */
const periodic = (x: number, y: number, k: number): number =>
  0.5 + 0.25 * Math.sin(((x + 3 * k) * 2 * Math.PI) / 12) * Math.cos((y * 2 * Math.PI) / 10) + (((x + y + k) % 12) < 3 ? 0.15 : 0);

/** Noise over the periodic pattern: many near-equal matches, so the field's start and the seed change the fill. */
const noisy = (x: number, y: number, k: number): number => periodic(x, y, k) + 0.08 * (mulberry32(x * 7919 + y * 104729 + k)() - 0.5);

function ellipse(w: number, h: number, cx: number, cy: number, a: number, b: number): Mask {
  const m = createMask(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 <= 1) m.data[y * w + x] = 1;
  return m;
}

/** The hole overwritten with a colour the texture never has, so a leak of it shows. */
function poisoned(f: FloatFrame, m: Mask): FloatFrame {
  const d = new Float32Array(f.data);
  for (let i = 0; i < m.data.length; i++) if (m.data[i]) for (let k = 0; k < f.channels; k++) d[i * f.channels + k] = k % 2 ? 5 : -5;
  return { ...f, data: d };
}

/** Every filled value lies within the known pixels' range of its channel (voting averages known pixels). */
function assertWithinKnownRange(out: FloatFrame, src: FloatFrame, m: Mask): void {
  const c = src.channels;
  for (let k = 0; k < c; k++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < m.data.length; i++) if (!m.data[i]) { lo = Math.min(lo, src.data[i * c + k]); hi = Math.max(hi, src.data[i * c + k]); }
    for (let i = 0; i < m.data.length; i++) if (m.data[i]) {
      const v = out.data[i * c + k];
      assert.ok(Number.isFinite(v) && v >= lo - 1e-5 && v <= hi + 1e-5, `channel ${k} pixel ${i}: ${v} outside [${lo}, ${hi}]`);
    }
  }
}

/** Fill the hole of `truth` (poisoned first) and check it: PSNR in the hole above minPsnr, the rest untouched, values within the known range. */
function fillAndCheck(truth: FloatFrame, hole: Mask, opts: Parameters<typeof patchMatchInpaint>[2], minPsnr: number): FloatFrame {
  const input = poisoned(truth, hole);
  const out = patchMatchInpaint(input, hole, opts);
  const p = psnr(out, truth, hole);
  assert.ok(p > minPsnr, `PSNR in hole ${p.toFixed(1)} dB`);
  assert.equal(changedOutside(out, input, hole), 0, 'pixels outside the hole changed');
  assertWithinKnownRange(out, input, hole);
  return out;
}

test('PatchMatch is deterministic for a seed, whatever calls before it left in the reused working memory', () => {
  // bands along the right and bottom borders: there the finer level reads coarser-level field
  // entries that no target wrote (a border run of PatchMatch on its own)
  const W = 80, H = 48;
  const bands = (w: number, x0: number): Mask => {
    const m = createMask(w, H);
    for (let y = 0; y < H; y++) for (let x = 0; x < w; x++) if (x >= x0 || y >= H - 6) m.data[y * w + x] = 1;
    return m;
  };
  const hole = bands(W, 68);
  const input = poisoned(frameOf(W, H, 3, noisy), hole);
  const run = (): Float32Array => patchMatchInpaint(input, hole, { seed: 11 }).data;
  // first in this file, so this call works in fresh memory; the calls in between leave their
  // arrays in the reused memory (other sizes, holes and seeds)
  const first = run();
  for (let i = 0; i < 6; i++) {
    const w = W + 2 * i;
    patchMatchInpaint(frameOf(w, H, 3, (x, y, k) => noisy(x + 5 * i, y, k)), bands(w, w - 10 - 2 * i), { seed: 30 + i });
  }
  assert.deepEqual(run(), first);
});

for (const c of [1, 3, 4] as const) {
  test(`PatchMatch (${c} channel${c > 1 ? 's' : ''}): a hole in a periodic texture is filled with the texture, the rest is untouched`, () => {
    const W = 120, H = 90;
    // exact copies of every patch exist, so the field converges to them (~135 dB: float rounding)
    fillAndCheck(frameOf(W, H, c, periodic), ellipse(W, H, 55, 48, 18, 14), { seed: 5 }, 60);
  });
}

test('PatchMatch: different seeds give different but equally valid fills', () => {
  const W = 96, H = 72;
  const truth = frameOf(W, H, 3, noisy);
  const hole = ellipse(W, H, 48, 36, 14, 11);
  const a = fillAndCheck(truth, hole, { seed: 1 }, 27), b = fillAndCheck(truth, hole, { seed: 2 }, 27);
  assert.notDeepEqual(a.data, b.data);
});

test('PatchMatch: a detail level (single local pass, from the coarser field) still fills the texture', () => {
  const W = 128, H = 96;
  fillAndCheck(frameOf(W, H, 3, periodic), ellipse(W, H, 60, 50, 16, 12), { seed: 9, detailLevelPixels: 64 * 48 - 1 }, 60);
});

test('PatchMatch: holes touching the border and tiny frames are filled without errors', () => {
  const cases: { w: number; h: number; c: FloatFrame['channels']; mark: (x: number, y: number) => boolean }[] = [
    { w: 64, h: 48, c: 3, mark: (x, y) => x < 9 && y > 20 }, // corner and left border
    { w: 64, h: 48, c: 4, mark: (x, y) => y >= 44 }, // bottom band
    { w: 64, h: 48, c: 1, mark: (x) => x >= 58 || x < 3 }, // both side bands
    { w: 9, h: 8, c: 3, mark: (x, y) => x === 4 && y === 4 }, // smaller than two patches
    { w: 5, h: 5, c: 3, mark: (x, y) => x === 2 && y === 2 }, // smaller than one patch
    { w: 12, h: 1, c: 1, mark: (x) => x === 6 }, // a single row
  ];
  for (const { w, h, c, mark } of cases) {
    const f = frameOf(w, h, c, periodic);
    const hole = createMask(w, h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (mark(x, y)) hole.data[y * w + x] = 1;
    const input = poisoned(f, hole);
    const out = patchMatchInpaint(input, hole, { seed: 4 });
    assert.equal(changedOutside(out, input, hole), 0, `${w}×${h}×${c}: pixels outside the hole changed`);
    assertWithinKnownRange(out, input, hole);
  }
});

test('PatchMatch: no hole returns a copy; a fully masked frame is an error', () => {
  const f = frameOf(32, 24, 3, periodic);
  const none = patchMatchInpaint(f, createMask(32, 24));
  assert.deepEqual(none.data, f.data);
  assert.notEqual(none.data, f.data);
  const all = createMask(32, 24);
  all.data.fill(1);
  assert.throws(() => patchMatchInpaint(f, all), (e: unknown) => (e as { code?: string }).code === 'E_MASK_EMPTY');
});
