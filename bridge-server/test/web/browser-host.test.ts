// The browser host adapter and the probe/preview routes against a real bridge and the sample clip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { BridgeHttp, createMemoryStorage, TOKEN_KEY } from '@synthetic-studio/shared/panel';
import { renderSampleScene } from '../../src/media/index.js';
import { BrowserHostAdapter } from '../../src/web/browser/browser-host-adapter.js';
import { getJson, webBridge } from './helpers.js';

test('browser host: open a clip by path, scrub in/out (half-open), results as links; probe and preview routes', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ss browser host '));
  const meta = await renderSampleScene({ dir: work, width: 64, height: 36, frames: 8, codec: 'prores' });
  const clip = path.join(work, meta.clip);
  const b = await webBridge();
  try {
    const storage = createMemoryStorage({ [TOKEN_KEY]: b.token });
    const host = new BrowserHostAdapter(new BridgeHttp(b.url, storage, undefined));
    let changes = 0;
    host.onSelectionChanged(() => changes++);

    assert.deepEqual(await host.getSelection(), { selection: null, reason: 'Type or pick a media file on the bridge machine above.' });
    assert.equal(await host.open(path.join(work, 'missing.mov')), false);
    assert.equal(host.current.error?.code, 'E_MEDIA_MISSING');
    assert.equal(changes, 0);

    assert.equal(await host.open(clip), true);
    assert.equal(changes, 1);
    let r = await host.getSelection();
    assert.ok(r.selection);
    assert.equal(r.selection.mediaPath, clip);
    assert.deepEqual([r.selection.sourceIn, r.selection.sourceOut], [0, 8]);
    assert.deepEqual(r.selection.sourceFps, meta.fps);
    assert.deepEqual([r.selection.frameWidth, r.selection.frameHeight], [64, 36]);
    assert.equal(r.selection.sourceTimecode, meta.startTimecode);

    host.setCursor(5);
    host.setOut();
    host.setCursor(99);
    assert.equal(host.current.cursor, 7, 'scrubber clamps to the last frame');
    host.setIn(7);
    r = await host.getSelection();
    assert.deepEqual([r.selection!.sourceIn, r.selection!.sourceOut], [7, 8], 'in after out pushes out one frame past it');
    host.setOut(2);
    r = await host.getSelection();
    assert.deepEqual([r.selection!.sourceIn, r.selection!.sourceOut], [2, 3], 'out before in pulls in back');
    assert.equal(changes, 4);

    const report = await host.importResult([{ path: '/out/a_inpaint_v001.mov', kind: 'movie', frames: 1, fps: meta.fps, timecode: '01:00:00:02' }], { bin: 'Synthetic Studio', placeAbove: true });
    assert.deepEqual(report.imported, ['/out/a_inpaint_v001.mov']);
    assert.match(report.warnings[0]!, /cannot place/);
    const link = new URL(host.current.results[0]!.url);
    assert.equal(link.pathname, '/api/outputs/file');
    assert.equal(link.searchParams.get('path'), '/out/a_inpaint_v001.mov');
    assert.equal(link.searchParams.get('token'), b.token);

    const probe = await getJson(`${b.url}/api/probe?path=${encodeURIComponent(clip)}&token=${b.token}`);
    assert.equal(probe.status, 200);
    assert.equal(probe.body.frameCount, 8);
    const jpeg = async (frame: number) => {
      const res = await fetch(`${b.url}/api/preview?path=${encodeURIComponent(clip)}&frame=${frame}&maxWidth=32&token=${b.token}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/jpeg');
      return Buffer.from(await res.arrayBuffer());
    };
    const f0 = await jpeg(0);
    const m = await sharp(f0).metadata();
    assert.deepEqual([m.format, m.width, m.height], ['jpeg', 32, 18]);
    const a = await sharp(f0).raw().toBuffer();
    const c = await sharp(await jpeg(7)).raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - c[i]!);
    assert.ok(diff / a.length > 1, 'frame 7 is a different picture from frame 0 (the camera pans)');
    const out = await getJson(`${b.url}/api/preview?path=${encodeURIComponent(clip)}&frame=8&token=${b.token}`);
    assert.equal(out.status, 400);
    assert.equal(out.body.error.code, 'E_RANGE');
  } finally {
    await b.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
