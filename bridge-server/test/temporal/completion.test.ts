import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FloatFrame } from '@synthetic-studio/shared';
import { changedOutside, completeFlow, completeVideo, completeWindow, createFlow, createMask, dilateMask, FlowPool, meanAbsDiff, mulberry32, patchMatchInpaint, psnr, warpingError, type Mask, type WarpPairFlows } from '../../src/temporal/index.js';
import { makeFrame, texture } from './helpers.js';

async function runClip(frames: FloatFrame[], masks: Mask[], opts: Parameters<typeof completeVideo>[1] = {}): Promise<FloatFrame[]> {
  const out: FloatFrame[] = [];
  await completeVideo({ length: frames.length, frame: (i) => frames[i], mask: (i) => masks[i] }, opts, (i, f) => { out[i] = f; });
  return out;
}

/** Poison the hole so any leak of the removed content shows. */
function poisoned(f: FloatFrame, m: Mask): FloatFrame {
  const d = new Float32Array(f.data);
  for (let i = 0; i < m.data.length; i++) if (m.data[i]) d.set([1, 0, 1], i * 3);
  return { ...f, data: d };
}

test('propagation reconstructs the background a moving occluder reveals', async () => {
  const W = 96, H = 56, N = 10;
  const bg = makeFrame(W, H, texture);
  const frames: FloatFrame[] = [], masks: Mask[] = [];
  for (let t = 0; t < N; t++) {
    const m = createMask(W, H);
    const x0 = 10 + 7 * t;
    for (let y = 18; y < 38; y++) for (let x = x0; x < x0 + 14 && x < W; x++) m.data[y * W + x] = 1;
    masks.push(m);
    const f = makeFrame(W, H, (x, y, k) => (m.data[y * W + x] ? 0.2 + 0.6 * ((x >> 2) & 1) * (k === 1 ? 1 : 0.3) : texture(x, y, k)));
    frames.push(f);
  }
  const out = await runClip(frames, masks, { dilate: 2 });
  for (let t = 0; t < N; t++) {
    const hole = dilateMask(masks[t], 2);
    // every hole pixel of this clip is visible in some other frame
    const p = psnr(out[t], bg, hole);
    assert.ok(p > 38, `frame ${t}: PSNR in hole ${p.toFixed(1)} dB`);
    assert.equal(changedOutside(out[t], frames[t], hole), 0, 'pixels outside the dilated mask changed');
  }
});

test('camera pan with a stationary mask: content comes from the frames that saw it', async () => {
  const W = 96, H = 56, N = 12;
  const truth: FloatFrame[] = [];
  for (let t = 0; t < N; t++) truth.push(makeFrame(W, H, (x, y, k) => texture(x - 2 * t, y - 0.5 * t, k)));
  const m = createMask(W, H);
  for (let y = 20; y < 34; y++) for (let x = 40; x < 52; x++) m.data[y * W + x] = 1;
  const masks = truth.map(() => m);
  const out = await runClip(truth.map((f) => poisoned(f, m)), masks, { dilate: 2 });
  let sum = 0;
  for (let t = 0; t < N; t++) sum += psnr(out[t], truth[t], m);
  assert.ok(sum / N > 30, `mean PSNR in mask ${(sum / N).toFixed(1)} dB`);
});

test('PatchMatch fills a hole in a periodic texture with the texture', () => {
  const W = 96, H = 96;
  const tex = (x: number, y: number, k: number) => (k === 0 ? (((x / 6) | 0) + ((y / 6) | 0)) % 2 ? 0.8 : 0.2 : k === 1 ? 0.5 + 0.3 * Math.sin((x * 2 * Math.PI) / 12) : 0.4);
  const truth = makeFrame(W, H, tex);
  const hole = createMask(W, H);
  for (let y = 38; y < 60; y++) for (let x = 36; x < 58; x++) hole.data[y * W + x] = 1;
  const out = patchMatchInpaint(poisoned(truth, hole), hole);
  const p = psnr(out, truth, hole);
  assert.ok(p > 30, `PSNR in hole ${p.toFixed(1)} dB`);
  assert.equal(changedOutside(out, truth, hole), 0);
  // deterministic
  assert.deepEqual(patchMatchInpaint(poisoned(truth, hole), hole).data, out.data);
});

test('PatchMatch fills wide border bands (outpainting) with texture, not a smoothed pre-fill', () => {
  // fine noise over a soft pattern, as natural surfaces are; the smooth pre-fill of a 35-pixel band
  // has none of the noise, so a synthesis that leans on it comes out with visibly less contrast
  const W = 230, H = 96, band = 35;
  const tex = (x: number, y: number, k: number) => { const r = mulberry32(x * 7919 + y * 104729 + k); return 0.5 + 0.3 * (r() - 0.5) + 0.2 * Math.sin(x * 0.3) * Math.cos(y * 0.25); };
  const truth = makeFrame(W, H, tex);
  const hole = createMask(W, H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (x < band || x >= W - band) hole.data[y * W + x] = 1;
  const out = patchMatchInpaint(poisoned(truth, hole), hole);
  const std = (f: FloatFrame, inHole: boolean) => {
    let s = 0, s2 = 0, n = 0;
    for (let i = 0; i < W * H; i++) if (!!hole.data[i] === inHole) { const v = f.data[3 * i]; s += v; s2 += v * v; n++; }
    return Math.sqrt(s2 / n - (s / n) ** 2);
  };
  const ratio = std(out, true) / std(truth, false);
  assert.ok(ratio > 0.97, `contrast in the bands ${ratio.toFixed(3)} of the picture's`);
  assert.equal(changedOutside(out, truth, hole), 0);
});

test('a 1-frame clip is filled spatially; a fully masked frame is refused clearly', async () => {
  const W = 64, H = 40;
  const f = makeFrame(W, H, (x, y, k) => texture(x, y, k));
  const m = createMask(W, H);
  for (let y = 15; y < 25; y++) for (let x = 25; x < 37; x++) m.data[y * W + x] = 1;
  const [o] = await runClip([poisoned(f, m)], [m], { dilate: 1 });
  const hole = dilateMask(m, 1);
  assert.equal(changedOutside(o, f, hole), 0);
  assert.ok(psnr(o, f, hole) > 20, `single frame PSNR ${psnr(o, f, hole)}`);
  for (let i = 0; i < hole.data.length; i++) if (hole.data[i]) assert.ok(o.data[i * 3 + 1] < 0.95 || o.data[i * 3] < 0.95, 'poison colour left in the hole');
  const full = createMask(W, H);
  full.data.fill(1);
  await assert.rejects(runClip([f, f], [m, full]), (e: { code?: string }) => e.code === 'E_MASK_EMPTY');
  assert.throws(() => completeWindow({ frames: [f], holes: [full], fwd: [], bwd: [] }), (e: { code?: string }) => e.code === 'E_MASK_EMPTY');
});

test('windows: flat memory shape, every frame once, no colour drift at window joins, cancellation', async () => {
  const W = 64, H = 36, N = 26;
  const truth: FloatFrame[] = [];
  for (let t = 0; t < N; t++) truth.push(makeFrame(W, H, (x, y, k) => 0.9 * texture(x, y, k) + 0.004 * t));
  const m = createMask(W, H);
  for (let y = 12; y < 24; y++) for (let x = 26; x < 38; x++) m.data[y * W + x] = 1; // static camera, never seen: synthesised
  const order: number[] = [];
  const out: FloatFrame[] = [];
  const sum = await completeVideo({ length: N, frame: (i) => poisoned(truth[i], m), mask: () => m }, { dilate: 1, windowSize: 8, overlap: 2, lookahead: 2 }, (i, f) => { order.push(i); out[i] = f; });
  assert.deepEqual(order, Array.from({ length: N }, (_, i) => i));
  assert.ok(sum.windows >= 4, `windows ${sum.windows}`);
  const hole = dilateMask(m, 1);
  const fillMean = (f: FloatFrame) => { let s = 0, n = 0; for (let i = 0; i < hole.data.length; i++) if (hole.data[i]) { s += f.data[i * 3] + f.data[i * 3 + 1] + f.data[i * 3 + 2]; n += 3; } return s / n; };
  const steps = out.slice(1).map((f, i) => Math.abs(fillMean(f) - fillMean(out[i])));
  const sorted = [...steps].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  // no step between consecutive frames (window joins included) is much larger than the usual one
  assert.ok(Math.max(...steps) <= Math.max(3 * median, 0.01), `fill mean steps ${steps.map((s) => s.toFixed(4)).join(' ')}`);
  for (let t = 0; t < N; t++) assert.equal(changedOutside(out[t], poisoned(truth[t], m), hole), 0);
  void meanAbsDiff;
  const ac = new AbortController();
  let seen = 0;
  await assert.rejects(
    completeVideo({ length: N, frame: (i) => truth[i], mask: () => m }, { windowSize: 8, signal: ac.signal }, () => { if (++seen === 3) ac.abort(); }),
    (e: { code?: string }) => e.code === 'E_CANCELLED',
  );
  assert.equal(seen, 3);
});

test('windows with a flow pool: the next window\'s flows are computed ahead, the frames are the same as without', async () => {
  const W = 64, H = 36, N = 22;
  const frames: FloatFrame[] = [];
  for (let t = 0; t < N; t++) frames.push(makeFrame(W, H, (x, y, k) => texture(x + 1.5 * t, y, k)));
  const m = createMask(W, H);
  for (let y = 12; y < 24; y++) for (let x = 26; x < 38; x++) m.data[y * W + x] = 1;
  const masks = frames.map(() => m);
  const opts = { dilate: 1, windowSize: 8, overlap: 2, lookahead: 2 };
  const plain = await runClip(frames, masks, opts);
  const pool = new FlowPool(2);
  try {
    const pooled = await runClip(frames, masks, { ...opts, pool });
    for (let t = 0; t < N; t++) assert.deepEqual(pooled[t].data, plain[t].data, `frame ${t}`);
  } finally {
    await pool.close();
  }
});

test('motion-aware flow completion: a hole across a motion boundary gets each side its own motion', () => {
  const W = 72, H = 48;
  const f = createFlow(W, H);
  // left of x = 36 moves (2, 0) with a slight zoom, right of it (-1, 1.5): a hard motion boundary
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    if (x < 36) { f.u[i] = 2 + 0.01 * (x - 18); f.v[i] = 0.01 * (y - 24); } else { f.u[i] = -1; f.v[i] = 1.5; }
  }
  const hole = createMask(W, H);
  for (let y = 14; y < 34; y++) for (let x = 22; x < 50; x++) hole.data[y * W + x] = 1;
  const errs = (g: ReturnType<typeof completeFlow>) => {
    let worst = 0, sum = 0, n = 0;
    for (let y = 14; y < 34; y++) for (let x = 22; x < 50; x++) {
      if (Math.abs(x - 35.5) < 3) continue; // the boundary itself is ambiguous by a pixel or two
      const i = y * W + x, e = Math.hypot(g.u[i] - f.u[i], g.v[i] - f.v[i]);
      worst = Math.max(worst, e); sum += e; n++;
    }
    return { worst, mean: sum / n };
  };
  const motion = errs(completeFlow(f, hole, 'motion')), harmonic = errs(completeFlow(f, hole, 'harmonic'));
  assert.ok(motion.worst < 0.3, `motion-aware worst error ${motion.worst.toFixed(3)} px`);
  assert.ok(motion.mean < 0.25 * harmonic.mean, `motion-aware mean ${motion.mean.toFixed(3)} vs harmonic ${harmonic.mean.toFixed(3)} px`);
  // outside the hole nothing changes
  const g = completeFlow(f, hole, 'motion');
  for (let i = 0; i < W * H; i++) if (!hole.data[i]) assert.ok(g.u[i] === f.u[i] && g.v[i] === f.v[i]);
});

test('motion-aware flow completion: an object grazing the hole border does not drag the background motion', () => {
  const W = 72, H = 48;
  const f = createFlow(W, H);
  const bg = (x: number, y: number): [number, number] => [1.5 + 0.02 * (x - 36), -0.5 + 0.015 * (y - 24)];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) { const i = y * W + x; [f.u[i], f.v[i]] = bg(x, y); }
  // a small object moving fast, touching the hole's lower right corner from outside
  for (let y = 32; y < 40; y++) for (let x = 44; x < 54; x++) { const i = y * W + x; f.u[i] = -4; f.v[i] = 3; }
  const hole = createMask(W, H);
  for (let y = 14; y < 34; y++) for (let x = 20; x < 48; x++) hole.data[y * W + x] = 1;
  const meanErr = (g: ReturnType<typeof completeFlow>) => {
    let s = 0, n = 0;
    for (let y = 14; y < 32; y++) for (let x = 20; x < 44; x++) { const i = y * W + x, [u, v] = bg(x, y); s += Math.hypot(g.u[i] - u, g.v[i] - v); n++; }
    return s / n;
  };
  const motion = meanErr(completeFlow(f, hole, 'motion')), harmonic = meanErr(completeFlow(f, hole, 'harmonic'));
  assert.ok(motion < 0.15, `motion-aware background error ${motion.toFixed(3)} px`);
  assert.ok(motion < 0.5 * harmonic, `motion-aware ${motion.toFixed(3)} vs harmonic ${harmonic.toFixed(3)} px`);
});

test('temporal stability: in-hole flicker of a noisy pan with an object moving near the hole stays near the truth', async () => {
  const W = 96, H = 56, N = 12, PAN = 1.5;
  // per-frame sensor noise gives the truth a real E_warp to compare with (a clean synthetic pan has ~0)
  const rand = mulberry32(7);
  const obj = (t: number) => ({ x0: 70, x1: 78, y0: 4 + 3 * t, y1: 14 + 3 * t }); // moves down beside the hole
  const onObj = (x: number, y: number, t: number) => { const o = obj(t); return x >= o.x0 && x < o.x1 && y >= o.y0 && y < o.y1; };
  const truth: FloatFrame[] = [];
  for (let t = 0; t < N; t++) truth.push(makeFrame(W, H, (x, y, k) => (onObj(x, y, t) ? 0.15 + 0.1 * k + 0.05 * Math.sin(x + y - 3 * t) : texture(x + PAN * t, y, k)) + 0.04 * (rand() - 0.5)));
  const m = createMask(W, H);
  for (let y = 16; y < 40; y++) for (let x = 34; x < 58; x++) m.data[y * W + x] = 1;
  const masks = truth.map(() => m);
  const out = await runClip(truth.map((f) => poisoned(f, m)), masks, { dilate: 2 });
  // true flows (the metric must not use the engine's own flow): pan for the background, the object's motion on it
  const flowTo = (t: number, dt: number) => {
    const f = createFlow(W, H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) { const i = y * W + x; if (onObj(x, y, t)) f.v[i] = 3 * dt; else f.u[i] = -PAN * dt; }
    return f;
  };
  const flows: WarpPairFlows[] = [];
  for (let t = 1; t < N; t++) flows.push({ back: flowTo(t, -1), fwd: flowTo(t - 1, 1) });
  const hole = masks.map((mm) => dilateMask(mm, 2));
  const ours = warpingError(out, flows, hole), gt = warpingError(truth, flows, hole);
  assert.ok(ours <= 1.5 * gt, `in-hole E_warp ${ours.toExponential(3)} vs truth ${gt.toExponential(3)}`);
  let p = 0;
  for (let t = 0; t < N; t++) p += psnr(out[t], truth[t], m) / N;
  assert.ok(p > 28, `PSNR in mask ${p.toFixed(1)} dB`);
});

test('flows are computed on the holes\' neighbourhood only when that is a small part of the frame', async () => {
  const { flowCropBox } = await import('../../src/temporal/completion-buffer.js');
  const w = 960, h = 540;
  const a = new Uint8Array(w * h), b = new Uint8Array(w * h);
  for (let y = 200; y < 260; y++) for (let x = 300; x < 380; x++) a[y * w + x] = 1;
  for (let y = 210; y < 270; y++) for (let x = 320; x < 400; x++) b[y * w + x] = 1;
  const box = flowCropBox(a, b, w, h)!;
  const margin = 160; // a sixth of the long side
  assert.deepEqual(box, { x0: 300 - margin, y0: 200 - margin, width: 400 - 300 + 2 * margin, height: 270 - 200 + 2 * margin });
  assert.equal(flowCropBox(null, null, w, h), null, 'no hole: whole frame');
  const big = new Uint8Array(w * h);
  for (let y = 100; y < 440; y++) for (let x = 200; x < 760; x++) big[y * w + x] = 1;
  assert.equal(flowCropBox(big, null, w, h), null, 'a box covering most of the frame is not worth cropping');
  // same fill quality with cropped and whole-frame flows on a panning clip
  const W = 240, H = 135, N = 6;
  const truth = Array.from({ length: N }, (_, t) => makeFrame(W, H, (x, y, k) => texture(x + 1.5 * t, y + 0.5 * t, k)));
  const m = createMask(W, H);
  for (let y = 60; y < 74; y++) for (let x = 110; x < 130; x++) m.data[y * W + x] = 1;
  assert.notEqual(flowCropBox(dilateMask(m, 3).data, null, W, H), null, 'this clip must take the cropped path');
  const score = async (cropFlows: 'always' | 'never') => { const out = await runClip(truth.map((f) => poisoned(f, m)), truth.map(() => m), { dilate: 2, cropFlows }); let p = 0; for (let t = 0; t < N; t++) p += psnr(out[t], truth[t], m) / N; return p; };
  const cropped = await score('always'), whole = await score('never');
  assert.ok(cropped > 30 && cropped > whole - 1, `PSNR in mask cropped ${cropped.toFixed(2)} dB, whole-frame flows ${whole.toFixed(2)} dB`);
});
