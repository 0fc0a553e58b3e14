import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildFixtures, ModelStore, manifestFromFolder, downloadFile, loadManifests, parseManifest, RECORD_FILE, MANIFEST_DIR } from '../src/index.js';
import { isStudioError } from '@synthetic-studio/shared';

const root = mkdtempSync(join(tmpdir(), 'ss-store-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const fx = buildFixtures(join(root, 'fx'), { seed: 2, only: ['sd'] });

/** Static server over the fixture folder with Range support; can drop the connection mid-file. */
const requests: { path: string; range: string | null }[] = [];
const dropOnce = new Set<string>();
const corrupt = new Set<string>();
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url!, 'http://x').pathname.replace(/^\/m\//, ''));
  const file = join(fx.sd, rel);
  requests.push({ path: rel, range: req.headers.range ?? null });
  if (!existsSync(file)) { res.writeHead(404).end(); return; }
  let body = readFileSync(file);
  if (corrupt.has(rel)) { body = Buffer.from(body); body[body.length >> 1] ^= 0xff; }
  let start = 0;
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (m) start = Number(m[1]);
  if (start >= body.length && m) { res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end(); return; }
  const slice = body.subarray(start);
  res.writeHead(m ? 206 : 200, { 'content-length': slice.length, 'accept-ranges': 'bytes', ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
  if (dropOnce.has(rel)) {
    dropOnce.delete(rel);
    res.write(slice.subarray(0, slice.length >> 1), () => res.socket?.destroy());
    return;
  }
  res.end(slice);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
after(() => server.close());
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m/`;

const meta = { name: 'tiny-sd', kind: 'sd' as const, description: 'fixture', source: 'test', license: 'MIT', verified: true, recommended: {} };

test('pull downloads every file, resumes a dropped connection with Range, and installs atomically', async () => {
  const manifest = await manifestFromFolder(fx.sd, { ...meta, baseUrl: base });
  const store = new ModelStore(join(root, 'models1'), [manifest]);
  dropOnce.add('unet/weights.pb');
  requests.length = 0;
  const rec = await store.pull('tiny-sd', { backoffMs: 10 });
  const unetReqs = requests.filter((r) => r.path === 'unet/weights.pb');
  assert.equal(unetReqs.length, 2, 'one dropped request, one resumed');
  assert.equal(unetReqs[0].range, null);
  assert.match(unetReqs[1].range!, /^bytes=[1-9]\d*-$/, 'the retry asks only for the missing bytes');
  const dir = join(root, 'models1', 'tiny-sd');
  for (const f of manifest.files) assert.ok(readFileSync(join(dir, f.path)).equals(readFileSync(join(fx.sd, f.path))), f.path);
  assert.equal(rec.files.length, manifest.files.length);
  assert.ok(existsSync(join(dir, RECORD_FILE)));
  assert.ok(!existsSync(join(root, 'models1', '.staging-tiny-sd')), 'staging folder renamed away');
  assert.deepEqual((await store.verifyFiles(dir)).problems, []);
});

test('a hash mismatch is retried and then refused as E_MODEL_CORRUPT; nothing is installed', async () => {
  const manifest = await manifestFromFolder(fx.sd, { ...meta, baseUrl: base });
  const store = new ModelStore(join(root, 'models2'), [manifest]);
  corrupt.add('vae_decoder/model.onnx');
  await assert.rejects(store.pull('tiny-sd', { retries: 1, backoffMs: 5 }), (e: unknown) => isStudioError(e) && e.code === 'E_MODEL_CORRUPT' && /sha256/.test(e.message));
  corrupt.delete('vae_decoder/model.onnx');
  assert.ok(!existsSync(join(root, 'models2', 'tiny-sd')));
  // the next pull reuses the files that did complete
  requests.length = 0;
  await store.pull('tiny-sd', { backoffMs: 5 });
  assert.ok(!requests.some((r) => r.path === 'unet/weights.pb'), 'completed files are not downloaded again');
  assert.ok(requests.some((r) => r.path === 'vae_decoder/model.onnx'));
});

test('repair re-downloads exactly the files that fail their hash; remove deletes', async () => {
  const manifest = await manifestFromFolder(fx.sd, { ...meta, baseUrl: base });
  const store = new ModelStore(join(root, 'models3'), [manifest]);
  await store.pull('tiny-sd', { backoffMs: 5 });
  const dir = join(root, 'models3', 'tiny-sd');
  const p = join(dir, 'text_encoder', 'model.onnx');
  const bytes = readFileSync(p); bytes[100] ^= 1; writeFileSync(p, bytes);
  const v = await store.verifyFiles(dir);
  assert.deepEqual(v.problems.map((x) => [x.path, x.problem]), [['text_encoder/model.onnx', 'sha256']]);
  const r = await store.repair('tiny-sd', { backoffMs: 5 });
  assert.deepEqual(r.repaired, ['text_encoder/model.onnx']);
  assert.deepEqual((await store.verifyFiles(dir)).problems, []);
  assert.equal(store.remove('tiny-sd'), true);
  assert.ok(!existsSync(dir));
});

test('downloadFile: server without a file → E_MODEL_MISSING without endless retries', async () => {
  requests.length = 0;
  await assert.rejects(downloadFile({ url: `${base}nope.bin`, dest: join(root, 'x', 'nope.bin'), retries: 3, backoffMs: 5 }), (e: unknown) => isStudioError(e) && e.code === 'E_MODEL_MISSING');
  assert.equal(requests.length, 1, '404 is permanent');
});

test('shipped manifests parse and are honest about unknown hashes', () => {
  const ms = loadManifests();
  assert.ok(ms.length >= 3);
  assert.deepEqual(ms, loadManifests(MANIFEST_DIR), 'the bundled list matches models/manifests/*.json');
  for (const m of ms) for (const f of m.files) assert.ok(f.sha256 === 'unknown' || /^[0-9a-f]{64}$/.test(f.sha256));
  assert.throws(() => parseManifest({ ...meta, files: [{ path: '../x', size: 1, sha256: 'unknown' }] }), /files\[0\]\.path/);
  assert.throws(() => parseManifest({ ...meta, kind: 'sdxl', files: [{ path: 'a', size: 1, sha256: 'unknown' }] }), /'kind'/);
});
