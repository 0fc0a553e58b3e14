import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '@synthetic-studio/models';
import { isStudioError } from '@synthetic-studio/shared';
import { DiffusionRuntime, loadModelFolder, f32ToF16Bits, f16BitsToF32, toHalf, fromHalf, providerChain, providerWarning, signatureProblems } from '../../src/diffusion/index.js';
import { fixtureDir } from './helpers.js';

const fx = fixtureDir(11);
const rt = new DiffusionRuntime({ mode: 'in-process', intraOpThreads: 1 });
after(() => rt.dispose());

test('kind is detected from the UNet input signature', async () => {
  const sd = await loadModelFolder(fx.sd, rt);
  assert.equal(sd.kind, 'sd');
  assert.equal(sd.unetInfo!.channelsFrom, 'probe', 'diffusers export has a symbolic channel dim');
  assert.equal(sd.unetInfo!.timestepRank, 1);
  assert.equal(sd.encoderOutput, 'latent_sample');
  const inp = await loadModelFolder(fx['sd-inpaint'], rt);
  assert.equal(inp.kind, 'sd-inpaint');
  assert.equal(inp.unetInfo!.timestepRank, 0);
  assert.equal(inp.encoderOutput, 'latent_parameters');
  const ic = await loadModelFolder(fx['ic-light-fc'], rt);
  assert.equal(ic.kind, 'ic-light-fc');
  assert.equal(ic.unetInfo!.floatType, 'float16');
  const ta = await loadModelFolder(fx.taesd, rt);
  assert.equal(ta.kind, 'taesd');
  assert.equal(ta.provider, 'cpu');
});

test('folder names do not matter: a 9-channel UNet renamed "sd" is still inpainting', async () => {
  const copy = join(fx.root, 'renamed-sd');
  cpSync(fx['sd-inpaint'], copy, { recursive: true });
  const unetCfg = join(copy, 'unet', 'config.json');
  writeFileSync(unetCfg, '{}'); // no in_channels: must come from the static dim
  const m = await loadModelFolder(copy, rt);
  assert.equal(m.kind, 'sd-inpaint');
  assert.equal(m.unetInfo!.channelsFrom, 'static-dim');
});

test('signature mismatches are refused with a precise message', async () => {
  const bad = join(fx.root, 'bad-unet');
  cpSync(fx.sd, bad, { recursive: true });
  const g = new GraphBuilder('unet');
  g.input('sample', 'float32', ['batch', 4, 'height', 'width']);
  g.input('timestep', 'float32', ['batch']);
  g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', 768]);
  g.node('Identity', ['sample'], {}, ['noise_pred']);
  g.output('noise_pred', 'float32', ['batch', 4, 'height', 'width']);
  writeFileSync(join(bad, 'unet', 'model.onnx'), g.toBytes().model);
  await assert.rejects(loadModelFolder(bad, rt), (e: unknown) => {
    assert.ok(isStudioError(e));
    assert.equal(e.code, 'E_MODEL_SIGNATURE');
    assert.match(e.message, /unet: missing output 'out_sample' \(model has outputs: 'noise_pred'\)/);
    return true;
  });
  assert.deepEqual(
    signatureProblems('text_encoder', [{ name: 'input_ids', type: 'float32', shape: ['b', 77] }], [{ name: 'last_hidden_state', type: 'float32', shape: ['b', 77] }]),
    ["text_encoder: input 'input_ids' has dtype float32, expected int32 or int64", "text_encoder: output 'last_hidden_state' has rank 2 [b, 77], expected rank 3"],
  );
});

test('a corrupt model file is E_MODEL_CORRUPT, a missing one E_MODEL_MISSING', async () => {
  const bad = join(fx.root, 'corrupt');
  cpSync(fx.sd, bad, { recursive: true });
  const p = join(bad, 'vae_decoder', 'model.onnx');
  const bytes = readFileSync(p);
  writeFileSync(p, bytes.subarray(0, bytes.length >> 1)); // truncated download
  await assert.rejects(loadModelFolder(bad, rt), (e: unknown) => isStudioError(e) && e.code === 'E_MODEL_CORRUPT' && e.message.includes('vae_decoder'));
  mkdirSync(join(fx.root, 'empty'), { recursive: true });
  await assert.rejects(loadModelFolder(join(fx.root, 'empty'), rt), (e: unknown) => isStudioError(e) && e.code === 'E_MODEL_MISSING');
});

test('a failing execution provider falls back to the next and says which runs', async () => {
  const tried: string[] = [];
  const real = await import('onnxruntime-node');
  const factory = async (path: string, o: Record<string, unknown>) => {
    const eps = o.executionProviders as string[];
    tried.push(eps.join('+'));
    if (eps[0] === 'cuda') throw new Error('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
    return real.InferenceSession.create(path, o) as never;
  };
  const r = new DiffusionRuntime({ mode: 'in-process', providers: ['cuda', 'cpu'], factory });
  const s = await r.open(join(fx.sd, 'vae_decoder', 'model.onnx'));
  assert.equal(s.provider, 'cpu');
  assert.deepEqual(tried, ['cuda+cpu', 'cpu']);
  assert.equal(s.attempts[0].ok, false);
  assert.match(s.attempts[0].error!, /Failed to load shared library/);
  const warn = providerWarning(s);
  assert.equal(warn?.code, 'E_PROVIDER');
  assert.match(warn!.message, /cuda \(OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library\) unavailable .* running on cpu/);
  assert.equal(providerWarning({ path: 'x', provider: 'cpu', attempts: [{ provider: 'cpu', ok: true }] }), null);
  assert.deepEqual(providerChain(['dml', 'cuda']), ['dml', 'cuda', 'cpu']);
  assert.deepEqual(providerChain(undefined), ['cpu']);
  // and with the real onnxruntime: cuda is compiled in but its libraries are not installed here
  const r2 = new DiffusionRuntime({ mode: 'in-process', providers: ['cuda'] });
  const s2 = await r2.open(join(fx.sd, 'vae_decoder', 'model.onnx'));
  assert.ok(s2.provider === 'cuda' || (s2.provider === 'cpu' && s2.attempts[0].ok === false));
  // a provider that is not compiled in (CoreML on Linux) is reported as skipped, not silently dropped
  const r3 = new DiffusionRuntime({ mode: 'in-process', providers: [process.platform === 'darwin' ? 'dml' : 'coreml'] });
  const s3 = await r3.open(join(fx.sd, 'vae_decoder', 'model.onnx'));
  assert.equal(s3.provider, 'cpu');
  assert.match(s3.attempts[0].error!, /not available in this onnxruntime build/);
  await r.dispose();
  await r2.dispose();
  await r3.dispose();
});

test('sessions are cached and released', async () => {
  const r = new DiffusionRuntime({ mode: 'in-process' });
  const p = join(fx.sd, 'vae_decoder', 'model.onnx');
  const a = await r.open(p);
  assert.equal(await r.open(p), a);
  assert.equal(r.openCount, 1);
  await r.release(p);
  assert.equal(r.openCount, 0);
  assert.notEqual(await r.open(p), a);
  await r.dispose();
});

test('worker-thread sessions give the same results as in-process ones, fp16 included', async () => {
  const w = new DiffusionRuntime({ mode: 'worker', intraOpThreads: 1 });
  const p = join(fx['ic-light-fc'], 'unet', 'model.onnx');
  const [a, b] = [await rt.open(p), await w.open(p)];
  const sample = new Float32Array(2 * 8 * 8 * 8).map((_, i) => Math.sin(i));
  const feeds = {
    sample: { type: 'float16' as const, dims: [2, 8, 8, 8], data: toHalf(sample) },
    timestep: { type: 'float16' as const, dims: [], data: toHalf(Float32Array.of(500)) },
    encoder_hidden_states: { type: 'float16' as const, dims: [2, 77, 768], data: toHalf(new Float32Array(2 * 77 * 768).fill(0.1)) },
  };
  const ra = await a.run(feeds);
  const rb = await b.run(feeds);
  assert.equal(ra.out_sample.type, 'float16');
  assert.deepEqual(ra.out_sample.dims, [2, 4, 8, 8]);
  assert.deepEqual(Array.from(rb.out_sample.data as Uint16Array), Array.from(ra.out_sample.data as Uint16Array));
  assert.equal(b.stats.runs, 1);
  assert.ok(b.stats.runMs > 0);
  // the caller keeps its arrays (transfer works on copies)
  assert.equal(feeds.sample.data.length, 2 * 8 * 8 * 8);
  await w.dispose();
});

test('half-precision bit patterns', () => {
  assert.equal(f32ToF16Bits(1), 0x3c00);
  assert.equal(f32ToF16Bits(-2), 0xc000);
  assert.equal(f32ToF16Bits(65504), 0x7bff);
  assert.equal(f32ToF16Bits(65520), 0x7c00, 'rounds to Inf');
  assert.equal(f32ToF16Bits(Infinity), 0x7c00);
  assert.ok(Number.isNaN(f16BitsToF32(f32ToF16Bits(NaN))));
  assert.equal(f32ToF16Bits(2 ** -24), 0x0001, 'smallest subnormal');
  assert.equal(f32ToF16Bits(1e-8), 0);
  assert.equal(f16BitsToF32(f32ToF16Bits(0.1)), 0.0999755859375);
  assert.equal(f32ToF16Bits(1 + 2 ** -11), 0x3c00, 'tie rounds to even');
  assert.equal(f32ToF16Bits(1 + 3 * 2 ** -11), 0x3c02, 'tie rounds to even (up)');
  const all = new Uint16Array(0x7c00).map((_, i) => i);
  assert.deepEqual(toHalf(fromHalf(all)), all, 'every finite positive half round-trips');
});

test('worker mode keeps the event loop free while a UNet runs', async () => {
  const { unet, WeightRng } = await import('@synthetic-studio/models');
  const p = join(fx.root, 'wide-unet.onnx');
  writeFileSync(p, unet(new WeightRng(1), { inChannels: 4, flavour: 'optimum', timestepRank: 0, precision: 'fp32', width: 96 }).model);
  const w = new DiffusionRuntime({ mode: 'worker', intraOpThreads: 1 });
  const s = await w.open(p);
  const feeds = {
    sample: { type: 'float32' as const, dims: [2, 4, 96, 96], data: new Float32Array(2 * 4 * 96 * 96).fill(0.5) },
    timestep: { type: 'float32' as const, dims: [], data: Float32Array.of(500) },
    encoder_hidden_states: { type: 'float32' as const, dims: [2, 77, 768], data: new Float32Array(2 * 77 * 768).fill(0.1) },
  };
  await s.run(feeds); // warm-up
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 2);
  const t0 = performance.now();
  await s.run(feeds);
  const ms = performance.now() - t0;
  clearInterval(timer);
  await w.dispose();
  // the run lasts many timer periods; on the main thread it would block every tick until it returned
  console.log(`worker run ${ms.toFixed(0)} ms, ${ticks} ticks`);
  if (ms > 20) assert.ok(ticks >= 2, `${ticks} timer ticks during a ${ms.toFixed(0)} ms run`);
});
