import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, writeFileSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerModelsCommand, resolveModelsDir } from '../../src/cli/commands/models.js';

const root = mkdtempSync(join(tmpdir(), 'ss-models-cli-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const modelsDir = join(root, 'models');

async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command().exitOverride();
  let out = '', err = '';
  registerModelsCommand(program, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  process.exitCode = 0;
  await program.parseAsync(['node', 'synthetic-studio', 'models', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

test('models dir: flag, then $SYNTHETIC_STUDIO_MODELS, then config', () => {
  assert.equal(resolveModelsDir({ modelsDir: '/a/b' }, {}), '/a/b');
  assert.equal(resolveModelsDir({}, { SYNTHETIC_STUDIO_MODELS: '/c' }), '/c');
  assert.equal(resolveModelsDir({ configDir: join(root, 'cfg') }, {}), join(root, 'cfg', 'data', 'models'));
});

test('build-fixtures → import → list → verify → corrupt → verify fails → remove', async () => {
  const fx = join(root, 'fx');
  const b = await run('build-fixtures', fx, '--seed', '3');
  assert.equal(b.code, 0, b.err);
  assert.match(b.out, /sd-inpaint\s+.*sd-inpaint/);
  const imp = await run('import', join(fx, 'sd-inpaint'), '--models-dir', modelsDir);
  assert.equal(imp.code, 0, imp.err);
  assert.match(imp.out, /Imported sd-inpaint \(sd-inpaint, \d+ files/);
  const list = await run('list', '--models-dir', modelsDir);
  assert.match(list.out, /sd-inpaint\s+sd-inpaint/);
  assert.match(list.out, /ic-light-fc\s+ic-light-fc\s+import only/);
  const v = await run('verify', 'sd-inpaint', '--models-dir', modelsDir);
  assert.equal(v.code, 0, v.out + v.err);
  assert.match(v.out, /signatures: ok — kind sd-inpaint, UNet 9 channels/);
  assert.match(v.out, /\d+ checked, 0 without a known hash, 0 failing/);
  const p = join(modelsDir, 'sd-inpaint', 'vae_decoder', 'model.onnx');
  const bytes = readFileSync(p);
  writeFileSync(p, bytes.subarray(0, 100));
  const bad = await run('verify', 'sd-inpaint', '--models-dir', modelsDir);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /FAIL vae_decoder\/model\.onnx: size/);
  assert.match(bad.out, /signatures: FAIL E_MODEL_CORRUPT/);
  const rm = await run('remove', 'sd-inpaint', '--models-dir', modelsDir);
  assert.match(rm.out, /Removed sd-inpaint/);
  assert.ok(!existsSync(join(modelsDir, 'sd-inpaint')));
});

test('import refuses a folder whose UNet does not match, with the precise reason, and installs nothing', async () => {
  const fx = join(root, 'fx2');
  await run('build-fixtures', fx);
  const broken = join(root, 'broken-model');
  cpSync(join(fx, 'sd'), broken, { recursive: true });
  cpSync(join(fx, 'sd', 'vae_decoder', 'model.onnx'), join(broken, 'text_encoder', 'model.onnx')); // wrong sub-model in place
  const r = await run('import', broken, '--models-dir', modelsDir);
  assert.equal(r.code, 1);
  assert.match(r.err, /error E_MODEL_SIGNATURE: .*text_encoder: missing input 'input_ids' \(model has inputs: 'latent_sample'\)/);
  assert.ok(!existsSync(join(modelsDir, 'broken-model')));
  const pull = await run('pull', 'ic-light-fc', '--models-dir', modelsDir);
  assert.equal(pull.code, 1);
  assert.match(pull.err, /E_MODEL_MISSING: ic-light-fc: no download source/);
});

test('pull through the CLI from a local mirror (--manifest, --base-url): dropped connection resumed, signatures validated, then verify and repair', async () => {
  const http = await import('node:http');
  const { manifestFromFolder, buildFixtures } = await import('@synthetic-studio/models');
  const fx = buildFixtures(join(root, 'fx3'), { seed: 8, only: ['sd-inpaint'] });
  let dropped = false;
  const ranges: string[] = [];
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(req.url!.replace(/^\/m\//, ''));
    const p = join(fx['sd-inpaint'], rel);
    if (!existsSync(p)) { res.writeHead(404).end(); return; }
    const body = readFileSync(p);
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    if (rel === 'unet/model.onnx_data') ranges.push(req.headers.range ?? 'none');
    res.writeHead(m ? 206 : 200, { 'content-length': body.length - start, ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
    if (rel === 'unet/model.onnx_data' && !dropped) { dropped = true; res.write(body.subarray(0, 1000), () => res.socket?.destroy()); return; }
    res.end(body.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as import('node:net').AddressInfo).port;
    const manifest = await manifestFromFolder(fx['sd-inpaint'], { name: 'mirror-inpaint', kind: 'sd-inpaint', description: 'test mirror', source: 'local', license: 'test', verified: true, recommended: {}, baseUrl: 'http://127.0.0.1:1/unused/' });
    const mf = join(root, 'mirror.json');
    writeFileSync(mf, JSON.stringify(manifest));
    const dir = join(root, 'pulled');
    const r = await run('pull', 'mirror-inpaint', '--manifest', mf, '--base-url', `http://127.0.0.1:${port}/m/`, '--models-dir', dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Installed mirror-inpaint \(sd-inpaint\)/);
    assert.deepEqual(ranges, ['none', 'bytes=1000-']);
    const v = await run('verify', 'mirror-inpaint', '--manifest', mf, '--models-dir', dir);
    assert.equal(v.code, 0, v.out);
    const f = join(dir, 'mirror-inpaint', 'tokenizer', 'merges.txt');
    writeFileSync(f, 'tampered');
    const rep = await run('repair', 'mirror-inpaint', '--manifest', mf, '--base-url', `http://127.0.0.1:${port}/m/`, '--models-dir', dir);
    assert.match(rep.out, /Repaired tokenizer\/merges\.txt/);
    assert.ok(readFileSync(f).equals(readFileSync(join(fx['sd-inpaint'], 'tokenizer', 'merges.txt'))));
  } finally {
    server.close();
  }
});
