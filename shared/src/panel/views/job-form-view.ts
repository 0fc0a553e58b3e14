/// <reference lib="dom" />
import type { OutputFormat } from '../../protocol/index.js';
import type { Panel, PanelState } from '../panel.js';
import { availableTabs, canAutoMatte, taskUsesMask } from '../job-settings.js';
import { button, field, h, numberInput, rangeInput, select } from './dom.js';
import { lightPicker } from './light-picker-view.js';

const FORMATS: { value: OutputFormat; label: string }[] = [
  { value: 'prores', label: 'ProRes 422 HQ' },
  { value: 'prores4444', label: 'ProRes 4444' },
  { value: 'h264', label: 'H.264' },
  { value: 'png16', label: '16-bit PNG sequence' },
  { value: 'tiff16', label: '16-bit TIFF sequence' },
  { value: 'exr', label: 'EXR sequence' },
];

/** Tabs (ARIA tablist, arrow keys move between tabs). */
export function tabsView(panel: Panel, s: PanelState): HTMLElement {
  const tabs = availableTabs(s.capabilities);
  if (tabs.length === 0) return h('p', { class: 'ss-muted' }, s.connection.status === 'ready' ? 'This bridge reports no jobs.' : 'Jobs appear once the panel is connected.');
  const list = h('div', { class: 'ss-tabs', role: 'tablist', 'aria-label': 'Job' },
    tabs.map((t) => button(`tab-${t.task}`, t.label, () => panel.setTab(t.task), {
      role: 'tab',
      'aria-selected': String(s.tab === t.task),
      tabindex: s.tab === t.task ? 0 : -1,
      class: 'ss-tab',
    })));
  list.addEventListener('keydown', (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.task === panel.store.get().tab);
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    e.preventDefault();
    const next = tabs[(i + d + tabs.length) % tabs.length]!;
    panel.setTab(next.task);
    // The tab list was re-rendered (this one is detached now): focus the new tab's fresh button.
    setTimeout(() => findByKey(document.body, `tab-${next.task}`)?.focus(), 0);
  });
  return list;
}

function findByKey(root: Element, key: string): HTMLElement | null {
  for (let c = root.firstElementChild; c; c = c.nextElementSibling) {
    if (c.getAttribute('data-key') === key) return c as HTMLElement;
    const f = findByKey(c, key);
    if (f) return f;
  }
  return null;
}

/** Engine/model, prompt, seed and the current task's key settings. */
export function settingsView(panel: Panel, s: PanelState): HTMLElement {
  const task = s.tab;
  if (!task) return h('div');
  const st = s.settings;
  const engines = panel.engines();
  const models = panel.models();
  const parts: HTMLElement[] = [];

  if (task !== 'copy') {
    parts.push(h('div', { class: 'ss-row ss-wrap' },
      engines.length > 1
        ? field('Engine', select('engine', st.engine, engines.map((e) => ({ value: e, label: e === 'classical' ? 'Classical (no model)' : 'Diffusion' })), 'Engine', (v) => panel.updateSettings({ engine: v })))
        : field('Engine', h('span', { class: 'ss-value' }, engines[0] === 'diffusion' ? 'Diffusion' : 'Classical (no model)')),
      st.engine === 'diffusion'
        ? models.length
          ? field('Model', select('model', st.model ?? models[0]!.name, models.map((m) => ({ value: m.name, label: m.name })), 'Model', (v) => panel.updateSettings({ model: v })))
          : h('p', { class: 'ss-warn' }, 'No model for this job is installed. Run `synthetic-studio models list` to install one, or use the classical engine.')
        : null,
    ));
    const promptHint = task === 'inpaint'
      ? st.engine === 'classical' ? 'Leave empty to remove the object; describing a replacement needs the diffusion engine.' : 'Describe what should replace the masked area.'
      : task === 'relight' ? 'Optional: e.g. "warm light from the left" (replaces the light rig below).' : 'Optional: describe the new content.';
    parts.push(field('Prompt', h('textarea', {
      'data-key': 'prompt', rows: 2, value: st.prompt, 'aria-label': 'Prompt',
      oninput: (e: Event) => panel.updateSettings({ prompt: (e.target as HTMLTextAreaElement).value }),
    }), promptHint));
    parts.push(h('div', { class: 'ss-row ss-wrap ss-seed', role: 'group', 'aria-label': 'Seed' },
      field('Seed', numberInput('seed', st.seed, { min: 0, max: 4294967295, label: 'Seed' }, (v) => panel.updateSettings({ seed: Math.max(0, Math.min(4294967295, Math.round(v))) })), undefined, true),
      button('seed-lock', st.seedLocked ? 'Seed locked' : 'Lock seed', () => panel.toggleSeedLock(), { 'aria-pressed': String(st.seedLocked), title: 'Locked: every Generate reuses this seed' }),
      button('seed-new', 'New seed', () => panel.newSeed(), { disabled: st.seedLocked }),
    ));
  }

  if (task === 'inpaint') {
    const p = st.inpaint;
    parts.push(h('div', { class: 'ss-row ss-wrap' },
      field(`Strength ${p.strength.toFixed(2)}`, rangeInput('strength', p.strength, { min: 0, max: 1, step: 0.05, label: 'Strength' }, (v) => panel.updateTaskSettings('inpaint', { strength: v }))),
      field('Keyframe spacing', numberInput('kf', p.keyframeSpacing, { min: 1, max: 1000, label: 'Keyframe spacing in frames' }, (v) => panel.updateTaskSettings('inpaint', { keyframeSpacing: v }))),
      field('Grow mask px', numberInput('dilate', p.dilate, { min: 0, max: 256, label: 'Grow the mask by pixels' }, (v) => panel.updateTaskSettings('inpaint', { dilate: v }))),
    ));
  } else if (task === 'extend') {
    const p = st.extend;
    parts.push(h('div', { class: 'ss-row ss-wrap' },
      field('Extend', select('extend-mode', p.mode, [{ value: 'temporal', label: 'In time' }, { value: 'spatial', label: 'In space' }], 'Extend mode', (v) => panel.updateTaskSettings('extend', { mode: v }))),
      ...(p.mode === 'temporal'
        ? [
            field('Frames', numberInput('extend-frames', p.frames, { min: 1, max: 10000, label: 'New frames' }, (v) => panel.updateTaskSettings('extend', { frames: v }))),
            field('Where', select('extend-dir', p.direction, [{ value: 'after', label: 'After the range' }, { value: 'before', label: 'Before the range' }], 'Where', (v) => panel.updateTaskSettings('extend', { direction: v }))),
          ]
        : [
            field('Aspect', select('extend-aspect', p.aspect, ['16:9', '1.85:1', '2.39:1', '4:3', '1:1', '4:5', '9:16'].map((a) => ({ value: a, label: a })), 'Target aspect', (v) => panel.updateTaskSettings('extend', { aspect: v }))),
            field('Anchor', select('extend-anchor', p.anchor, (['center', 'left', 'right', 'top', 'bottom', 'top-left', 'top-right', 'bottom-left', 'bottom-right'] as const).map((a) => ({ value: a, label: a })), 'Anchor', (v) => panel.updateTaskSettings('extend', { anchor: v }))),
          ]),
      p.mode === 'temporal'
        ? field(`Strength ${p.strength.toFixed(2)}`, rangeInput('extend-strength', p.strength, { min: 0.05, max: 1, step: 0.05, label: 'Refinement strength' }, (v) => panel.updateTaskSettings('extend', { strength: v })))
        : field(`Strength ${p.outpaintStrength.toFixed(2)}`, rangeInput('extend-outpaint-strength', p.outpaintStrength, { min: 0.05, max: 1, step: 0.05, label: 'Outpaint strength' }, (v) => panel.updateTaskSettings('extend', { outpaintStrength: v }))),
      field('Keyframe spacing', numberInput('extend-kf', p.keyframeSpacing, { min: 1, max: 1000, label: 'Keyframe spacing in frames' }, (v) => panel.updateTaskSettings('extend', { keyframeSpacing: v }))),
    ));
  } else if (task === 'relight') {
    const p = st.relight;
    parts.push(lightPicker(panel, p.rig));
    parts.push(h('div', { class: 'ss-row ss-wrap' },
      field('Background', select('relight-bg', p.background, [{ value: 'relight', label: 'Relight' }, { value: 'dim', label: 'Dim' }, { value: 'keep', label: 'Keep' }], 'Background outside the mask', (v) => panel.updateTaskSettings('relight', { background: v }))),
      field(`Strength ${p.strength.toFixed(2)}`, rangeInput('relight-strength', p.strength, { min: 0, max: 2, step: 0.05, label: 'Strength' }, (v) => panel.updateTaskSettings('relight', { strength: v }))),
      field('Keyframe spacing', numberInput('relight-kf', p.keyframeSpacing, { min: 1, max: 1000, label: 'Keyframe spacing in frames' }, (v) => panel.updateTaskSettings('relight', { keyframeSpacing: v }))),
      canAutoMatte(s.capabilities)
        ? h('label', { class: 'ss-inline' }, h('input', { type: 'checkbox', 'data-key': 'relight-automatte', checked: p.autoMatte, onchange: (e: Event) => panel.updateTaskSettings('relight', { autoMatte: (e.target as HTMLInputElement).checked }) }), 'Find the subject automatically (when no mask is painted)')
        : null,
    ));
  }

  const usesMask = taskUsesMask(task);
  if (usesMask === 'optional') parts.push(h('p', { class: 'ss-muted' }, 'Optional: paint the subject below to relight only it.'));
  return h('div', { class: 'ss-settings' }, parts);
}

/** Output options and the Generate button. */
export function generateView(panel: Panel, s: PanelState): HTMLElement {
  const canPlace = panel.host.capabilities.canPlace;
  const blocked = s.connection.status !== 'ready' || !s.selection || !s.tab;
  return h('div', { class: 'ss-row ss-wrap ss-generate' },
    field('Format', select('format', s.settings.format, FORMATS, 'Output format', (v) => panel.updateSettings({ format: v }))),
    canPlace
      ? h('label', { class: 'ss-inline' }, h('input', { type: 'checkbox', 'data-key': 'place-above', checked: s.settings.placeAbove, onchange: (e: Event) => panel.updateSettings({ placeAbove: (e.target as HTMLInputElement).checked }) }), 'Place on the track above')
      : null,
    button('generate', s.submitting ? 'Submitting…' : 'Generate', () => void panel.generate(), { class: 'ss-primary', disabled: blocked || s.submitting, title: blocked ? 'Connect and pick a clip first' : 'Queue this job' }),
  );
}
