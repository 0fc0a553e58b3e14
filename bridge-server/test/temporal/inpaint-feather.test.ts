import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJobRequest, type FloatFrame, type JobRequestInput, type RequestOf } from '@synthetic-studio/shared';
import { encodePng, frameToUint16, loadMask, probeMedia, readFrames, renderSampleScene, resolveRange } from '../../src/media/index.js';
import { inpaintTask } from '../../src/tasks/inpaint.js';
import { sequenceSamples, taskContext, tempDir } from '../media/helpers.js';
import { boxDistance } from './helpers.js';

const dir = tempDir('ss-temporal-feather-');
const W = 96, H = 54, N = 7;
const IN = 1, OUT = 6, DILATE = 2, FEATHER = 3;

test('inpaint (classical) feather: fill blended into the source over `feather` px outside the dilated mask, bit-exact beyond', async () => {
  const meta = await renderSampleScene({ dir: join(dir, 'scene'), width: W, height: H, frames: N, fps: { num: 25, den: 1 } });
  const clip = join(dir, 'scene', meta.clip);
  const req: JobRequestInput = { task: 'inpaint', source: { path: clip, in: IN, out: OUT }, mask: { kind: 'file', path: join(dir, 'scene', meta.mask) }, params: { dilate: DILATE, feather: FEATHER }, output: { format: 'png16', dir: join(dir, 'out-feather') } };
  const info = await probeMedia(clip);
  const masks = await loadMask(parseJobRequest(req).mask!, { info, range: resolveRange(info, IN, OUT), dilate: DILATE });
  assert.equal(masks.kind, 'per-frame');
  // the dilated masks and every pixel's distance to them
  const dist: Uint8Array[] = [];
  for (let i = IN; i < OUT; i++) {
    const m = await (masks as { get(i: number): Promise<FloatFrame> }).get(i);
    dist.push(boxDistance(Uint8Array.from(m.data, (v) => (v > 0 ? 1 : 0)), W, H, FEATHER + 2));
  }
  await masks.close();
  // the fill: the same clip completed with the dilated mask + band as its hole, no feather
  const holeDir = join(dir, 'hole');
  mkdirSync(holeDir, { recursive: true });
  dist.forEach((d, k) => writeFileSync(join(holeDir, `hole_${String(k).padStart(4, '0')}.png`), encodePng(Uint8Array.from(d, (v) => (v <= FEATHER ? 255 : 0)), W, H, 1, 8)));
  const fillReq: JobRequestInput = { ...req, mask: { kind: 'file', path: holeDir }, params: { dilate: 0, feather: 0 }, output: { format: 'png16', dir: join(dir, 'out-fill') } };

  const outs = await sequenceSamples((await inpaintTask.run(taskContext<RequestOf<'inpaint'>>(req, join(dir, 'w1')))).outputs[0].path);
  const fills = await sequenceSamples((await inpaintTask.run(taskContext<RequestOf<'inpaint'>>(fillReq, join(dir, 'w2')))).outputs[0].path);
  assert.equal(outs.length, OUT - IN);
  const src: Uint16Array[] = [];
  for await (const { frame } of readFrames(clip, { channels: 3, in: IN, out: OUT })) src.push(frameToUint16(frame, 3));

  let beyondChanged = 0, insideDiffers = 0, outOfRange = 0, strictlyBetween = 0, farthestChanged = 0;
  // blend fraction (out − source)/(fill − source) by distance to the dilated mask, where fill and source differ clearly
  const frac = Array.from({ length: FEATHER + 1 }, () => ({ sum: 0, n: 0 }));
  for (let k = 0; k < outs.length; k++) {
    for (let p = 0; p < W * H; p++) {
      const d = dist[k][p];
      for (let c = 0; c < 3; c++) {
        const o = outs[k][p * 3 + c], s = src[k][p * 3 + c], f = fills[k][p * 3 + c];
        if (d > FEATHER) { if (o !== s) beyondChanged++; continue; }
        if (o !== s) farthestChanged = Math.max(farthestChanged, d);
        if (d === 0) { if (o !== f) insideDiffers++; continue; }
        // 16-bit rounding of the blend: one step of slack
        if (o < Math.min(s, f) - 1 || o > Math.max(s, f) + 1) outOfRange++;
        if (o > Math.min(s, f) + 1 && o < Math.max(s, f) - 1) strictlyBetween++;
        if (Math.abs(f - s) > 0.02 * 65535) { frac[d].sum += (o - s) / (f - s); frac[d].n++; }
      }
    }
  }
  assert.equal(beyondChanged, 0, `${beyondChanged} samples beyond the feather band changed`);
  assert.equal(insideDiffers, 0, `${insideDiffers} samples inside the dilated mask are not the fill`);
  assert.equal(outOfRange, 0, `${outOfRange} band samples outside [source, fill]`);
  assert.ok(strictlyBetween > 0, 'no band sample is a blend of source and fill');
  assert.equal(farthestChanged, FEATHER, `the band reaches ${farthestChanged} px, feather is ${FEATHER}`);
  const means = frac.map((b) => (b.n ? b.sum / b.n : NaN));
  for (let d = 1; d <= FEATHER; d++) assert.ok(frac[d].n > 0, `no clear fill/source difference at distance ${d}`);
  for (let d = 2; d <= FEATHER; d++) assert.ok(means[d] <= means[d - 1] + 1e-3, `blend weight rises with distance: ${means.map((v) => v.toFixed(3)).join(', ')}`);
  // smooth fall-off: already low at the band's outer edge, not a step from ~0.5+ down to 0 beyond it
  assert.ok(means[FEATHER] > 0 && means[FEATHER] < 0.5, `weight at the band's outer edge ${means[FEATHER].toFixed(3)}`);
  console.log(`feather ${FEATHER}: mean blend weight by distance ${means.slice(1).map((v) => v.toFixed(3)).join(', ')}`);
});
