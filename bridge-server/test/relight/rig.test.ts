import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStudioError } from '@synthetic-studio/shared';
import {
  describeRig, kelvinToLinearRgb, lightDirection, linearToSrgb, luminance, parseLightSpec, presetRig, PRESET_NAMES, promptToRig, rigToSpec,
} from '../../src/relight/index.js';

function srgb8MaxNormalised(k: number): number[] {
  const c = kelvinToLinearRgb(k);
  const m = Math.max(...c);
  return c.map((v) => Math.round(255 * linearToSrgb(v / m)));
}

test('Kelvin → linear sRGB follows the blackbody locus (Charity blackbody table anchors, ±8/255)', () => {
  // vendian.org/mncharity/dir3/blackbody (sRGB, D65, max-normalised, gamma-encoded).
  const anchors: Array<[number, number[]]> = [
    [2000, [255, 137, 18]],
    [3000, [255, 180, 107]],
    [4000, [255, 209, 163]],
    [5000, [255, 228, 206]],
    [10000, [201, 218, 255]],
  ];
  for (const [k, ref] of anchors) {
    const got = srgb8MaxNormalised(k);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(got[c] - ref[c]) <= 8, `${k} K channel ${c}: ${got} vs ${ref}`);
  }
  for (const k of [1500, 3200, 5600, 6500, 12000]) {
    const [r, g, b] = kelvinToLinearRgb(k);
    assert.ok(Math.abs(luminance(r, g, b) - 1) < 1e-6, 'luminance-normalised');
  }
  // Near 6500 K the blackbody is close to the D65 white of sRGB.
  const d = kelvinToLinearRgb(6500);
  for (const v of d) assert.ok(Math.abs(v - 1) < 0.06, `6500 K ≈ white: ${d}`);
  // Monotone: warmer = redder.
  assert.ok(kelvinToLinearRgb(3200)[0] > kelvinToLinearRgb(5600)[0]);
  assert.ok(kelvinToLinearRgb(3200)[2] < kelvinToLinearRgb(5600)[2]);
});

test('light direction: az/el conventions (left is −x, behind is −z, up is +y)', () => {
  const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-9);
  assert.ok(close(lightDirection(0, 0), [0, 0, 1]));
  assert.ok(close(lightDirection(-90, 0), [-1, 0, 6.123233995736766e-17]));
  assert.ok(lightDirection(180, 0)[2] < -0.999);
  assert.ok(lightDirection(0, 90)[1] > 0.999);
});

test('spec: multiple lights with Kelvin, RGB, intensity and defaults', () => {
  const rig = parseLightSpec('key:az=-60,el=30,k=3200,i=1.2;rim:az=150,rgb=0.5/0.7/1');
  assert.equal(rig.lights.length, 2);
  const [key, rim] = rig.lights;
  assert.equal(key.name, 'key');
  assert.equal(key.azimuth, -60);
  assert.equal(key.elevation, 30);
  assert.equal(key.kelvin, 3200);
  assert.deepEqual(key.color, kelvinToLinearRgb(3200));
  assert.equal(key.intensity, 1.2);
  assert.equal(rim.name, 'rim');
  assert.equal(rim.azimuth, 150);
  assert.deepEqual(rim.color, [0.5, 0.7, 1]);
  assert.equal(rim.kelvin, undefined);
  assert.equal(rim.intensity, 1);
  // Aliases, whitespace, unnamed lights, azimuth wrapping, explicit ambient.
  const r2 = parseLightSpec(' azimuth=270 , elevation=10, kelvin=5000 ; ambient: i=0.3, k=8000 ');
  assert.equal(r2.lights[0].name, 'light1');
  assert.equal(r2.lights[0].azimuth, -90);
  const amb = kelvinToLinearRgb(8000).map((v) => v * 0.3);
  r2.ambient.forEach((v, i) => assert.ok(Math.abs(v - amb[i]) < 1e-12));
});

test('spec: every preset parses, and a preset takes extra lights and an ambient override', () => {
  for (const name of PRESET_NAMES) {
    const rig = parseLightSpec(`preset:${name}`);
    assert.deepEqual(rig, presetRig(name));
  }
  const gh = parseLightSpec('preset:golden-hour');
  assert.ok(gh.lights[0].kelvin !== undefined && gh.lights[0].kelvin <= 3500, 'golden hour key is warm');
  assert.ok(gh.lights[0].azimuth < 0 && gh.lights[0].elevation <= 15, 'low sun from the left');
  const mixed = parseLightSpec('preset:overcast;rim:az=160,k=9000;ambient:i=0.2');
  assert.equal(mixed.lights.length, presetRig('overcast')!.lights.length + 1);
  assert.equal(mixed.lights.at(-1)!.name, 'rim');
  assert.deepEqual(mixed.ambient, [0.2, 0.2, 0.2]);
});

test('spec: errors are E_VALIDATION with a sentence that names the fault', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /empty/],
    ['preset:sunny-ish', /unknown preset "sunny-ish".*golden-hour/],
    ['key:az=-60,el=120', /elevation 120 is outside -90\.\.90/],
    ['key:k=200', /kelvin 200 is outside 1000\.\.40000/],
    ['key:az=abc', /azimuth must be a number/],
    ['key:rgb=1/2', /rgb must be three numbers/],
    ['key:k=3200,rgb=1/1/1', /k or rgb, not both/],
    ['key:az=10,az=20', /azimuth given twice/],
    ['key:foo=1', /unknown key "foo"/],
    ['key:az', /not key=value/],
    ['key:s=2', /softness 2 is outside 0\.\.1/],
    ['ambient:az=3', /ambient takes only/],
    ['preset:noon;preset:overcast', /only one preset/],
  ];
  for (const [spec, re] of cases) {
    assert.throws(
      () => parseLightSpec(spec),
      (e: unknown) => isStudioError(e) && e.code === 'E_VALIDATION' && re.test(e.message) && (e.details as { field: string }).field === 'params.light',
      `spec ${JSON.stringify(spec)}`,
    );
  }
});

test('rigToSpec round-trips through the parser', () => {
  for (const rig of [presetRig('three-point')!, presetRig('neon')!, parseLightSpec('key:az=-60,el=30,k=3200,i=1.2;rim:az=150,rgb=0.5/0.7/1')]) {
    const back = parseLightSpec(rigToSpec(rig));
    assert.equal(back.lights.length, rig.lights.length);
    back.lights.forEach((l, i) => {
      const o = rig.lights[i];
      assert.equal(l.name, o.name);
      assert.ok(Math.abs(l.azimuth - o.azimuth) < 1e-3 && Math.abs(l.elevation - o.elevation) < 1e-3);
      l.color.forEach((c, k) => assert.ok(Math.abs(c - o.color[k]) < 1e-3));
      assert.ok(Math.abs(l.intensity - o.intensity) < 1e-3 && Math.abs(l.softness - o.softness) < 1e-3);
    });
    back.ambient.forEach((c, k) => assert.ok(Math.abs(c - rig.ambient[k]) < 1e-3));
  }
});

test('prompt → rig: simple prompts map to sensible rigs and the mapping is explained', () => {
  const warm = promptToRig('warm light from the left');
  assert.equal(warm.rig.lights.length, 1);
  const key = warm.rig.lights[0];
  assert.ok(key.azimuth < -45, `from the left: az ${key.azimuth}`);
  assert.equal(key.kelvin, 3200);
  assert.match(warm.description, /"warm light from the left" → key light, from the left .*warm = 3200 K/);
  assert.match(warm.description, /Rig: key from the left/);
  assert.deepEqual(parseLightSpec(warm.spec).lights[0].color.map((v) => +v.toFixed(3)), key.color.map((v) => +v.toFixed(3)));

  const rim = promptToRig('blue rim light');
  assert.equal(rim.rig.lights.length, 1);
  assert.ok(Math.abs(rim.rig.lights[0].azimuth) >= 140, 'rim from behind');
  const [r, , b] = rim.rig.lights[0].color;
  assert.ok(b > 2 * r, 'blue');
  assert.match(rim.description, /rim light, from behind right \(az 150°, el 20°\), blue/);
  assert.match(rim.description, /neutral even base/);

  const gh = promptToRig('golden hour');
  assert.deepEqual(gh.rig, presetRig('golden-hour'));
  assert.match(gh.description, /"golden hour" → preset golden-hour/);

  const soft = promptToRig('soft overcast');
  assert.equal(soft.rig.lights[0].softness, 0.85);
  assert.match(soft.description, /preset overcast.*"soft" → softness 0.85/);

  const combo = promptToRig('golden hour with a cool rim light from the left');
  assert.equal(combo.rig.lights.length, presetRig('golden-hour')!.lights.length + 1);
  assert.ok(combo.rig.lights.at(-1)!.azimuth <= -140 && combo.rig.lights.at(-1)!.kelvin === 9000);

  const k = promptToRig('hard 2700K key from the right and above');
  assert.equal(k.rig.lights[0].kelvin, 2700);
  assert.ok(k.rig.lights[0].azimuth > 0 && k.rig.lights[0].elevation > 40 && k.rig.lights[0].softness === 0.05);
  assert.equal(k.rig.lights.length, 1, '"and above" refines the key instead of adding a light');
  assert.ok(describeRig(k.rig).includes('2700 K'));
  const two = promptToRig('warm key from the left and a blue rim');
  assert.equal(two.rig.lights.length, 2);
});

test('prompt → rig: IC-Light style quick prompts map to presets, hue words beat warm/cool', () => {
  assert.deepEqual(promptToRig('sunshine from window').rig, presetRig('window-left'));
  assert.deepEqual(promptToRig('window light from the right').rig, presetRig('window-right'));
  assert.deepEqual(promptToRig('natural lighting').rig, presetRig('overcast'));
  assert.deepEqual(promptToRig('home atmosphere, cozy bedroom illumination').rig, presetRig('warm-interior'));
  assert.deepEqual(promptToRig('neon light, city').rig, presetRig('neon'));
  const blue = promptToRig('cold blue light from above').rig.lights[0];
  assert.deepEqual(blue.color, [0.35, 0.6, 1.6]);
  assert.ok(blue.elevation >= 70);
});

test('prompt → rig: a prompt with no lighting words is refused with guidance', () => {
  assert.throws(
    () => promptToRig('a cat sitting on a table'),
    (e: unknown) => isStudioError(e) && e.code === 'E_VALIDATION' && /warm light from the left/.test(e.message),
  );
});
