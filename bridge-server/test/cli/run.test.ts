import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderSampleScene } from '../../src/media/index.js';
import { cli, lastLine } from './helpers.js';

test('run copy --json: one JSON object as the last stdout line; 16-bit PNGs numbered by source frame; timecode in/out', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli run é '));
  try {
    const meta = await renderSampleScene({ dir: path.join(root, 'sample'), width: 96, height: 54, frames: 24 });
    const out = path.join(root, 'frames out');
    // in as a timecode (the sample starts at 01:00:00:00, 24 fps), out as a frame index.
    const r = await cli(['run', 'copy', '--input', path.join(root, 'sample', meta.clip), '--in', '01:00:00:03', '--out', '9', '--format', 'png16', '--output', out, '--json'], path.join(root, 'home'));
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(lastLine(r.stdout));
    assert.deepEqual(Object.keys(result).sort(), ['job', 'metrics', 'outputs', 'seconds', 'status']);
    assert.equal(result.status, 'succeeded');
    assert.match(result.job, /^j[0-9a-z]+$/);
    assert.equal(typeof result.seconds, 'number');
    assert.equal(result.metrics.frames, 6);
    const seq = result.outputs.find((o: any) => o.kind === 'sequence');
    for (const k of ['path', 'kind', 'frames', 'fps', 'timecode']) assert.ok(k in seq, k);
    assert.equal(seq.path, out);
    assert.equal(seq.frames, 6);
    assert.deepEqual(seq.fps, { num: 24, den: 1 });
    assert.equal(seq.timecode, '01:00:00:03');
    const files = fs.readdirSync(out).sort();
    assert.equal(files.length, 6);
    assert.match(files[0]!, /0*3\.png$/, 'numbered by source frame');
    assert.match(files[5]!, /0*8\.png$/);
    const png = fs.readFileSync(path.join(out, files[0]!));
    assert.equal(png[24], 16, '16 bits per channel');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('run --json on failure: status failed with the error code, non-zero exit', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli fail '));
  try {
    const r = await cli(['run', 'copy', '--input', path.join(root, 'missing clip.mov'), '--json'], path.join(root, 'home'));
    assert.notEqual(r.code, 0);
    const result = JSON.parse(lastLine(r.stdout));
    assert.equal(result.status, 'failed');
    assert.equal(result.error.code, 'E_MEDIA_MISSING');
    assert.equal(typeof result.job, 'string', 'the job was recorded');
    const bad = await cli(['run', 'copy', '--input', 'a.mov', '--in', 'noon', '--json'], path.join(root, 'home'));
    assert.notEqual(bad.code, 0);
    const v = JSON.parse(lastLine(bad.stdout));
    assert.equal(v.status, 'failed');
    assert.equal(v.error.code, 'E_VALIDATION');
    assert.equal(v.job, null);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
