import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMask, dilateMask, mulberry32, type Mask } from '../../src/temporal/index.js';

/** Dilation by the Euclidean disk of radius r, pixel by pixel. */
function bruteDilate(m: Mask, r: number): Uint8Array {
  const { width: w, height: h } = m, out = new Uint8Array(w * h), R = Math.ceil(r);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let hit = 0;
    for (let dy = -R; dy <= R && !hit; dy++) for (let dx = -R; dx <= R; dx++) {
      const xx = x + dx, yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < w && yy < h && m.data[yy * w + xx] && dx * dx + dy * dy <= r * r) { hit = 1; break; }
    }
    out[y * w + x] = hit;
  }
  return out;
}

test('dilateMask is the Euclidean disk dilation, for small and larger radii and any size', () => {
  const rand = mulberry32(3);
  for (let t = 0; t < 40; t++) {
    const w = 1 + Math.floor(rand() * 40), h = 1 + Math.floor(rand() * 30), m = createMask(w, h);
    for (let i = 0; i < w * h; i++) m.data[i] = rand() < 0.08 ? 1 : 0;
    for (const r of [0, 1, 1.3, 1.5, 2, 3.5]) assert.deepEqual(dilateMask(m, r).data, r === 0 ? m.data : bruteDilate(m, r), `${w}x${h} radius ${r}`);
  }
  // empty, and a single pixel in a corner (the work is limited to the set pixels' box)
  assert.deepEqual(dilateMask(createMask(7, 5), 3).data, new Uint8Array(35));
  const corner = createMask(9, 6);
  corner.data[9 * 6 - 1] = 1;
  assert.deepEqual(dilateMask(corner, 2.5).data, bruteDilate(corner, 2.5));
});
