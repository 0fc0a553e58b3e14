/// <reference lib="dom" />
import type { Panel } from '../panel.js';
import { LIGHT_PRESETS, pickerPointToDirection, rigToPickerPoint, type LightRig } from '../light-rig.js';
import { button, field, h, numberInput } from './dom.js';

/**
 * Light direction picker: a top-down disc (camera at the bottom, subject in the centre; the
 * centre is overhead, the rim the horizon). Click or drag to aim the key light; with the disc
 * focused, Left/Right turn it by 15°, Up/Down raise/lower it by 10°.
 */
export function lightPicker(panel: Panel, rig: LightRig): HTMLElement {
  const p = rigToPickerPoint(rig);
  const dot = h('div', { class: 'ss-light-dot', style: `left:${50 + p.x * 50}%;top:${50 + p.y * 50}%` });
  const describe = `azimuth ${rig.azimuth} degrees, elevation ${rig.elevation} degrees`;
  const disc = h('div', {
    class: 'ss-light-disc',
    tabindex: 0,
    role: 'slider',
    'data-key': 'light-disc',
    'aria-label': 'Key light direction',
    'aria-valuetext': describe,
    title: describe,
  }, h('div', { class: 'ss-light-subject' }), h('div', { class: 'ss-light-camera' }, 'camera'), dot);
  const aim = (e: MouseEvent): void => {
    const r = disc.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * 2 - 1;
    const y = ((e.clientY - r.top) / r.height) * 2 - 1;
    panel.editLight(pickerPointToDirection(x, y));
  };
  let dragging = false;
  disc.addEventListener('mousedown', (e) => { dragging = true; aim(e); });
  disc.addEventListener('mousemove', (e) => { if (dragging) aim(e); });
  disc.addEventListener('mouseup', () => { dragging = false; });
  disc.addEventListener('mouseleave', () => { dragging = false; });
  disc.addEventListener('keydown', (e: KeyboardEvent) => {
    const cur = panel.store.get().settings.relight.rig;
    const d = { ArrowLeft: [-15, 0], ArrowRight: [15, 0], ArrowUp: [0, 10], ArrowDown: [0, -10] }[e.key];
    if (!d) return;
    e.preventDefault();
    panel.editLight({ azimuth: cur.azimuth + d[0]!, elevation: cur.elevation + d[1]! });
  });

  return h('div', { class: 'ss-light' },
    h('div', { class: 'ss-row ss-wrap', role: 'group', 'aria-label': 'Light presets' },
      LIGHT_PRESETS.map((pr) => button(`preset-${pr.id}`, pr.label, () => panel.setLightPreset(pr.id), { 'aria-pressed': String(rig.preset === pr.id), class: 'ss-chip' }))),
    h('div', { class: 'ss-row ss-wrap' },
      disc,
      h('div', { class: 'ss-col' },
        field('Azimuth °', numberInput('light-az', rig.azimuth, { min: -180, max: 180, step: 5, label: 'Azimuth in degrees' }, (v) => panel.editLight({ azimuth: v }))),
        field('Elevation °', numberInput('light-el', rig.elevation, { min: 0, max: 90, step: 5, label: 'Elevation in degrees' }, (v) => panel.editLight({ elevation: v }))),
        field('Colour K', numberInput('light-k', rig.kelvin, { min: 1500, max: 12000, step: 100, label: 'Colour temperature in Kelvin' }, (v) => panel.editLight({ kelvin: v }))),
        field('Intensity', numberInput('light-i', rig.intensity, { min: 0, max: 4, step: 0.1, label: 'Intensity' }, (v) => panel.editLight({ intensity: v }))),
        h('label', { class: 'ss-inline' }, h('input', { type: 'checkbox', 'data-key': 'light-rim', checked: rig.rim, onchange: (e: Event) => panel.editLight({ rim: (e.target as HTMLInputElement).checked }) }), 'Cool rim light'),
      )),
  );
}
