/// <reference lib="dom" />
/**
 * A few DOM helpers limited to what UXP supports: createElement, attributes, plain event
 * listeners, replaceChild. No templates, no innerHTML with scripts, no canvas pixel access.
 */
export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false || k === 'value') continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (k === 'checked' && 'checked' in el) (el as unknown as HTMLInputElement).checked = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  // The value last: a range input clamps and snaps it to min/max/step, and a select needs its options.
  if (attrs.value !== undefined && attrs.value !== null && 'value' in el) (el as unknown as HTMLInputElement).value = String(attrs.value);
  return el;
}

function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c);
    else if (c === null || c === undefined || c === false) continue;
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Depth-first search for an element with data-key = key (no querySelector escaping issues). */
function findKey(root: Element, key: string): Element | null {
  if (root.getAttribute('data-key') === key) return root;
  for (let c = root.firstElementChild; c; c = c.nextElementSibling) {
    const f = findKey(c, key);
    if (f) return f;
  }
  return null;
}

function contains(root: Node, node: Node | null): boolean {
  for (let n = node; n; n = n.parentNode) if (n === root) return true;
  return false;
}

/**
 * A region of the view that re-renders when its inputs change. If the focused element carries a
 * data-key, the live element is kept in place of its re-rendered twin, so typing, caret position
 * and a slider drag survive the re-render (keyboard users never lose focus).
 */
export function region<D extends unknown[]>(container: HTMLElement, deps: () => D, render: () => Child | Child[]): () => void {
  let last: D | null = null;
  return () => {
    const next = deps();
    if (last && next.length === last.length && next.every((v, i) => Object.is(v, last![i]))) return;
    last = next;
    const active = document.activeElement;
    const keep = active && contains(container, active) ? active.getAttribute('data-key') : null;
    const fresh = document.createElement('div');
    append(fresh, [render()].flat());
    let focusTwin: HTMLElement | null = null;
    if (keep && active) {
      const twin = findKey(fresh, keep);
      if (twin && twin.parentNode && twin.tagName === active.tagName) {
        // Editable controls keep the live element (value, caret, an ongoing slider drag); anything
        // else takes the fresh element, whose handlers see the fresh siblings, and gets the focus.
        if (/^(INPUT|TEXTAREA|SELECT)$/.test(twin.tagName)) twin.parentNode.replaceChild(active, twin);
        else focusTwin = twin as HTMLElement;
      }
    }
    clear(container);
    while (fresh.firstChild) container.appendChild(fresh.firstChild);
    if (focusTwin) focusTwin.focus();
    else if (keep && active && contains(container, active) && document.activeElement !== active) (active as HTMLElement).focus();
  };
}

/** A labelled control without <label for> (unsupported in UXP): the label wraps the control. */
export function field(label: string, control: HTMLElement, hint?: string, fixed = false): HTMLElement {
  return h('label', { class: fixed ? 'ss-field ss-field-fixed' : 'ss-field' }, h('span', { class: 'ss-label' }, label), control, hint ? h('span', { class: 'ss-hint' }, hint) : null);
}

export function numberInput(key: string, value: number, opts: { min?: number; max?: number; step?: number; label: string }, onValue: (v: number) => void): HTMLInputElement {
  return h('input', {
    type: 'number',
    'data-key': key,
    value,
    min: opts.min,
    max: opts.max,
    step: opts.step ?? 1,
    'aria-label': opts.label,
    onchange: (e: Event) => {
      const v = Number((e.target as HTMLInputElement).value);
      if (Number.isFinite(v)) onValue(v);
    },
  });
}

export function rangeInput(key: string, value: number, opts: { min: number; max: number; step: number; label: string }, onValue: (v: number) => void): HTMLInputElement {
  return h('input', {
    type: 'range',
    'data-key': key,
    value,
    min: opts.min,
    max: opts.max,
    step: opts.step,
    'aria-label': opts.label,
    'aria-valuetext': String(value),
    oninput: (e: Event) => onValue(Number((e.target as HTMLInputElement).value)),
  });
}

export function select<T extends string>(key: string, value: T, options: readonly { value: T; label: string }[], label: string, onValue: (v: T) => void): HTMLSelectElement {
  const el = h('select', { 'data-key': key, 'aria-label': label, onchange: (e: Event) => onValue((e.target as HTMLSelectElement).value as T) },
    options.map((o) => h('option', { value: o.value, ...(o.value === value ? { selected: true } : {}) }, o.label)));
  el.value = value;
  return el;
}

export function button(key: string, text: string, onClick: () => void, attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', 'data-key': key, onclick: () => onClick(), ...attrs }, text);
}
