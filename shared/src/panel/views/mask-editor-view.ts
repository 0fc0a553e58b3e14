/// <reference lib="dom" />
import type { MaskShape } from '../../protocol/index.js';
import type { Panel, PanelState } from '../panel.js';
import type { MaskTool, Point } from '../mask-model.js';
import { button, clear, h, rangeInput, region } from './dom.js';

const TOOLS: { tool: MaskTool; label: string; key: string }[] = [
  { tool: 'brush', label: 'Brush', key: 'b' },
  { tool: 'eraser', label: 'Eraser', key: 'e' },
  { tool: 'rect', label: 'Rectangle', key: 'r' },
  { tool: 'ellipse', label: 'Ellipse', key: 'o' },
];

const pct = (v: number): string => `${(v * 100).toFixed(3)}%`;

/**
 * Mask editor: the bridge's JPEG of the chosen source frame in an <img>, with the mask drawn as
 * positioned divs over it (UXP has no canvas pixel access; the bridge rasterises the shapes).
 * Mouse/pen: drag to paint or to draw a rectangle/ellipse. Keyboard: focus the frame, arrows move
 * the cursor (Shift = bigger steps), Enter/Space paints a dab (rect/ellipse: first press anchors,
 * second commits), B/E/R/O pick the tool, [ and ] change the size, Ctrl+Z / Ctrl+Shift+Z undo/redo.
 */
export function createMaskEditor(panel: Panel): { el: HTMLElement; update(s: PanelState): void } {
  const img = h('img', { class: 'ss-frame', alt: 'Source frame', draggable: 'false' });
  const overlay = h('div', { class: 'ss-overlay', 'aria-hidden': 'true' });
  const cursor = h('div', { class: 'ss-cursor', 'aria-hidden': 'true' });
  const placeholder = h('div', { class: 'ss-frame-empty' }, 'Pick a clip to see a frame.');
  const stage = h('div', {
    class: 'ss-stage',
    tabindex: 0,
    role: 'application',
    'data-key': 'mask-stage',
    'aria-label': 'Mask editor. Arrows move the cursor, Enter paints, B brush, E eraser, R rectangle, O ellipse, [ and ] size, Control Z undo.',
  }, img, placeholder, overlay, cursor);
  let keyCursor: Point = [0.5, 0.5];
  let frameAspect = 16 / 9;
  let drawing = false;

  const toPoint = (clientX: number, clientY: number): Point => {
    const r = overlay.getBoundingClientRect();
    return [r.width ? (clientX - r.left) / r.width : 0, r.height ? (clientY - r.top) / r.height : 0];
  };

  // Pointer events where the host has them, mouse events otherwise.
  const usePointer = typeof window !== 'undefined' && 'PointerEvent' in window;
  const down = (e: MouseEvent): void => {
    if (e.button !== 0 || !panel.store.get().selection) return;
    e.preventDefault();
    stage.focus();
    drawing = true;
    if (usePointer && (e as PointerEvent).pointerId !== undefined && overlay.setPointerCapture) {
      try { overlay.setPointerCapture((e as PointerEvent).pointerId); } catch { /* not capturable */ }
    }
    panel.mask.begin(toPoint(e.clientX, e.clientY));
  };
  const move = (e: MouseEvent): void => {
    if (drawing) panel.mask.move(toPoint(e.clientX, e.clientY));
  };
  const up = (): void => {
    if (!drawing) return;
    drawing = false;
    panel.mask.end();
  };
  if (usePointer) {
    overlay.addEventListener('pointerdown', down as EventListener);
    overlay.addEventListener('pointermove', move as EventListener);
    overlay.addEventListener('pointerup', up);
    overlay.addEventListener('pointercancel', () => { drawing = false; panel.mask.cancel(); });
  } else {
    overlay.addEventListener('mousedown', down);
    document.addEventListener('mousemove', move);
    document.addEventListener('mouseup', up);
  }

  stage.addEventListener('keydown', (e: KeyboardEvent) => {
    const m = panel.store.get().mask;
    const step = e.shiftKey ? 0.05 : 0.01;
    const mod = e.ctrlKey || e.metaKey;
    let handled = true;
    const moveBy = (dx: number, dy: number): void => {
      keyCursor = [Math.min(1, Math.max(0, keyCursor[0] + dx)), Math.min(1, Math.max(0, keyCursor[1] + dy))];
      if (m.draft) panel.mask.move(keyCursor);
      placeCursor();
    };
    if (mod && e.key.toLowerCase() === 'z') (e.shiftKey ? panel.mask.redo : panel.mask.undo)();
    else if (mod && e.key.toLowerCase() === 'y') panel.mask.redo();
    else if (e.key === 'ArrowLeft') moveBy(-step, 0);
    else if (e.key === 'ArrowRight') moveBy(step, 0);
    else if (e.key === 'ArrowUp') moveBy(0, -step);
    else if (e.key === 'ArrowDown') moveBy(0, step);
    else if (e.key === 'Enter' || e.key === ' ') {
      if (m.tool === 'brush' || m.tool === 'eraser') panel.mask.stamp(keyCursor);
      else if (m.draft) panel.mask.end();
      else panel.mask.begin(keyCursor);
    } else if (e.key === 'Escape') panel.mask.cancel();
    else if (e.key === '[') panel.mask.setBrushRadius(m.brushRadius / 1.25);
    else if (e.key === ']') panel.mask.setBrushRadius(m.brushRadius * 1.25);
    else if (!mod && TOOLS.some((t) => t.key === e.key.toLowerCase())) panel.mask.setTool(TOOLS.find((t) => t.key === e.key.toLowerCase())!.tool);
    else handled = false;
    if (handled) e.preventDefault();
  });
  stage.addEventListener('focus', () => cursor.classList.add('ss-visible'));
  stage.addEventListener('blur', () => cursor.classList.remove('ss-visible'));
  img.addEventListener('error', () => { placeholder.textContent = 'Preview unavailable (is the bridge running and paired?)'; placeholder.style.display = ''; });
  img.addEventListener('load', () => {
    placeholder.style.display = 'none';
    if (img.naturalWidth && img.naturalHeight) frameAspect = img.naturalWidth / img.naturalHeight;
  });

  const placeCursor = (): void => {
    const r = panel.store.get().mask.brushRadius;
    const m = panel.store.get().mask;
    const size = m.tool === 'rect' || m.tool === 'ellipse' ? 0.02 : r;
    cursor.style.left = pct(keyCursor[0] - size);
    cursor.style.top = pct(keyCursor[1] - size * frameAspect);
    cursor.style.width = pct(2 * size);
    cursor.style.height = pct(2 * size * frameAspect);
  };

  /**
   * Geometry of a shape piece as CSS. An erasing piece carries the frame itself as its background,
   * aligned with the <img> (percentages, so it survives resizes): inside the half-transparent
   * overlay that shows exactly the picture, i.e. the paint is gone there.
   */
  const box = (x: number, y: number, w: number, h: number, erase: boolean): string => {
    const geo = `left:${pct(x)};top:${pct(y)};width:${pct(w)};height:${pct(h)}`;
    if (!erase || !lastSrc || w <= 0 || h <= 0) return geo;
    const px = w < 1 ? (x / (1 - w)) * 100 : 0;
    const py = h < 1 ? (y / (1 - h)) * 100 : 0;
    return `${geo};background-image:url("${lastSrc.replace(/"/g, '%22')}");background-size:${(100 / w).toFixed(3)}% ${(100 / h).toFixed(3)}%;background-position:${px.toFixed(3)}% ${py.toFixed(3)}%`;
  };

  const drawShape = (s: MaskShape, draft: boolean): HTMLElement[] => {
    const erase = Boolean(s.erase);
    const cls = `ss-shape${erase ? ' ss-erase' : ''}${draft ? ' ss-draft' : ''}`;
    switch (s.shape) {
      case 'rect':
        return [h('div', { class: cls, style: box(s.x, s.y, s.w, s.h, erase) })];
      case 'ellipse':
        return [h('div', { class: `${cls} ss-round`, style: box(s.cx - s.rx, s.cy - s.ry, 2 * s.rx, 2 * s.ry, erase) })];
      case 'polygon': {
        // Not produced by this editor; show its bounding box so it is at least visible.
        const xs = s.points.map((p) => p[0]);
        const ys = s.points.map((p) => p[1]);
        const x = Math.min(...xs), y = Math.min(...ys);
        return [h('div', { class: cls, style: box(x, y, Math.max(...xs) - x, Math.max(...ys) - y, erase) })];
      }
      case 'stroke': {
        // Dabs every half radius along the polyline: a continuous stroke made of round divs.
        const r = s.radius;
        const ry = r * frameAspect;
        const dabs: HTMLElement[] = [];
        const dab = (x: number, y: number): void => void dabs.push(h('div', { class: `${cls} ss-round`, style: box(x - r, y - ry, 2 * r, 2 * ry, erase) }));
        s.points.forEach((p, i) => {
          if (i === 0) return dab(p[0], p[1]);
          const q = s.points[i - 1]!;
          const dist = Math.hypot((p[0] - q[0]), (p[1] - q[1]) / frameAspect);
          const n = Math.max(1, Math.ceil(dist / (r / 2)));
          for (let k = 1; k <= n; k++) dab(q[0] + ((p[0] - q[0]) * k) / n, q[1] + ((p[1] - q[1]) * k) / n);
        });
        return dabs;
      }
    }
  };

  let lastShapes: unknown = null;
  let lastDraft: unknown = null;
  let lastSrc = '';
  let drawnSrc = '';
  const toolbar = h('div', { class: 'ss-toolbar', role: 'toolbar', 'aria-label': 'Mask tools' });
  const scrub = h('div', { class: 'ss-scrub' });
  const strip = h('div', { class: 'ss-track-strip', 'aria-live': 'polite' });

  const renderToolbar = region(toolbar, () => {
    const s = panel.store.get();
    return [s.mask.tool, s.mask.brushRadius, s.mask.undoStack.length, s.mask.redoStack.length, s.mask.shapes.length, s.settings.inpaint.feather, s.track.status, s.selection];
  }, () => {
    const s = panel.store.get();
    return [
      ...TOOLS.map((t) => button(`tool-${t.tool}`, t.label, () => panel.mask.setTool(t.tool), { 'aria-pressed': String(s.mask.tool === t.tool), title: `${t.label} (${t.key.toUpperCase()})`, class: 'ss-tool' })),
      h('label', { class: 'ss-inline' }, 'Size', rangeInput('brush-size', Math.round(s.mask.brushRadius * 1000), { min: 5, max: 250, step: 1, label: 'Brush size' }, (v) => panel.mask.setBrushRadius(v / 1000))),
      h('label', { class: 'ss-inline' }, 'Feather', rangeInput('feather', s.settings.inpaint.feather, { min: 0, max: 64, step: 1, label: 'Feather in pixels' }, (v) => panel.updateTaskSettings('inpaint', { feather: v }))),
      button('undo', 'Undo', () => panel.mask.undo(), { disabled: s.mask.undoStack.length === 0, title: 'Undo (Ctrl+Z)' }),
      button('redo', 'Redo', () => panel.mask.redo(), { disabled: s.mask.redoStack.length === 0, title: 'Redo (Ctrl+Shift+Z)' }),
      button('clear-mask', 'Clear', () => panel.mask.clear(), { disabled: s.mask.shapes.length === 0 }),
      button('track', s.track.status === 'running' ? 'Tracking…' : 'Track', () => void panel.trackPreview(), { disabled: s.track.status === 'running' || !s.selection, title: 'Show the mask tracked over a few frames' }),
    ];
  });

  const renderScrub = region(scrub, () => {
    const s = panel.store.get();
    return [s.selection, s.previewFrame];
  }, () => {
    const s = panel.store.get();
    const sel = s.selection;
    if (!sel) return [];
    const label = h('span', { class: 'ss-frame-no' }, `frame ${s.previewFrame}`);
    return h('label', { class: 'ss-inline ss-grow' }, 'Frame',
      h('input', {
        type: 'range', 'data-key': 'preview-frame', min: sel.sourceIn, max: Math.max(sel.sourceIn, sel.sourceOut - 1), step: 1, value: s.previewFrame,
        'aria-label': 'Frame to paint the mask on',
        oninput: (e: Event) => { label.textContent = `frame ${(e.target as HTMLInputElement).value}`; },
        onchange: (e: Event) => panel.setPreviewFrame(Number((e.target as HTMLInputElement).value)),
      }), label);
  });

  const renderStrip = region(strip, () => [panel.store.get().track], () => {
    const t = panel.store.get().track;
    if (t.status === 'error' && t.error) return h('p', { class: 'ss-warn' }, `${t.error.title} ${t.error.fix}`);
    if (t.status === 'running') return h('p', { class: 'ss-muted' }, 'Tracking the mask…');
    return t.frames.map((f) => h('div', { class: 'ss-track-frame' }, h('img', { src: f.image, alt: `Tracked mask at frame ${f.frame}` }), h('div', {}, String(f.frame))));
  });

  const el = h('section', { class: 'ss-mask', 'aria-label': 'Mask' }, toolbar, stage, scrub, strip);

  return {
    el,
    update(s) {
      renderToolbar();
      renderScrub();
      renderStrip();
      const src = s.connection.status === 'ready' ? panel.previewUrl(640) ?? '' : '';
      if (src !== lastSrc) {
        lastSrc = src;
        if (src) img.setAttribute('src', src);
        else img.removeAttribute('src');
        placeholder.textContent = src ? 'Loading frame…' : s.selection ? 'Connect to the bridge to see the frame.' : 'Pick a clip to see a frame.';
        placeholder.style.display = '';
      }
      if (s.selection) frameAspect = s.selection.frameWidth / s.selection.frameHeight;
      stage.style.aspectRatio = `${frameAspect}`;
      // Keep the frame at most ~360 px tall so the settings and queue stay in view.
      stage.style.maxWidth = `${Math.round(360 * frameAspect)}px`;
      if (s.mask.shapes !== lastShapes || s.mask.draft !== lastDraft || lastSrc !== drawnSrc) {
        drawnSrc = lastSrc;
        lastShapes = s.mask.shapes;
        lastDraft = s.mask.draft;
        clear(overlay);
        for (const shape of s.mask.shapes) for (const d of drawShape(shape, false)) overlay.appendChild(d);
        if (s.mask.draft) for (const d of drawShape(s.mask.draft, true)) overlay.appendChild(d);
      }
      placeCursor();
    },
  };
}
