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
