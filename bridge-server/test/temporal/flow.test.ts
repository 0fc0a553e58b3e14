import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeFlow, computeFlowPair, DIS_FAST, DIS_MEDIUM, DIS_QUALITY, disFlow, fbConsistency, flowBetween, flowInput, FlowPool, FlowTeam, warpBilinear } from '../../src/temporal/index.js';
import { makeFrame, texture } from './helpers.js';

const W = 128, H = 80;

function meanEpe(u: Float32Array, v: Float32Array, gt: (x: number, y: number) => [number, number], border = 8): number {
  let e = 0, n = 0;
  for (let y = border; y < H - border; y++) for (let x = border; x < W - border; x++) {
    const [gu, gv] = gt(x, y);
    const i = y * W + x;
    e += Math.hypot(u[i] - gu, v[i] - gv); n++;
  }
  return e / n;
}

test('flow recovers translations, small and large', () => {
  for (const [dx, dy] of [[1.3, -0.7], [6.4, 3.2], [-11, 5]]) {
    const a = makeFrame(W, H, texture);
    const b = makeFrame(W, H, (x, y, k) => texture(x - dx, y - dy, k));
    const f = computeFlow(a, b);
    const epe = meanEpe(f.u, f.v, () => [dx, dy], 12);
    assert.ok(epe < 0.15, `translation (${dx},${dy}) EPE ${epe}`);
  }
});

test('flow recovers a rotation', () => {
  const th = 0.05, cx = W / 2, cy = H / 2;
  const a = makeFrame(W, H, texture);
  // b(p) = a(R^-1 (p - c) + c): content rotated by +th
  const b = makeFrame(W, H, (x, y, k) => {
    const X = x - cx, Y = y - cy;
    return texture(Math.cos(th) * X + Math.sin(th) * Y + cx, -Math.sin(th) * X + Math.cos(th) * Y + cy, k);
  });
  const f = computeFlow(a, b);
  const epe = meanEpe(f.u, f.v, (x, y) => {
    const X = x - cx, Y = y - cy;
    return [Math.cos(th) * X - Math.sin(th) * Y + cx - x, Math.sin(th) * X + Math.cos(th) * Y + cy - y];
  });
  assert.ok(epe < 0.25, `rotation EPE ${epe}`);
});

test('flow is robust to a brightness/contrast change', () => {
  const a = makeFrame(W, H, texture);
  const b = makeFrame(W, H, (x, y, k) => 1.25 * texture(x - 3, y - 2, k) - 0.05);
  const f = computeFlow(a, b);
  const epe = meanEpe(f.u, f.v, () => [3, 2], 12);
  assert.ok(epe < 0.15, `EPE under exposure change ${epe}`);
});

test('forward-backward check flags the region an object disoccludes; warp aligns frames', () => {
  // a square moves 6 px right over a static background: the strip it uncovers is occluded in b→a terms
  const sq = (x: number, y: number, t: number) => x >= 40 + 6 * t && x < 70 + 6 * t && y >= 25 && y < 55;
  const a = makeFrame(W, H, (x, y, k) => (sq(x, y, 0) ? 0.9 - 0.3 * k * ((x + y) % 5 === 0 ? 1 : 0.5) : texture(x, y, k)));
  const b = makeFrame(W, H, (x, y, k) => (sq(x, y, 1) ? 0.9 - 0.3 * k * ((x - 6 + y) % 5 === 0 ? 1 : 0.5) : texture(x, y, k)));
  const { fwd, bwd } = computeFlowPair(a, b);
  const { valid } = fbConsistency(fwd, bwd);
  // background far from the square is consistent, the pixels of a that b's square covers are not
  let bgValid = 0, bgN = 0, occValid = 0, occN = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    if (y > 30 && y < 50 && x >= 72 && x < 75) { occN++; occValid += valid.data[i]; }
    if (y < 15 || y > 65) { bgN++; bgValid += valid.data[i]; }
  }
  assert.ok(bgValid / bgN > 0.95, `background valid ${bgValid / bgN}`);
  assert.ok(occValid / occN < 0.5, `occluded strip valid ${occValid / occN}`);
  // warping b with F_{a→b} reproduces a on the background
  const { frame: wb } = warpBilinear(b, fwd);
  let err = 0, n = 0;
  for (let y = 4; y < 18; y++) for (let x = 4; x < W - 4; x++) { const i = (y * W + x) * 3; err += Math.abs(wb.data[i] - a.data[i]); n++; }
  assert.ok(err / n < 0.01, `warp error ${err / n}`);
});

test('flow is deterministic and the worker pool gives identical results', async () => {
  const a = flowInput(makeFrame(96, 64, texture));
  const b = flowInput(makeFrame(96, 64, (x, y, k) => texture(x - 2.5, y + 1, k)));
  const f1 = flowBetween(a, b), f2 = flowBetween(a, b);
  assert.deepEqual(f1.u, f2.u);
  const pool = new FlowPool(2);
  try {
    const [p1, p2] = await pool.flows([{ a, b }, { a: b, b: a }]);
    assert.deepEqual(p1.u, f1.u);
    assert.deepEqual(p1.v, f1.v);
    assert.deepEqual(p2.u, flowBetween(b, a).u);
  } finally {
    await pool.close();
  }
});

test('flow at a working resolution is upsampled to the frame size', () => {
  const a = makeFrame(200, 100, texture), b = makeFrame(200, 100, (x, y, k) => texture(x - 4, y - 2, k));
  const f = computeFlow(a, b, { maxSide: 100 });
  assert.equal(f.width, 200);
  assert.equal(f.height, 100);
  let e = 0, n = 0;
  for (let y = 15; y < 85; y++) for (let x = 15; x < 185; x++) { const i = y * 200 + x; e += Math.hypot(f.u[i] - 4, f.v[i] - 2); n++; }
  assert.ok(e / n < 0.3, `EPE ${e / n}`);
});

test('one pair on several threads: same flow as one thread, bit for bit, with and without holes', () => {
  // 200 rows: the finest level is computed in 3 row bands (and its patch search in 3 bands)
  const w = 112, h = 200;
  const a = flowInput(makeFrame(w, h, texture));
  const b = flowInput(makeFrame(w, h, (x, y, k) => texture(x - 2.5, y + 1.5, k)));
  const hole = new Uint8Array(w * h);
  for (let y = 80; y < 120; y++) for (let x = 30; x < 70; x++) hole[y * w + x] = 1;
  // the caller only waits: every band of every level runs in the helper thread
  const helper = new FlowTeam(2, true);
  const both = new FlowTeam(2);
  try {
    for (const p of [DIS_MEDIUM, DIS_QUALITY, DIS_FAST]) {
      for (const m of [null, hole]) {
        const one = disFlow(a, b, p, m, m, 1);
        const inHelper = disFlow(a, b, p, m, m, helper);
        const shared = disFlow(a, b, p, m, m, both);
        assert.deepEqual(inHelper.u, one.u);
        assert.deepEqual(inHelper.v, one.v);
        assert.deepEqual(shared.u, one.u);
        assert.deepEqual(shared.v, one.v);
        if (m === null && p !== DIS_FAST) {
          let e = 0, n = 0;
          for (let y = 12; y < h - 12; y++) for (let x = 12; x < w - 12; x++) { const i = y * w + x; e += Math.hypot(one.u[i] - 2.5, one.v[i] + 1.5); n++; }
          assert.ok(e / n < 0.15, `banded flow EPE ${e / n}`);
        }
      }
    }
    assert.ok(helper.helped > 0);
    assert.deepEqual(flowBetween(a, b, { dis: DIS_MEDIUM, threads: 2 }).u, flowBetween(a, b, { dis: DIS_MEDIUM }).u);
  } finally {
    helper.close();
    both.close();
  }
});

test('kept level arrays carry nothing from one flow to the next', () => {
  const a = flowInput(makeFrame(96, 72, texture));
  const b = flowInput(makeFrame(96, 72, (x, y, k) => texture(x + 1.5, y - 2, k)));
  const hole = new Uint8Array(96 * 72).fill(1, 30 * 96, 40 * 96);
  for (const threads of [1, 2]) {
    const first = disFlow(a, b, DIS_MEDIUM, null, null, threads);
    // same size and parameters in between (arrays reused), then another size (arrays dropped)
    disFlow(b, a, DIS_MEDIUM, hole, hole, threads);
    disFlow(flowInput(makeFrame(64, 40, texture)), flowInput(makeFrame(64, 40, texture)), DIS_MEDIUM, null, null, threads);
    disFlow(b, a, DIS_MEDIUM, null, null, threads);
    const again = disFlow(a, b, DIS_MEDIUM, null, null, threads);
    assert.deepEqual(again.u, first.u);
    assert.deepEqual(again.v, first.v);
  }
});
