import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScheduler, DdimScheduler, DpmSolverMultistepScheduler, EulerAncestralScheduler, LcmScheduler, roundHalfEven, makeBetas, alphasCumprod, sigmasFromAlphas, SeededRandom, zeroNoise } from '../../src/diffusion/index.js';

const SD15 = { _class_name: 'PNDMScheduler', beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' as const, num_train_timesteps: 1000, set_alpha_to_one: false, skip_prk_steps: true, steps_offset: 1, clip_sample: false, trained_betas: null };

/** diffusers' dummy_sample_deter: arange(768) reshaped [C,H,W,B] / 768, permuted to [B,C,H,W]. */
function dummySample(): Float32Array {
  const B = 4, C = 3, H = 8, W = 8;
  const out = new Float32Array(768);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
    out[((b * C + c) * H + h) * W + w] = (((c * H + h) * W + w) * B + b) / 768;
  }
  return out;
}
const dummyModel = (x: Float32Array, t: number) => x.map((v) => (v * t) / (t + 1));
const sumAbs = (x: Float32Array) => x.reduce((a, v) => a + Math.abs(v), 0);
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

test('roundHalfEven matches NumPy', () => {
  assert.deepEqual([0.5, 1.5, 2.5, 499.5, -0.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 500, -0, 2, 3]);
});

test('SD-1.5 schedule reference values (§2.8)', () => {
  const ac = alphasCumprod(makeBetas({ num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' }));
  close(ac[0], 0.99915, 1e-6, 'ᾱ[0]');
  close(ac[1], 0.998296, 1e-6, 'ᾱ[1]');
  close(ac[499], 0.27767, 1e-5, 'ᾱ[499]');
  close(ac[500], 0.276333, 1e-5, 'ᾱ[500]');
  close(ac[999], 0.0046601, 1e-7, 'ᾱ[999]');
  const s = sigmasFromAlphas(ac);
  close(s[999], 14.61465, 1e-4, 'σ_max');
  close(s[0], 0.0291675, 1e-6, 'σ_min');
  const lin = alphasCumprod(makeBetas({ num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'linear' }));
  close(lin[999], 0.001579, 1e-6, 'linear ᾱ[999]');
});

test('DDIM timesteps for every spacing', () => {
  const d = new DdimScheduler(SD15);
  d.setTimesteps(20);
  assert.deepEqual(d.timesteps, Array.from({ length: 20 }, (_, i) => 951 - 50 * i));
  d.setTimesteps(5);
  assert.deepEqual(d.timesteps, [801, 601, 401, 201, 1]);
  const tr = new DdimScheduler({ ...SD15, timestep_spacing: 'trailing' });
  tr.setTimesteps(4);
  assert.deepEqual(tr.timesteps, [999, 749, 499, 249]);
  tr.setTimesteps(20);
  assert.equal(tr.timesteps[0], 999);
  assert.equal(tr.timesteps[19], 49);
  const ls = new DdimScheduler({ ...SD15, timestep_spacing: 'linspace' });
  ls.setTimesteps(20);
  assert.deepEqual(ls.timesteps, [999, 946, 894, 841, 789, 736, 684, 631, 578, 526, 473, 421, 368, 315, 263, 210, 158, 105, 53, 0]);
});

test('img2img strength picks the diffusers start index', () => {
  const d = new DdimScheduler(SD15);
  d.setTimesteps(20);
  assert.equal(d.startIndex(0.75), 5);
  assert.equal(d.timesteps[5], 701);
  assert.equal(d.timesteps.slice(5).length, 15);
  assert.equal(d.timesteps[d.startIndex(0.5)], 451);
  assert.equal(d.startIndex(1), 0);
  assert.throws(() => d.startIndex(0));
});

test('DDIM full loop matches the diffusers test vector (172.0067 / 0.223967)', () => {
  const d = new DdimScheduler({ num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', clip_sample: true });
  d.setTimesteps(10);
  let x: Float32Array = dummySample();
  d.timesteps.forEach((t, i) => { x = d.step(dummyModel(x, t), i, x).prevSample; });
  close(sumAbs(x), 172.0067, 1e-2, 'Σ|x|');
  close(sumAbs(x) / x.length, 0.223967, 1e-3, 'mean|x|');
});

test('DDIM with the SD-1.5 config, 20 steps (self-computed 0.250108)', () => {
  const d = new DdimScheduler(SD15);
  d.setTimesteps(20);
  let x: Float32Array = dummySample();
  d.timesteps.forEach((t, i) => { x = d.step(dummyModel(x, t), i, x).prevSample; });
  close(sumAbs(x) / x.length, 0.250108, 1e-4, 'mean|x|');
});

test('DDIM recovers x0 exactly from add_noise with the true noise', () => {
  const d = new DdimScheduler(SD15);
  d.setTimesteps(20);
  const rng = new SeededRandom(3);
  const x0 = rng.normal(256), z = rng.normal(256);
  const xt = d.addNoise(x0, z, 4);
  const { predOriginalSample } = d.step(z, 4, xt);
  for (let k = 0; k < 256; k++) assert.ok(Math.abs(predOriginalSample[k] - x0[k]) < 1e-5);
});

test('zero-ε DDIM telescopes to √(ᾱ[0]/ᾱ[951]) ≈ 11.06887', () => {
  const d = new DdimScheduler(SD15);
  d.setTimesteps(20);
  let x: Float32Array = Float32Array.of(1, -2);
  d.timesteps.forEach((_, i) => { x = d.step(new Float32Array(2), i, x).prevSample; });
  close(x[0], 11.06887, 1e-3, 'factor');
  close(x[1], -2 * 11.06887, 2e-3, 'factor');
});

test('Euler ancestral sigmas, timesteps and init noise sigma', () => {
  const e = new EulerAncestralScheduler(SD15);
  e.setTimesteps(20);
  close(e.timesteps[1], 946.42108, 1e-3, 't1');
  close(e.timesteps[2], 893.8421, 1e-3, 't2');
  close(e.sigmas[0], 14.614653, 1e-4, 'σ0');
  close(e.sigmas[1], 10.746855, 1e-4, 'σ1');
  close(e.sigmas[2], 8.081539, 1e-4, 'σ2');
  close(e.initNoiseSigma, 14.614653, 1e-4, 'init');
  const l = new EulerAncestralScheduler({ ...SD15, timestep_spacing: 'leading' });
  l.setTimesteps(20);
  assert.equal(l.timesteps[0], 951);
  close(l.sigmas[0], 11.028339, 1e-4, 'σ(951)');
  close(l.sigmas[1], 8.390691, 1e-4, 'σ(901)');
  close(l.initNoiseSigma, 11.073585, 1e-4, 'init leading');
});

test('Euler ancestral, zero noise, leading, 10 steps (self-computed 0.021024)', () => {
  const e = new EulerAncestralScheduler({ ...SD15, timestep_spacing: 'leading' });
  e.setTimesteps(10);
  assert.equal(e.timesteps[0], 901);
  let x: Float32Array = dummySample().map((v) => v * e.initNoiseSigma);
  e.timesteps.forEach((t, i) => { x = e.step(dummyModel(e.scaleModelInput(x, i), t), i, x, zeroNoise).prevSample; });
  close(sumAbs(x) / x.length, 0.021024, 1e-4, 'mean|x|');
  // zero ε with zero noise leaves x unchanged
  let y: Float32Array = Float32Array.of(0.3, -1.2);
  e.timesteps.forEach((_, i) => { y = e.step(new Float32Array(2), i, y, zeroNoise).prevSample; });
  close(y[0], 0.3, 1e-6, 'identity');
});

test('DPM-Solver++ 2M timesteps: linspace, leading, Karras', () => {
  const d = new DpmSolverMultistepScheduler(SD15);
  d.setTimesteps(20);
  assert.deepEqual(d.timesteps, [999, 949, 899, 849, 799, 749, 699, 649, 599, 549, 500, 450, 400, 350, 300, 250, 200, 150, 100, 50]);
  const l = new DpmSolverMultistepScheduler({ ...SD15, timestep_spacing: 'leading' });
  l.setTimesteps(20);
  assert.deepEqual(l.timesteps.slice(0, 3), [941, 894, 847]);
  assert.deepEqual(l.timesteps.slice(-2), [95, 48]);
  const k = createScheduler('dpm++2m-karras', SD15) as DpmSolverMultistepScheduler;
  k.setTimesteps(20);
  assert.deepEqual(k.timesteps, [999, 962, 921, 876, 827, 772, 710, 640, 561, 474, 380, 285, 197, 123, 69, 35, 15, 6, 2, 0]);
  close(k.sigmas[0], 14.614653, 1e-4, 'σ0');
  close(k.sigmas[1], 11.725377, 1e-3, 'σ1');
  close(k.sigmas[2], 9.340215, 1e-3, 'σ2');
  close(k.sigmas[19], 0.0291675, 1e-6, 'σ19');
  assert.equal(k.sigmas[20], 0);
});

function dpmLoop(cfg: Record<string, unknown>): number {
  const d = new DpmSolverMultistepScheduler({ num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', lower_order_final: false, final_sigmas_type: 'sigma_min', ...cfg });
  d.setTimesteps(10);
  let x: Float32Array = dummySample();
  d.timesteps.forEach((t, i) => { x = d.step(dummyModel(x, t), i, x).prevSample; });
  return sumAbs(x) / x.length;
}

test('DPM-Solver++ 2M full loops match the diffusers test vectors (0.3301 / 0.2251 / 0.2096)', () => {
  close(dpmLoop({}), 0.3301, 1e-3, 'epsilon');
  close(dpmLoop({ prediction_type: 'v_prediction' }), 0.2251, 1e-3, 'v_prediction');
  close(dpmLoop({ prediction_type: 'v_prediction', use_karras_sigmas: true }), 0.2096, 1e-3, 'v + karras');
});

test('LCM timesteps, strength and the 1-step test vector (18.7097 / 0.0244)', () => {
  const l = new LcmScheduler(SD15);
  l.setTimesteps(4);
  assert.deepEqual(l.timesteps, [999, 759, 499, 259]);
  l.setTimesteps(8);
  assert.deepEqual(l.timesteps, [999, 879, 759, 639, 499, 379, 259, 139]);
  l.setTimesteps(4, 0.5);
  assert.deepEqual(l.timesteps, [499, 379, 259, 139]);
  const one = new LcmScheduler({ num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', prediction_type: 'epsilon' });
  one.setTimesteps(1);
  assert.deepEqual(one.timesteps, [999]);
  const x0 = dummySample();
  const x = one.step(dummyModel(x0, 999), 0, x0).prevSample;
  close(sumAbs(x), 18.7097, 1e-2, 'Σ|x|');
  close(sumAbs(x) / x.length, 0.0244, 1e-3, 'mean|x|');
});

test('stochastic samplers are deterministic for a seed', () => {
  const run = (seed: number) => {
    const e = createScheduler('euler-a', SD15);
    e.setTimesteps(5);
    const rng = new SeededRandom(seed);
    let x: Float32Array = rng.normal(64).map((v) => v * e.initNoiseSigma);
    e.timesteps.forEach((_, i) => { x = e.step(x.map((v) => v * 0.1), i, x, rng).prevSample; });
    return Array.from(x);
  };
  assert.deepEqual(run(9), run(9));
  assert.notDeepEqual(run(9), run(10));
});

test('seeded Gaussian: fixed first values and sane moments', () => {
  const r = new SeededRandom(42);
  const a = r.normal(100000);
  const again = new SeededRandom(42).normal(4);
  assert.deepEqual(Array.from(a.subarray(0, 4)), Array.from(again));
  // pinned stream: any platform or refactor that changes these changes every seeded result
  const u = new SeededRandom(42);
  assert.deepEqual([u.nextU32(), u.nextU32()], [2837322924, 544945897]);
  assert.deepEqual(Array.from(new SeededRandom(42).normal(2)), [0.6362302303314209, 0.651442289352417]);
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const v = a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length;
  assert.ok(Math.abs(mean) < 0.02 && Math.abs(v - 1) < 0.02, `${mean} ${v}`);
});
