import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtures, decodeModel, buildClipVocab, bytesToUnicode } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-fixtures-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function io(path: string) {
  const m = decodeModel(readFileSync(path));
  const dims = (v: any) => (v.type.tensorType.shape?.dim ?? []).map((d: any) => d.dimValue ?? d.dimParam);
  return {
    opset: m.opsetImport[0].version,
    inputs: m.graph.input.map((v: any) => ({ name: v.name, type: v.type.tensorType.elemType, dims: dims(v) })),
    outputs: m.graph.output.map((v: any) => ({ name: v.name, type: v.type.tensorType.elemType, dims: dims(v) })),
  };
}

test('buildFixtures writes the four folders in the real layout', () => {
  const p = buildFixtures(dir, { seed: 7 });
  for (const name of ['sd', 'sd-inpaint', 'ic-light-fc'] as const) {
    for (const f of ['model_index.json', 'text_encoder/model.onnx', 'unet/model.onnx', 'vae_encoder/model.onnx', 'vae_decoder/model.onnx',
      'tokenizer/vocab.json', 'tokenizer/merges.txt', 'tokenizer/special_tokens_map.json', 'scheduler/scheduler_config.json']) {
      assert.ok(existsSync(join(p[name], f)), `${name}/${f}`);
    }
  }
  assert.ok(existsSync(join(p.sd, 'unet', 'weights.pb')), 'diffusers-style external UNet weights');
  assert.ok(existsSync(join(p['sd-inpaint'], 'unet', 'model.onnx_data')), 'Optimum-style external UNet weights');
  assert.ok(existsSync(join(p['sd-inpaint'], 'unet', 'config.json')));
  assert.ok(existsSync(join(p.taesd, 'vae_encoder', 'model.onnx')) && existsSync(join(p.taesd, 'vae_decoder', 'model.onnx')));
  const sched = JSON.parse(readFileSync(join(p.sd, 'scheduler', 'scheduler_config.json'), 'utf8'));
  assert.equal(sched.beta_schedule, 'scaled_linear');
  assert.equal(sched.steps_offset, 1);
});

test('sub-models carry the real tensor names, dtypes and ranks', () => {
  const p = buildFixtures(dir, { seed: 7 });
  const te = io(join(p.sd, 'text_encoder', 'model.onnx'));
  assert.equal(te.opset, 17);
  assert.deepEqual(te.inputs, [{ name: 'input_ids', type: 6, dims: ['batch', 'sequence'] }]);
  assert.deepEqual(te.outputs.map((o: any) => o.name), ['last_hidden_state', 'pooler_output']);
  assert.equal(io(join(p['sd-inpaint'], 'text_encoder', 'model.onnx')).inputs[0].type, 7, 'int64 ids (Optimum)');
  const u4 = io(join(p.sd, 'unet', 'model.onnx'));
  assert.deepEqual(u4.inputs.map((i: any) => i.name), ['sample', 'timestep', 'encoder_hidden_states']);
  assert.deepEqual(u4.inputs[1].dims, ['batch'], 'diffusers-script timestep [batch]');
  assert.equal(u4.inputs[0].dims[1], 'channels');
  const u9 = io(join(p['sd-inpaint'], 'unet', 'model.onnx'));
  assert.equal(u9.inputs[0].dims[1], 9);
  assert.deepEqual(u9.inputs[1].dims, [], 'rank-0 timestep');
  assert.deepEqual(u9.outputs, [{ name: 'out_sample', type: 1, dims: ['batch_size', 4, 'height', 'width'] }]);
  const u8 = io(join(p['ic-light-fc'], 'unet', 'model.onnx'));
  assert.equal(u8.inputs[0].dims[1], 8);
  assert.equal(u8.inputs[0].type, 10, 'float16 sample');
  assert.equal(io(join(p['sd-inpaint'], 'vae_encoder', 'model.onnx')).outputs[0].name, 'latent_parameters');
  assert.equal(io(join(p.sd, 'vae_encoder', 'model.onnx')).outputs[0].name, 'latent_sample');
  assert.deepEqual(io(join(p.sd, 'vae_decoder', 'model.onnx')).inputs[0].name, 'latent_sample');
});

test('same seed gives identical bytes, another seed different weights', () => {
  const a = buildFixtures(join(dir, 'a'), { seed: 3, only: ['sd'] });
  const b = buildFixtures(join(dir, 'b'), { seed: 3, only: ['sd'] });
  const c = buildFixtures(join(dir, 'c'), { seed: 4, only: ['sd'] });
  const read = (d: string) => readFileSync(join(d, 'unet', 'weights.pb'));
  assert.ok(read(a.sd).equals(read(b.sd)));
  assert.ok(!read(a.sd).equals(read(c.sd)));
});

test('fixture vocab has the real CLIP layout', () => {
  const { vocab, merges } = buildClipVocab();
  const t = bytesToUnicode();
  assert.equal(vocab['a</w>'], 320); // same id as in openai/clip-vit-large-patch14
  assert.equal(vocab[',</w>'], 267);
  assert.equal(vocab['!</w>'], 256);
  assert.equal(vocab['!'], 0);
  assert.equal(t[32], 'Ġ'); // space byte maps to U+0120
  assert.ok(merges.length > 100);
  assert.equal(vocab['<|endoftext|>'], vocab['<|startoftext|>'] + 1);
  assert.equal(vocab['<|startoftext|>'], 512 + merges.length);
});
