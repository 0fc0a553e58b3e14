// The light specs the panel's relight tab sends must be ones the bridge's relight parser accepts,
// and mean what the direction picker shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIGHT_PRESETS, applyPreset, editRig, rigToSpec } from '@synthetic-studio/shared/panel';
import { PRESET_NAMES, parseLightSpec, presetRig } from '../../src/relight/index.js';

test('every panel preset is a bridge preset and its main light matches', () => {
  for (const p of LIGHT_PRESETS) {
    assert.ok(PRESET_NAMES.includes(p.id), `${p.id} is a bridge preset`);
    const rig = parseLightSpec(rigToSpec(applyPreset(p.id)));
    const bridge = presetRig(p.id)!;
    assert.deepEqual(rig.lights.map((l) => l.azimuth), bridge.lights.map((l) => l.azimuth));
    const main = bridge.lights.reduce((a, b) => (b.name === 'rim' || a.intensity >= b.intensity ? a : b));
    assert.deepEqual([p.rig.azimuth, p.rig.elevation, p.rig.intensity], [main.azimuth, main.elevation, main.intensity], `${p.id}: the edit starts from the preset's main light`);
  }
});

test('an edited rig parses to the light the picker shows (direction, colour, intensity, rim)', () => {
  const custom = editRig(applyPreset('golden-hour'), { azimuth: 45, elevation: 30, kelvin: 4200, intensity: 1.5, rim: true });
  const rig = parseLightSpec(rigToSpec(custom));
  assert.equal(rig.lights.length, 2);
  const [key, rim] = rig.lights;
  assert.deepEqual([key!.azimuth, key!.elevation, key!.kelvin, key!.intensity], [45, 30, 4200, 1.5]);
  assert.equal(rim!.azimuth, -135, 'the rim comes from behind, opposite the key');
});
