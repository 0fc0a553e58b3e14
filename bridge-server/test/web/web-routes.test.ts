import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isJobOutputFile, listFolder } from '../../src/web/index.js';
import { getJson, webBridge } from './helpers.js';

test('page and bundle are public; every /api route of the panel needs the token; foreign origins get 403', async () => {
  const b = await webBridge();
  try {
    const page = await fetch(`${b.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'.*frame-ancestors 'none'/);
    const html = await page.text();
    assert.match(html, /<script src="\/panel.js">/);
    const js = await fetch(`${b.url}/panel.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    const code = await js.text();
    assert.ok(code.length > 10_000, 'a real bundle');
    assert.ok(code.includes('Synthetic Studio') && code.includes('/api/preview'), 'panel and browser host are in it');

    for (const p of ['/api/files', '/api/probe?path=/x.mov', '/api/preview?path=/x.mov&frame=0', '/api/outputs/file?path=/x.mov']) {
      const r = await getJson(`${b.url}${p}`);
      assert.equal(r.status, 401, p);
      assert.equal(r.body.error.code, 'E_AUTH_REQUIRED', p);
      const wrong = await getJson(`${b.url}${p}${p.includes('?') ? '&' : '?'}token=nope`);
      assert.equal(wrong.body.error.code, 'E_AUTH_INVALID', p);
    }
    const foreign = await getJson(`${b.url}/api/files?token=${b.token}`, { headers: { origin: 'http://evil.example' } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error.code, 'E_ORIGIN');
    const own = await getJson(`${b.url}/api/files?dir=${encodeURIComponent(b.root)}`, { headers: { origin: b.url, authorization: `Bearer ${b.token}` } });
    assert.equal(own.status, 200, 'the bridge’s own page may call it with the Bearer header');
  } finally {
    await b.dispose();
  }
});

test('file browser: folders first, hidden entries left out, media marked; bad folders explained', async () => {
  const b = await webBridge();
  try {
    const dir = path.join(b.root, 'media ünï');
    fs.mkdirSync(path.join(dir, 'b sub'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'a sub'));
    fs.writeFileSync(path.join(dir, 'clip.MOV'), 'x');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    fs.writeFileSync(path.join(dir, '.hidden.mov'), 'x');
    const r = await getJson(`${b.url}/api/files?dir=${encodeURIComponent(dir)}&token=${b.token}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.dir, dir);
    assert.equal(r.body.parent, b.root);
    assert.deepEqual(r.body.entries.map((e: any) => [e.name, e.kind, e.media]), [
      ['a sub', 'dir', false],
      ['b sub', 'dir', false],
      ['clip.MOV', 'file', true],
      ['notes.txt', 'file', false],
    ]);
    assert.equal(r.body.entries[2].path, path.join(dir, 'clip.MOV'));
    assert.equal(r.body.entries[2].size, 1);

    const rel = await getJson(`${b.url}/api/files?dir=relative/dir&token=${b.token}`);
    assert.equal(rel.status, 400);
    assert.equal(rel.body.error.code, 'E_VALIDATION');
    const missing = await getJson(`${b.url}/api/files?dir=${encodeURIComponent(path.join(dir, 'nope'))}&token=${b.token}`);
    assert.equal(missing.status, 404);
    await assert.rejects(listFolder(path.join(dir, 'clip.MOV')), { code: 'E_VALIDATION' });
    const ofFile = await getJson(`${b.url}/api/files?dir=${encodeURIComponent(path.join(dir, 'clip.MOV'))}&token=${b.token}`);
    assert.equal(ofFile.body.dir, dir, 'a file path lists the folder it is in');
  } finally {
    await b.dispose();
  }
});

test('result files: only outputs of known jobs are served', async () => {
  const b = await webBridge();
  try {
    const secret = path.join(b.root, 'secret.txt');
    fs.writeFileSync(secret, 'private');
    const r = await getJson(`${b.url}/api/outputs/file?path=${encodeURIComponent(secret)}&token=${b.token}`);
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'E_NOT_FOUND');
    const rel = await getJson(`${b.url}/api/outputs/file?path=secret.txt&token=${b.token}`);
    assert.equal(rel.body.error.code, 'E_VALIDATION');
  } finally {
    await b.dispose();
  }
  const fps = { num: 25, den: 1 };
  const outs = [
    { path: '/out/shot_inpaint_v001.mov', kind: 'movie' as const, frames: 8, fps, timecode: '00:00:00:00', sidecar: '/out/shot_inpaint_v001.json' },
    { path: '/out/shot_copy_v001', kind: 'sequence' as const, frames: 8, fps, timecode: '00:00:00:00' },
  ];
  assert.equal(isJobOutputFile('/out/shot_inpaint_v001.mov', outs), true);
  assert.equal(isJobOutputFile('/out/shot_inpaint_v001.json', outs), true);
  assert.equal(isJobOutputFile('/out/shot_copy_v001/00000010.png', outs), true);
  assert.equal(isJobOutputFile('/out/shot_copy_v001/../secret.txt', outs), false, 'callers resolve first; a resolved path outside stays out');
  assert.equal(isJobOutputFile(path.resolve('/out/shot_copy_v001/../secret.txt'), outs), false);
  assert.equal(isJobOutputFile('/out/other.mov', outs), false);
  assert.equal(isJobOutputFile('/out/shot_copy_v001x/a.png', outs), false, 'a sibling with the same prefix is not inside');
});
