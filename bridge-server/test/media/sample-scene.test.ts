import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodePng, probeMedia, readFrames, renderSampleScene, sampleCameraOffset } from '../../src/media/index.js';
import { tempDir } from './helpers.js';

const dir = tempDir();

async function frames(path: string): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for await (const f of readFrames(path)) out.push(f.frame.data);
  return out;
}

test('sample scene: files, meta, determinism and ground-truth consistency (png16, exact)', async () => {
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const opts = { width: 64, height: 36, frames: 6, fps: { num: 25, den: 1 }, codec: 'png16' as const };
  const meta = await renderSampleScene({ dir: a, ...opts });
  await renderSampleScene({ dir: b, ...opts });
  const metaJson = JSON.parse(await readFile(join(a, 'meta.json'), 'utf8'));
  for (const k of ['clip', 'clean', 'mask', 'relit', 'frames', 'fps', 'width', 'height', 'motion', 'lights', 'albedo', 'heightField']) assert.ok(k in metaJson, `meta.json has ${k}`);
  assert.deepEqual(metaJson, JSON.parse(await readFile(join(b, 'meta.json'), 'utf8')));
  assert.equal(meta.frames, 6);
  assert.deepEqual(Object.keys(meta.lights), ['a', 'b']);
  const masks = (await readdir(join(a, meta.mask))).sort();
  assert.equal(masks.length, 6);
  for (const k of ['clip', 'clean', 'relit'] as const) {
    const fa = (await readdir(join(a, meta[k]))).sort();
    assert.equal(fa.length, 6);
    for (const f of fa) assert.ok((await readFile(join(a, meta[k], f))).equals(await readFile(join(b, meta[k], f))), `${k}/${f} deterministic`);
  }
  for (let t = 0; t < 6; t++) {
    const clip = decodePng(await readFile(join(a, meta.clip, `clip.${String(t).padStart(5, '0')}.png`))).samples;
    const clean = decodePng(await readFile(join(a, meta.clean, `clean.${String(t).padStart(5, '0')}.png`))).samples;
    const relit = decodePng(await readFile(join(a, meta.relit, `relit.${String(t).padStart(5, '0')}.png`))).samples;
    const mask = decodePng(await readFile(join(a, meta.mask, masks[t]))).samples;
    let inside = 0;
    let outsideDiff = 0;
    let insideDiff = 0;
    let relitDiff = 0;
    for (let p = 0; p < 64 * 36; p++) {
      const same = clip[p * 3] === clean[p * 3] && clip[p * 3 + 1] === clean[p * 3 + 1] && clip[p * 3 + 2] === clean[p * 3 + 2];
      if (mask[p]) {
        inside++;
        if (!same) insideDiff++;
      } else if (!same) outsideDiff++;
      if (relit[p * 3] !== clip[p * 3]) relitDiff++;
    }
    assert.equal(outsideDiff, 0, `frame ${t}: clip equals the clean plate outside the mask`);
    assert.ok(inside > 20 && insideDiff > inside * 0.8, `frame ${t}: the object is inside the mask (${insideDiff}/${inside})`);
    assert.ok(relitDiff > 64 * 36 * 0.9, 'relit differs almost everywhere');
  }
  // camera motion: clean plate frame t at (x, y) equals frame 0 at (x + dx, y + dy)
  const c0 = decodePng(await readFile(join(a, meta.clean, 'clean.00000.png'))).samples;
  const c3 = decodePng(await readFile(join(a, meta.clean, 'clean.00003.png'))).samples;
  const motion = JSON.parse(await readFile(join(a, meta.motion), 'utf8')).frames;
  assert.deepEqual(motion[3], { frame: 3, ...sampleCameraOffset(3) });
  const { x: dx, y: dy } = motion[3];
  let mismatch = 0;
  for (let y = 0; y < 36 - dy; y++) for (let x = 0; x < 64 - dx; x++) for (let c = 0; c < 3; c++) if (c3[(y * 64 + x) * 3 + c] !== c0[((y + dy) * 64 + x + dx) * 3 + c]) mismatch++;
  assert.equal(mismatch, 0, 'clean plate moves exactly by the recorded camera motion');
});

test('sample scene: ProRes clip carries rate, timecode and colour, and decodes to the same frame count', async () => {
  const d = join(dir, 'prores');
  const meta = await renderSampleScene({ dir: d, width: 64, height: 36, frames: 5, fps: { num: 30000, den: 1001 } });
  const info = await probeMedia(join(d, meta.clip));
  assert.deepEqual(info.fps, { num: 30000, den: 1001 });
  assert.equal(info.frameCount, 5);
  assert.equal(info.startTimecode, '01:00:00;00');
  assert.equal(info.pixFmt, 'yuv422p10le');
  assert.equal(info.color.matrix, 'bt709');
  assert.equal((await frames(join(d, meta.relit))).length, 5);
});
