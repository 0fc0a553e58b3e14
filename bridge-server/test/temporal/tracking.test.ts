import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FloatFrame } from '@synthetic-studio/shared';
import { createMask, trackMask, type Mask } from '../../src/temporal/index.js';
import { makeFrame, texture } from './helpers.js';

const W = 96, H = 64, N = 8;
// background pans left 2 px/frame; a textured disc moves right 3 px and down 1 px per frame
const disc = (t: number) => ({ cx: 30 + 3 * t, cy: 28 + t, r: 11 });
function inDisc(x: number, y: number, t: number): boolean { const d = disc(t); return (x - d.cx) ** 2 + (y - d.cy) ** 2 <= d.r * d.r; }
function frame(t: number): FloatFrame {
  const d = disc(t);
  return makeFrame(W, H, (x, y, k) => (inDisc(x, y, t) ? 0.75 + 0.2 * Math.sin((x - d.cx) * 0.6 + k) * Math.cos((y - d.cy) * 0.5) : 0.6 * texture(x + 2 * t, y, k)));
}
function truth(t: number): Mask { const m = createMask(W, H); for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) m.data[y * W + x] = inDisc(x, y, t) ? 1 : 0; return m; }
function iou(a: Mask, b: Mask): number { let i = 0, u = 0; for (let k = 0; k < a.data.length; k++) { i += a.data[k] & b.data[k]; u += a.data[k] | b.data[k]; } return u ? i / u : 1; }

test('a mask painted on one frame follows the object, not the background', () => {
  const frames = Array.from({ length: N }, (_, t) => frame(t));
  const masks = trackMask(frames, [{ index: 0, mask: truth(0) }]);
  for (let t = 0; t < N; t++) assert.ok(iou(masks[t], truth(t)) > 0.85, `frame ${t} IoU ${iou(masks[t], truth(t)).toFixed(3)}`);
  // backwards from a key on the last frame as well
  const back = trackMask(frames, [{ index: N - 1, mask: truth(N - 1) }]);
  assert.ok(iou(back[0], truth(0)) > 0.85, `backward IoU ${iou(back[0], truth(0)).toFixed(3)}`);
});

test('re-tracking from an edited later frame: frames near the edit follow the edit', () => {
  const frames = Array.from({ length: N }, (_, t) => frame(t));
  // the user edits frame 5 to include only the right half of the disc
  const edited = truth(5);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (x < disc(5).cx) edited.data[y * W + x] = 0;
  const masks = trackMask(frames, [{ index: 0, mask: truth(0) }, { index: 5, mask: edited }]);
  assert.deepEqual(masks[5].data, edited.data);
  assert.ok(iou(masks[1], truth(1)) > 0.85);
  // frame 7 follows the half disc: nothing left of the disc centre
  let left = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < disc(7).cx - 3; x++) left += masks[7].data[y * W + x];
  assert.ok(left < 10, `pixels left of centre ${left}`);
});
