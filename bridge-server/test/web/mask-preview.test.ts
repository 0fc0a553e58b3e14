// POST /api/masks/preview: shapes rasterised by the media layer, tracked by the temporal engine,
// on the sample scene whose true object mask is known for every frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { renderSampleScene } from '../../src/media/index.js';
import { getJson, webBridge } from './helpers.js';

/** Centroid and bounding box (normalised) of a grey mask PNG. */
async function maskStats(file: string) {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  let n = 0, sx = 0, sy = 0, x0 = 1e9, y0 = 1e9, x1 = -1, y1 = -1;
  for (let p = 0; p < info.width * info.height; p++) {
    if (data[p]! < 128) continue;
    const x = p % info.width, y = Math.floor(p / info.width);
    n++; sx += x; sy += y;
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  const W = info.width, H = info.height;
  return { centroid: [(sx / n + 0.5) / W, (sy / n + 0.5) / H] as [number, number], box: { x: x0 / W, y: y0 / H, w: (x1 + 1 - x0) / W, h: (y1 + 1 - y0) / H } };
}

test('mask preview: painted shapes tracked over a few frames follow the object', { timeout: 120_000 }, async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ss mask preview '));
  const meta = await renderSampleScene({ dir: work, width: 160, height: 90, frames: 12, codec: 'prores' });
  const clip = path.join(work, meta.clip);
  const truth = async (f: number) => maskStats(path.join(work, meta.mask, `${String(f).padStart(5, '0')}.png`));
  const b = await webBridge();
  const post = (body: unknown) => getJson(`${b.url}/api/masks/preview?token=${b.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  try {
    const t2 = await truth(2);
    // An ellipse around the object on frame 2, as the panel's ellipse tool would send it.
    const shape = { shape: 'ellipse', cx: t2.box.x + t2.box.w / 2, cy: t2.box.y + t2.box.h / 2, rx: t2.box.w / 2, ry: t2.box.h / 2 };
    const r = await post({ path: clip, frame: 2, in: 1, out: 12, shapes: [shape], track: true, count: 3, span: 8, maxWidth: 96 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const frames = r.body.frames as { frame: number; image: string; coverage: number; centroid: [number, number] }[];
    assert.deepEqual(frames.map((f) => f.frame), [2, 6, 10]);
    for (const f of frames) {
      assert.match(f.image, /^data:image\/jpeg;base64,/);
      const img = await sharp(Buffer.from(f.image.split(',')[1]!, 'base64')).metadata();
      assert.equal(img.width, 96);
      assert.ok(f.coverage > 0.3 * frames[0]!.coverage && f.coverage < 3 * frames[0]!.coverage, `frame ${f.frame}: coverage ${f.coverage} stays near the painted ${frames[0]!.coverage}`);
      const t = await truth(f.frame);
      const err = Math.hypot((f.centroid[0] - t.centroid[0]) * 160, (f.centroid[1] - t.centroid[1]) * 90);
      assert.ok(err < 4, `frame ${f.frame}: tracked centroid within 4 px of the true object (${err.toFixed(2)} px)`);
    }
    const t10 = await truth(10);
    const moved = Math.hypot((t10.centroid[0] - t2.centroid[0]) * 160, (t10.centroid[1] - t2.centroid[1]) * 90);
    assert.ok(moved > 4, `the object really moves between frames 2 and 10 (${moved.toFixed(1)} px), so following it means tracking`);

    const held = await post({ path: clip, frame: 2, shapes: [shape], track: false });
    assert.deepEqual(held.body.frames.map((f: { frame: number }) => f.frame), [2]);

    const erased = await post({ path: clip, frame: 2, shapes: [{ ...shape, erase: true }] });
    assert.equal(erased.body.error.code, 'E_MASK_EMPTY');
    const outside = await post({ path: clip, frame: 11, in: 1, out: 8, shapes: [shape] });
    assert.equal(outside.body.error.code, 'E_RANGE');
    const junk = await post({ path: clip, frame: 2, shapes: [{ shape: 'blob' }] });
    assert.equal(junk.status, 400);
    assert.equal(junk.body.error.code, 'E_VALIDATION');
    const noToken = await getJson(`${b.url}/api/masks/preview`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: clip, frame: 2, shapes: [shape] }) });
    assert.equal(noToken.status, 401);
  } finally {
    await b.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
