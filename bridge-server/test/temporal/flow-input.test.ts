import type { FloatFrame } from '@synthetic-studio/shared';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downsample2, grayHalf255, toGray255 } from '../../src/temporal/image.js';
import { flowInput, resizePlane, workingSize } from '../../src/temporal/index.js';
import { mulberry32 as rng } from '../../src/temporal/prng.js';
import type { Plane } from '../../src/temporal/types.js';

function randomPlane(w: number, h: number, seed: number): Plane {
  const r = rng(seed), data = new Float32Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = r() * 255;
  return { width: w, height: h, data };
}

function randomFrame(w: number, h: number, channels: FloatFrame['channels'], seed: number): FloatFrame {
  const r = rng(seed), data = new Float32Array(w * h * channels);
  for (let i = 0; i < data.length; i++) data[i] = r();
  return { width: w, height: h, channels, data };
}

/** Reference: [1 4 6 4 1]/16 blur with clamped borders in float64, then the mean of each clamped 2x2 block. */
function referenceHalf(p: Plane): Plane {
  const { width: w, height: h, data: s } = p;
  const cl = (i: number, n: number): number => Math.min(n - 1, Math.max(0, i));
  const k = [1, 4, 6, 4, 1];
  const t = new Float64Array(w * h), b = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let acc = 0;
    for (let d = -2; d <= 2; d++) acc += k[d + 2] * s[y * w + cl(x + d, w)];
    t[y * w + x] = acc / 16;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let acc = 0;
    for (let d = -2; d <= 2; d++) acc += k[d + 2] * t[cl(y + d, h) * w + x];
    b[y * w + x] = acc / 16;
  }
  const w2 = Math.max(1, w >> 1), h2 = Math.max(1, h >> 1);
  const data = new Float32Array(w2 * h2);
  for (let y = 0; y < h2; y++) for (let x = 0; x < w2; x++) {
    const ya = Math.min(h - 1, 2 * y), yb = Math.min(h - 1, 2 * y + 1), xa = Math.min(w - 1, 2 * x), xb = Math.min(w - 1, 2 * x + 1);
    data[y * w2 + x] = (b[ya * w + xa] + b[ya * w + xb] + b[yb * w + xa] + b[yb * w + xb]) / 4;
  }
  return { width: w2, height: h2, data };
}

/** Reference grey: Rec.601 luma * 255 (a single channel is scaled as is). */
function referenceGray(f: FloatFrame): Plane {
  const { width: w, height: h, channels: c, data: d } = f;
  const data = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) data[i] = c === 1 ? d[i] * 255 : (0.299 * d[i * c] + 0.587 * d[i * c + 1] + 0.114 * d[i * c + 2]) * 255;
  return { width: w, height: h, data };
}

function assertClose(got: Plane, want: Plane, tol: number, what: string): void {
  assert.equal(got.width, want.width, `${what}: width`);
  assert.equal(got.height, want.height, `${what}: height`);
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want.data[i]));
  assert.ok(worst < tol, `${what}: max abs difference ${worst}`);
}

const SIZES: Array<[number, number]> = [[1, 1], [2, 3], [3, 2], [1, 9], [9, 1], [4, 4], [5, 6], [7, 5], [8, 11], [64, 36], [65, 37]];

test('downsample2 equals blur5 then the clamped 2x2 mean, odd and even sizes', () => {
  SIZES.forEach(([w, h], i) => {
    const p = randomPlane(w, h, 100 + i);
    assertClose(downsample2(p), referenceHalf(p), 1e-3, `${w}x${h}`);
  });
});

test('downsample2 keeps a constant plane constant, borders included', () => {
  for (const [w, h] of SIZES) {
    const p: Plane = { width: w, height: h, data: new Float32Array(w * h).fill(200) };
    for (const v of downsample2(p).data) assert.ok(Math.abs(v - 200) < 1e-4, `${w}x${h}: ${v}`);
  }
});

test('grayHalf255 equals the half-size filter of the grey plane, for 1, 3 and 4 channels', () => {
  SIZES.forEach(([w, h], i) => {
    for (const c of [1, 3, 4] as const) {
      const f = randomFrame(w, h, c, 200 + 3 * i + c);
      assertClose(grayHalf255(f), referenceHalf(referenceGray(f)), 1e-3, `${w}x${h}x${c}`);
    }
  });
  const f = randomFrame(9, 7, 3, 7);
  assertClose(toGray255(f), referenceGray(f), 1e-4, 'toGray255');
});

test('flowInput: exact 2x, odd-size 2x, 2x then bilinear, 4x, and no reduction', () => {
  const cases: Array<[number, number, number]> = [[128, 72, 64], [129, 73, 64], [200, 100, 64], [256, 144, 64], [60, 30, 64]];
  cases.forEach(([w, h, maxSide], i) => {
    const f = randomFrame(w, h, 3, 300 + i);
    const g = referenceGray(f);
    const got = flowInput(f, maxSide);
    const ws = workingSize(w, h, maxSide);
    assert.deepEqual([got.width, got.height], [ws.width, ws.height], `${w}x${h}: size`);
    // the unfused form: a full-size grey plane, then the plane resize (which halves with downsample2)
    const unfused = resizePlane(g, got.width, got.height);
    assertClose(got, unfused, 1e-3, `${w}x${h} -> ${got.width}x${got.height}`);
    // a plane input takes the unfused route and must agree too
    assertClose(flowInput(g, maxSide), got, 1e-3, `${w}x${h} plane input`);
  });
  // exact 2x: the result is the reference filter itself
  const f = randomFrame(129, 73, 3, 9);
  assertClose(flowInput(f, 64), referenceHalf(referenceGray(f)), 1e-3, '129x73 exact');
});
