import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXCLUDED, fillHarmonic, KNOWN, UNKNOWN } from '../../src/temporal/laplace-fill.js';

test('harmonic fill: a corridor between two known ends becomes a ramp; excluded pixels are a wall and stay as they are', () => {
  const w = 24, h = 7, y = 3;
  const c = new Float32Array(w * h).fill(100);
  const unknown = new Uint8Array(w * h).fill(EXCLUDED);
  for (let x = 0; x < w; x++) unknown[y * w + x] = UNKNOWN;
  unknown[y * w] = KNOWN; c[y * w] = 0;
  unknown[y * w + w - 1] = KNOWN; c[y * w + w - 1] = 1;
  fillHarmonic([c], w, h, unknown, 400);
  for (let x = 0; x < w; x++) assert.ok(Math.abs(c[y * w + x] - x / (w - 1)) < 1e-3, `x=${x}: ${c[y * w + x]}`);
  for (let i = 0; i < w * h; i++) if (unknown[i] === EXCLUDED) assert.equal(c[i], 100);
});

test('harmonic fill: a plain 0/1 mask fills from every known pixel (the walls only come from EXCLUDED)', () => {
  const w = 16, h = 16;
  const c = new Float32Array(w * h), m = new Uint8Array(w * h);
  for (let yy = 0; yy < h; yy++) for (let x = 0; x < w; x++) { c[yy * w + x] = 0.5; if (x > 3 && x < 12 && yy > 3 && yy < 12) { m[yy * w + x] = 1; c[yy * w + x] = 9; } }
  fillHarmonic([c], w, h, m);
  for (let i = 0; i < w * h; i++) assert.ok(Math.abs(c[i] - 0.5) < 1e-3, `${i}: ${c[i]}`);
});

test('harmonic fill: an unknown pixel walled in on every side stays finite (no equation, no division by zero); no known pixel at all gives zeros', () => {
  const w = 5, h = 5, c = new Float32Array(w * h).fill(3), u = new Uint8Array(w * h).fill(EXCLUDED);
  u[12] = UNKNOWN; u[0] = KNOWN;
  fillHarmonic([c], w, h, u);
  assert.ok(Number.isFinite(c[12]));
  for (let i = 0; i < w * h; i++) if (i !== 12) assert.equal(c[i], 3);
  const d = new Float32Array(4).fill(7), v = new Uint8Array([UNKNOWN, UNKNOWN, EXCLUDED, UNKNOWN]);
  fillHarmonic([d], 2, 2, v);
  assert.deepEqual([...d], [0, 0, 7, 0]);
});

test('harmonic fill: the same input gives the same bits, whatever ran before in the kernel memory', () => {
  const w = 40, h = 30;
  const make = () => { const c = new Float32Array(w * h); for (let i = 0; i < c.length; i++) c[i] = Math.sin(i * 0.37); return c; };
  const m = new Uint8Array(w * h);
  for (let y = 8; y < 22; y++) for (let x = 10; x < 30; x++) m[y * w + x] = 1;
  const a = [make(), make()];
  fillHarmonic(a, w, h, m);
  // a bigger fill in between leaves other values in the kernels' memory
  const big = new Float32Array(90 * 90).fill(5), bm = new Uint8Array(90 * 90).fill(1);
  bm[0] = 0;
  fillHarmonic([big], 90, 90, bm);
  const b = [make(), make()];
  fillHarmonic(b, w, h, m);
  assert.deepEqual(b, a);
  // and it is a fill: smooth inside, untouched outside
  for (let i = 0; i < w * h; i++) if (!m[i]) assert.equal(a[0][i], Math.fround(Math.sin(i * 0.37)));
});
