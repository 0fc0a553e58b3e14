/// <reference lib="dom" />
import type { Panel, PanelState } from '../panel.js';
import { START_COMMAND, type PlainError } from '../error-text.js';
import { formatEta, isFinal, type QueueJob } from '../queue-job.js';
import { TASK_TABS } from '../job-settings.js';
import { button, h } from './dom.js';

/** An error with its fix; `code` spans render as code. */
export function errorBox(e: PlainError, onDismiss?: () => void): HTMLElement {
  return h('div', { class: 'ss-error', role: 'alert' },
    h('strong', {}, e.title), ' ', withCode(e.fix),
    e.detail && e.detail !== e.title ? h('div', { class: 'ss-detail' }, e.detail) : null,
    onDismiss ? button('dismiss-error', 'Dismiss', onDismiss, { class: 'ss-link' }) : null);
}

function withCode(text: string): (Node | string)[] {
  return text.split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

/** Connection line: offline help with the start command, the pairing form, or what the bridge has. */
export function connectionView(panel: Panel, s: PanelState): HTMLElement {
  const c = s.connection;
  if (c.status === 'offline' || c.status === 'idle' || c.status === 'closed') {
    return h('div', { class: 'ss-conn ss-offline', role: 'status' },
      h('span', { class: 'ss-dot' }),
      h('div', {},
        h('strong', {}, c.problem?.title ?? 'Not connected.'), ' ',
        'Start the bridge with ', h('code', {}, START_COMMAND), ' — the panel connects by itself',
        c.retryInMs !== undefined ? ` (next try in ${Math.ceil(c.retryInMs / 1000)} s).` : '.',
        ' ', button('retry', 'Retry now', () => panel.retryNow(), { class: 'ss-link' })));
  }
  if (c.status === 'connecting') return h('div', { class: 'ss-conn', role: 'status' }, h('span', { class: 'ss-dot ss-busy' }), 'Connecting to the bridge…');
  if (c.status === 'pairing') {
    const input = h('input', { type: 'text', 'data-key': 'pair-code', autocomplete: 'off', placeholder: 'code or token', 'aria-label': 'Pairing code or token', maxlength: 256 });
    const submit = (): void => {
      const v = input.value.trim();
      if (!v) return;
      // Pairing codes are short; anything long is a pasted token.
      void (v.length > 16 ? panel.useToken(v) : panel.pair(v));
    };
    input.addEventListener('keydown', (e: KeyboardEvent) => { if (e.key === 'Enter') submit(); });
    return h('div', { class: 'ss-conn ss-pairing', role: 'group', 'aria-label': 'Pair with the bridge' },
      h('div', {}, h('strong', {}, 'Pair this panel with the bridge.'), ' Enter the pairing code the bridge printed when it started (once; the panel remembers it).'),
      // The first visit needs no warning; a wrong code, a rate limit or a lost socket does.
      c.problem && c.problem.code !== 'E_AUTH_REQUIRED'
        ? h('div', { class: 'ss-warn', role: 'alert' }, `${c.problem.title} ${c.problem.fix}`, c.problem.detail && c.problem.code !== 'E_AUTH_INVALID' ? ` (${c.problem.detail})` : '')
        : null,
      h('div', { class: 'ss-row' }, input, button('pair', 'Pair', submit, { class: 'ss-primary' })));
  }
  const caps = s.capabilities;
  const installed = caps?.models.filter((m) => m.installed) ?? [];
  return h('div', { class: 'ss-conn ss-ready', role: 'status' },
    h('span', { class: 'ss-dot ss-ok' }),
    h('span', {}, 'Connected'),
    caps ? h('span', { class: 'ss-muted', title: caps.executionProviders.join(', ') }, ` · ${caps.executionProviders[0] ?? 'cpu'}`) : null,
    caps ? h('span', { class: 'ss-muted', title: installed.map((m) => m.name).join(', ') || 'none' }, ` · ${installed.length ? `${installed.length} model${installed.length > 1 ? 's' : ''}: ${installed.map((m) => m.name).join(', ')}` : 'no models installed (classical engine only)'}`) : null,
    button('forget-token', 'Unpair', () => { panel.forgetToken(); panel.client.stop(); panel.client.start(); }, { class: 'ss-link', title: 'Forget the token and pair again' }));
}

export function selectionView(panel: Panel, s: PanelState): HTMLElement {
  const sel = s.selection;
  if (!sel) return h('div', { class: 'ss-selection ss-muted' }, s.selectionReason ?? 'No clip selected.', ' ', button('refresh-selection', 'Refresh', () => void panel.refreshSelection(), { class: 'ss-link' }));
  const fps = sel.sourceFps.num / sel.sourceFps.den;
  const name = sel.clipName ?? sel.mediaPath.split(/[\\/]/).pop();
  return h('div', { class: 'ss-selection', title: sel.mediaPath },
    h('strong', {}, name ?? ''), ' ',
    h('span', { class: 'ss-muted' }, `frames ${sel.sourceIn}–${sel.sourceOut} (${sel.sourceOut - sel.sourceIn}) · ${Number.isInteger(fps) ? fps : fps.toFixed(3)} fps · ${sel.frameWidth}×${sel.frameHeight}`), ' ',
    button('refresh-selection', 'Refresh', () => void panel.refreshSelection(), { class: 'ss-link' }));
}

const STATE_TEXT: Record<QueueJob['state'], string> = { queued: 'Queued', running: 'Running', succeeded: 'Done', failed: 'Failed', cancelled: 'Cancelled' };

function jobRow(panel: Panel, j: QueueJob): HTMLElement {
  const label = TASK_TABS.find((t) => t.task === j.task)?.label ?? j.task;
  const pctDone = j.state === 'succeeded' ? 100 : Math.round((j.progress?.fraction ?? 0) * 100);
  const eta = j.state === 'running' ? formatEta(j.progress?.eta) : '';
  const canReveal = panel.host.capabilities.canReveal && j.outputs.length > 0;
  const imp = j.import;
  return h('li', { class: `ss-job ss-${j.state}`, 'data-job': j.id, 'aria-label': `${label} job ${STATE_TEXT[j.state]}` },
    j.preview ? h('img', { class: 'ss-thumb', src: j.preview, alt: 'Live preview' }) : h('div', { class: 'ss-thumb ss-thumb-empty' }),
    h('div', { class: 'ss-job-body' },
      h('div', { class: 'ss-row ss-between' },
        h('span', {}, h('strong', {}, label), ' ', j.task === 'copy' || j.seed === undefined ? null : h('span', { class: 'ss-muted' }, `seed ${j.seed}`)),
        h('span', { class: 'ss-state' }, STATE_TEXT[j.state])),
      h('div', { class: 'ss-bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pctDone, 'aria-label': `${label} progress` },
        h('div', { class: 'ss-bar-fill', style: `width:${pctDone}%` })),
      h('div', { class: 'ss-row ss-between ss-small' },
        h('span', { class: 'ss-pct' }, `${pctDone}%${j.progress && j.state === 'running' ? ` · ${j.progress.phase} ${j.progress.done}/${j.progress.total}` : ''}`),
        h('span', { class: 'ss-eta' }, eta ? `ETA ${eta}` : j.seconds !== undefined ? `${j.seconds.toFixed(1)} s` : '')),
      j.error && j.state !== 'cancelled' ? errorBox(j.error) : null,
      imp?.status === 'done' && imp.report ? h('div', { class: 'ss-small ss-muted' }, panel.host.capabilities.host === 'browser' ? 'Listed under Results.' : `Imported into the “Synthetic Studio” bin${imp.report.placed ? ', placed on the track above' : ''}.`, imp.report.warnings.map((w) => h('div', { class: 'ss-warn' }, w))) : null,
      imp?.status === 'failed' && imp.error ? errorBox(imp.error) : null,
      j.notes.length ? h('div', { class: 'ss-notes ss-small ss-muted' }, j.notes.map((n) => h('div', {}, n))) : null,
      j.state === 'succeeded' && j.outputs.length ? h('ul', { class: 'ss-outputs ss-small' }, j.outputs.filter((o) => o.kind !== 'sidecar').map((o) => h('li', { title: o.path }, o.path.split(/[\\/]/).pop() ?? o.path))) : null,
      h('div', { class: 'ss-row ss-wrap' },
        !isFinal(j.state) ? button(`cancel-${j.id}`, 'Cancel', () => void panel.cancel(j.id)) : null,
        isFinal(j.state) ? button(`rerun-${j.id}`, 'Re-run (same seed)', () => void panel.rerun(j.id)) : null,
        canReveal ? button(`reveal-${j.id}`, 'Reveal', () => void panel.reveal(j.id)) : null,
        isFinal(j.state) ? button(`remove-${j.id}`, 'Remove', () => panel.removeJob(j.id), { class: 'ss-link' }) : null)));
}

export function queueView(panel: Panel, s: PanelState): HTMLElement {
  if (s.jobs.length === 0) return h('p', { class: 'ss-muted' }, 'No jobs yet. Generate adds one here.');
  return h('ul', { class: 'ss-queue', 'aria-label': 'Jobs' }, s.jobs.map((j) => jobRow(panel, j)));
}
