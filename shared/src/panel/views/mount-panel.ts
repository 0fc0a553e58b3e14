/// <reference lib="dom" />
import type { Panel } from '../panel.js';
import { taskUsesMask } from '../job-settings.js';
import { h, region } from './dom.js';
import { createMaskEditor } from './mask-editor-view.js';
import { generateView, settingsView, tabsView } from './job-form-view.js';
import { connectionView, errorBox, queueView, selectionView } from './status-views.js';
import { PANEL_CSS } from './styles.js';

export { PANEL_CSS };

export interface MountOptions {
  /** Inject the panel CSS into the root (default true); hosts with their own stylesheet pass false. */
  injectStyles?: boolean;
  /** Start the panel (connect to the bridge) if not started yet (default true). */
  start?: boolean;
}

export interface MountedPanel {
  /** Remove the views and stop listening (the panel keeps running unless you dispose it). */
  unmount(): void;
}

/**
 * Render the panel into `root`. Views only read `panel.store` and call `panel` actions; every host
 * (UXP, Electron, browser) mounts the same views.
 */
export function mountPanel(root: HTMLElement, panel: Panel, options: MountOptions = {}): MountedPanel {
  const conn = h('div');
  const banner = h('div');
  const sel = h('div');
  const tabs = h('div');
  const settings = h('div', { role: 'tabpanel' });
  const mask = createMaskEditor(panel);
  const maskWrap = h('div', {}, h('h2', {}, 'Mask'), mask.el);
  const gen = h('div');
  const queue = h('div', { 'aria-live': 'polite' });
  const container = h('div', { class: 'ss-panel' },
    options.injectStyles === false ? null : h('style', {}, PANEL_CSS),
    conn, sel, tabs, settings, maskWrap, banner, gen, h('h2', {}, 'Queue'), queue);
  root.appendChild(container);

  const st = () => panel.store.get();
  const regions = [
    region(conn, () => [st().connection, st().capabilities], () => connectionView(panel, st())),
    region(banner, () => [st().error], () => (st().error ? errorBox(st().error!, () => panel.dismissError()) : null)),
    region(sel, () => [st().selection, st().selectionReason], () => selectionView(panel, st())),
    region(tabs, () => [st().tab, st().capabilities, st().connection.status], () => tabsView(panel, st())),
    region(settings, () => [st().tab, st().settings, st().capabilities], () => settingsView(panel, st())),
    region(gen, () => [st().settings.format, st().settings.placeAbove, st().connection.status, st().selection, st().tab, st().submitting], () => generateView(panel, st())),
    region(queue, () => [st().jobs], () => queueView(panel, st())),
  ];
  const render = (): void => {
    for (const r of regions) r();
    const s = st();
    maskWrap.style.display = s.tab && taskUsesMask(s.tab) !== 'none' ? '' : 'none';
    mask.update(s);
  };
  const unsubscribe = panel.store.subscribe(render);
  render();
  if (options.start !== false && panel.store.get().connection.status === 'idle') panel.start();
  return {
    unmount() {
      unsubscribe();
      if (container.parentNode) container.parentNode.removeChild(container);
    },
  };
}
