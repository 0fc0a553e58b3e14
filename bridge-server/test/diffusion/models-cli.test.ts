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
