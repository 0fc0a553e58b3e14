/// <reference lib="dom" />
import type { Panel } from '@synthetic-studio/shared/panel';
import type { FileListing } from '../file-routes.js';
import type { BrowserHostAdapter, BrowserHostState } from './browser-host-adapter.js';

type Attrs = Record<string, string | number | boolean | undefined | EventListener>;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | null | undefined | false)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

const CSS = `
.bh{font:12px/1.4 system-ui,sans-serif;color:#e6e6e6;background:#262626;border:1px solid #3a3a3a;border-radius:4px;padding:8px;margin-bottom:8px}
.bh h2{font-size:12px;margin:0 0 6px;color:#bbb;text-transform:uppercase;letter-spacing:.04em}
.bh-row{display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.bh input[type=text]{flex:1;min-width:160px;background:#1a1a1a;color:#eee;border:1px solid #444;border-radius:3px;padding:4px 6px;font:inherit}
.bh input[type=range]{flex:1;min-width:120px}
.bh button{background:#3a3a3a;color:#eee;border:1px solid #555;border-radius:3px;padding:3px 8px;font:inherit;cursor:pointer}
.bh button:focus,.bh input:focus,.bh a:focus{outline:2px solid #6aa5ff;outline-offset:1px}
.bh-files{max-height:220px;overflow:auto;border:1px solid #3a3a3a;margin-top:6px;padding:0;list-style:none}
.bh-files li{padding:0}
.bh-files button{display:block;width:100%;text-align:left;border:none;border-bottom:1px solid #303030;border-radius:0;background:#202020}
.bh-files button.bh-media{color:#9fd3ff}
.bh-files button:disabled{color:#777;cursor:default}
.bh-scrub img{display:block;max-width:100%;width:320px;height:auto;background:#111;border:1px solid #444;margin:6px 0}
.bh-err{color:#ff9b8f}
.bh-muted{color:#999}
.bh a{color:#7fb2ff;word-break:break-all}
.bh ul.bh-results{margin:4px 0;padding-left:16px}
`;

/**
 * The browser host's own controls, above the panel: open a clip by path or by browsing the bridge
 * machine's folders, scrub to set in/out, and the results with download links.
 */
export function mountBrowserHost(root: HTMLElement, host: BrowserHostAdapter, panel: Panel): void {
  const pathInput = h('input', { type: 'text', id: 'bh-path', placeholder: '/path/to/clip.mov on the bridge machine', 'aria-label': 'Media path on the bridge machine', autocomplete: 'off' });
  const openBtn = h('button', { type: 'button', id: 'bh-open', onclick: () => void host.open(pathInput.value) }, 'Open');
  const browseBtn = h('button', { type: 'button', id: 'bh-browse', 'aria-expanded': 'false', onclick: () => void toggleBrowser() }, 'Browse…');
  pathInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') void host.open(pathInput.value); });
  const status = h('div', { class: 'bh-muted', role: 'status' });
  const files = h('div', { id: 'bh-files-wrap' });
  const scrub = h('div', { class: 'bh-scrub' });
  const results = h('div', { id: 'bh-results' });
  root.appendChild(h('style', {}, CSS));
  root.appendChild(h('section', { class: 'bh', 'aria-label': 'Clip' }, h('h2', {}, 'Clip'), h('div', { class: 'bh-row' }, pathInput, openBtn, browseBtn), status, files, scrub));
  root.appendChild(h('section', { class: 'bh', 'aria-label': 'Results' }, h('h2', {}, 'Results'), results));

  let browsing = false;
  let listingDir: string | undefined;
  const toggleBrowser = async (dir?: string): Promise<void> => {
    if (browsing && dir === undefined) {
      browsing = false;
      browseBtn.setAttribute('aria-expanded', 'false');
      files.textContent = '';
      return;
    }
    browsing = true;
    browseBtn.setAttribute('aria-expanded', 'true');
    // Start at the typed path (a file lists its folder), else where we were, else the open clip's folder.
    const typed = pathInput.value.trim();
    const start = dir ?? (typed || listingDir || host.current.path || undefined);
    files.textContent = 'Loading…';
    try {
      const listing = await panel.http.getJson<FileListing>('/api/files', { dir: start });
      listingDir = listing.dir;
      renderListing(listing);
    } catch (e) {
      files.textContent = '';
      files.appendChild(h('p', { class: 'bh-err', role: 'alert' }, (e as Error).message, (e as { code?: string }).code?.startsWith('E_AUTH') ? ' — pair the panel below first.' : ''));
    }
  };
  const renderListing = (l: FileListing): void => {
    files.textContent = '';
    const list = h('ul', { class: 'bh-files', 'aria-label': `Folder ${l.dir}` });
    if (l.parent) list.appendChild(h('li', {}, h('button', { type: 'button', onclick: () => void toggleBrowser(l.parent!) }, '⬑ ..')));
    for (const e of l.entries) {
      const btn = e.kind === 'dir'
        ? h('button', { type: 'button', 'data-path': e.path, onclick: () => void toggleBrowser(e.path) }, `📁 ${e.name}`)
        : h('button', { type: 'button', 'data-path': e.path, class: e.media ? 'bh-media' : '', disabled: !e.media, onclick: () => { pathInput.value = e.path; void host.open(e.path).then((ok) => { if (ok) void toggleBrowser(); }); } }, e.name);
      list.appendChild(h('li', {}, btn));
    }
    files.appendChild(h('div', { class: 'bh-muted' }, l.dir));
    files.appendChild(list);
  };

  const thumb = h('img', { alt: 'Frame at the scrubber', id: 'bh-thumb' });
  let thumbTimer: ReturnType<typeof setTimeout> | undefined;
  let lastRange = '';
  const render = (s: BrowserHostState): void => {
    if (s.path && document.activeElement !== pathInput && pathInput.value !== s.path) pathInput.value = s.path;
    status.className = s.error ? 'bh-err' : 'bh-muted';
    status.textContent = s.loading
      ? 'Reading the clip…'
      : s.error
        ? `${s.error.message}${s.error.code.startsWith('E_AUTH') ? ' — pair the panel below first.' : ''}`
        : s.info
          ? `${s.info.width}×${s.info.height} · ${(s.info.fps.num / s.info.fps.den).toFixed(3).replace(/\.?0+$/, '')} fps · ${s.info.frameCount} frames${s.info.startTimecode ? ` · TC ${s.info.startTimecode}` : ''}${s.info.vfr ? ' · variable frame rate!' : ''}`
          : 'No clip open.';
    const info = s.info;
    const rangeKey = info ? `${s.path}|${info.frameCount}` : '';
    if (rangeKey !== lastRange) {
      lastRange = rangeKey;
      scrub.textContent = '';
      if (info) {
        const slider = h('input', { type: 'range', id: 'bh-scrub', min: 0, max: info.frameCount - 1, step: 1, value: s.cursor, 'aria-label': 'Scrub' });
        slider.addEventListener('input', () => host.setCursor(Number(slider.value)));
        scrub.appendChild(thumb);
        scrub.appendChild(h('div', { class: 'bh-row' }, slider, h('span', { id: 'bh-cursor' })));
        scrub.appendChild(h('div', { class: 'bh-row' },
          h('button', { type: 'button', id: 'bh-set-in', onclick: () => host.setIn() }, 'Set in'),
          h('button', { type: 'button', id: 'bh-set-out', onclick: () => host.setOut() }, 'Set out'),
          h('button', { type: 'button', id: 'bh-reset', onclick: () => host.resetRange() }, 'Whole clip'),
          h('span', { id: 'bh-range', 'aria-live': 'polite' })));
      }
    }
    if (info) {
      const cursor = document.getElementById('bh-cursor');
      if (cursor) cursor.textContent = `frame ${s.cursor}`;
      const range = document.getElementById('bh-range');
      if (range) range.textContent = `in ${s.in} · out ${s.out} (${s.out - s.in} frames)`;
      const src = panel.http.url('/api/preview', { path: s.path!, frame: s.cursor, maxWidth: 320 });
      // Each preview decodes a frame on the bridge: while the scrubber moves, ask for the frame it
      // rests on, not for every frame it passes.
      if (thumb.getAttribute('src') !== src) {
        clearTimeout(thumbTimer);
        thumbTimer = setTimeout(() => thumb.setAttribute('src', src), thumb.getAttribute('src') ? 120 : 0);
      }
    }
    results.textContent = '';
    if (s.results.length === 0) results.appendChild(h('p', { class: 'bh-muted' }, 'Finished jobs are listed here with links to their files.'));
    else {
      const ul = h('ul', { class: 'bh-results' });
      for (const r of s.results) {
        const name = r.path.split(/[\\/]/).pop() ?? r.path;
        ul.appendChild(h('li', {}, r.kind === 'sequence'
          ? h('span', { title: r.path }, `${r.path} (folder of ${r.frames} frames)`)
          : h('a', { href: r.url, target: '_blank', rel: 'noopener', title: r.path, class: 'bh-result-link' }, name), ' ', h('span', { class: 'bh-muted' }, `${r.kind}${r.frames ? `, ${r.frames} frames` : ''}`)));
      }
      results.appendChild(ul);
    }
  };
  host.subscribe(render);
  render(host.current);
  // Paired later than the page loaded: the preview URL needs the token now.
  panel.store.subscribe((s, prev) => { if (s.connection.status !== prev.connection.status) { lastRange = ''; render(host.current); } });
}
