import { StudioError } from '@synthetic-studio/shared';
import type { Rgb } from './color.js';
import { KELVIN_MAX, KELVIN_MIN, kelvinToLinearRgb } from './color.js';
import { ambientFrom, makeLight, type LightInput, type LightRig } from './light-rig.js';
import { PRESET_NAMES, presetRig } from './presets.js';

/**
 * Parses the light spec string of `RelightParams.light` / `--light`:
 *
 *   spec    := item (";" item)*
 *   item    := "preset:" NAME | "ambient:" kv ("," kv)* | [NAME ":"] kv ("," kv)*
 *   kv      := az|azimuth=DEG | el|elevation=DEG | k|kelvin=K | rgb=R/G/B | i|intensity=X | s|soft|softness=0..1
 *
 * e.g. "preset:golden-hour", "key:az=-60,el=30,k=3200,i=1.2;rim:az=150,rgb=0.5/0.7/1",
 * "preset:overcast;rim:az=160,k=9000". A preset gives its lights and ambient; further lights are
 * added to it; an explicit ambient replaces the preset's. Ambient takes i (default 0.15) and
 * k or rgb (default neutral white). Without any ambient item or preset the ambient is 0.15.
 */
export function parseLightSpec(spec: string): LightRig {
  const text = spec.trim();
  if (!text) fail('the light spec is empty; use e.g. "preset:golden-hour" or "key:az=-60,el=30,k=3200"', spec);
  const rig: LightRig = { lights: [], ambient: ambientFrom(DEFAULT_AMBIENT) };
  let sawPreset = false;
  let sawAmbient = false;
  const items = text.split(';').map((s) => s.trim()).filter((s) => s.length > 0);
  items.forEach((item, index) => {
    const where = `item ${index + 1} ("${item}")`;
    const colon = item.indexOf(':');
    const head = colon >= 0 ? item.slice(0, colon).trim().toLowerCase() : '';
    const body = colon >= 0 ? item.slice(colon + 1).trim() : item;
    if (head === 'preset') {
      if (sawPreset) fail(`${where}: only one preset per spec`, spec);
      const preset = presetRig(body);
      if (!preset) fail(`${where}: unknown preset "${body}"; known presets: ${PRESET_NAMES.join(', ')}`, spec);
      sawPreset = true;
      rig.lights.unshift(...preset.lights);
      if (!sawAmbient) rig.ambient = preset.ambient;
      return;
    }
    if (colon >= 0 && !/^[a-z][a-z0-9_-]*$/.test(head)) fail(`${where}: light name "${head}" must be a word (letters, digits, - or _)`, spec);
    const kv = parseKeyValues(body, where, spec);
    if (head === 'ambient') {
      if (sawAmbient) fail(`${where}: only one ambient item per spec`, spec);
      for (const key of kv.keys()) {
        if (!['intensity', 'kelvin', 'rgb'].includes(key)) fail(`${where}: ambient takes only i, k or rgb, not ${key}`, spec);
      }
      const intensity = (kv.get('intensity') as number | undefined) ?? DEFAULT_AMBIENT;
      const rgb = kv.get('rgb') as Rgb | undefined;
      const kelvin = kv.get('kelvin') as number | undefined;
      rig.ambient = ambientFrom(intensity, rgb ?? (kelvin !== undefined ? kelvinToLinearRgb(kelvin) : [1, 1, 1]));
      sawAmbient = true;
      return;
    }
    if (kv.size === 0) fail(`${where}: a light needs at least one of az, el, k, rgb, i, s`, spec);
    const input: LightInput = { name: head || `light${rig.lights.length + 1}` };
    for (const [key, value] of kv) (input as Record<string, unknown>)[key] = value;
    rig.lights.push(makeLight(input));
  });
  if (rig.lights.length > MAX_LIGHTS) fail(`at most ${MAX_LIGHTS} lights; the spec has ${rig.lights.length}`, spec);
  return rig;
}

export const MAX_LIGHTS = 16;
const DEFAULT_AMBIENT = 0.15;

type Value = number | Rgb;

const KEY_ALIASES: Record<string, keyof LightInput> = {
  az: 'azimuth', azimuth: 'azimuth',
  el: 'elevation', elevation: 'elevation', elev: 'elevation',
  k: 'kelvin', kelvin: 'kelvin', temp: 'kelvin',
  rgb: 'rgb',
  i: 'intensity', intensity: 'intensity',
  s: 'softness', soft: 'softness', softness: 'softness',
};

function parseKeyValues(body: string, where: string, spec: string): Map<keyof LightInput, Value> {
  const out = new Map<keyof LightInput, Value>();
  if (!body) return out;
  for (const raw of body.split(',')) {
    const part = raw.trim();
    if (!part) fail(`${where}: empty entry (two commas in a row?)`, spec);
    const eq = part.indexOf('=');
    if (eq < 0) fail(`${where}: "${part}" is not key=value`, spec);
    const keyText = part.slice(0, eq).trim().toLowerCase();
    const valueText = part.slice(eq + 1).trim();
    const key = KEY_ALIASES[keyText];
    if (!key || key === 'name') fail(`${where}: unknown key "${keyText}"; use az, el, k, rgb, i or s`, spec);
    if (out.has(key)) fail(`${where}: ${key} given twice`, spec);
    if (key === 'rgb') {
      const comps = valueText.split('/').map((c) => Number(c.trim()));
      if (comps.length !== 3 || comps.some((c) => !Number.isFinite(c) || valueText.trim() === '')) {
        fail(`${where}: rgb must be three numbers R/G/B (linear), e.g. rgb=0.5/0.7/1`, spec);
      }
      if (comps.some((c) => c < 0 || c > 100)) fail(`${where}: rgb components must be within 0..100`, spec);
      if (comps.every((c) => c === 0)) fail(`${where}: rgb=0/0/0 is no light; use i=0 to switch a light off`, spec);
      out.set(key, comps as Rgb);
      continue;
    }
    const v = valueText === '' ? NaN : Number(valueText);
    if (!Number.isFinite(v)) fail(`${where}: ${key} must be a number, got "${valueText}"`, spec);
    checkRange(key, v, where, spec);
    out.set(key, key === 'azimuth' ? wrapDegrees(v) : v);
  }
  if (out.has('kelvin') && out.has('rgb')) fail(`${where}: give the colour as k or rgb, not both`, spec);
  return out;
}

function checkRange(key: keyof LightInput, v: number, where: string, spec: string): void {
  const ranges: Partial<Record<keyof LightInput, [number, number, string]>> = {
    azimuth: [-720, 720, 'degrees'],
    elevation: [-90, 90, 'degrees'],
    kelvin: [KELVIN_MIN, KELVIN_MAX, 'K'],
    intensity: [0, 100, ''],
    softness: [0, 1, ''],
  };
  const r = ranges[key];
  if (r && (v < r[0] || v > r[1])) fail(`${where}: ${key} ${v} is outside ${r[0]}..${r[1]}${r[2] ? ' ' + r[2] : ''}`, spec);
}

function wrapDegrees(a: number): number {
  const w = ((((a + 180) % 360) + 360) % 360) - 180;
  return w === -180 && a > 0 ? 180 : w;
}

function fail(message: string, spec: string): never {
  throw new StudioError('E_VALIDATION', `light spec: ${message}`, { field: 'params.light', spec });
}
