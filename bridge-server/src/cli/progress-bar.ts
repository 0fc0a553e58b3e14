import type { Progress } from '@synthetic-studio/shared';

/** Progress on a terminal: a redrawn bar; elsewhere (pipes, CI logs): a plain line per step. */
export interface ProgressReporter {
  update(p: Progress): void;
  /** Clear the bar (before printing anything else). */
  end(): void;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/** One bar line: `encode  [#########-----------]  45%  12/24 frames  ETA 0:12`. */
export function renderBar(p: Progress, width = 24): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const filled = Math.round(frac * width);
  const pct = `${Math.floor(frac * 100)}`.padStart(3);
  const eta = p.eta !== undefined ? `  ETA ${formatDuration(p.eta)}` : '';
  return `${p.phase.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}%  ${p.done}/${p.total} frames${eta}`;
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (stream.isTTY) {
    let drawn = false;
    return {
      update(p) {
        const cols = stream.columns || 80;
        stream.write(`\r${renderBar(p, Math.max(10, Math.min(40, cols - 50))).slice(0, cols - 1)}\x1b[K`);
        drawn = true;
      },
      end() {
        if (drawn) stream.write('\r\x1b[K');
        drawn = false;
      },
    };
  }
  // Not a terminal: a line on each phase change and each 10 % step, so logs stay short.
  let phase = '';
  let step = -1;
  return {
    update(p) {
      const s = p.total > 0 ? Math.floor((p.done / p.total) * 10) : 0;
      if (p.phase === phase && s === step) return;
      phase = p.phase;
      step = s;
      const eta = p.eta !== undefined ? ` eta=${formatDuration(p.eta)}` : '';
      stream.write(`progress phase=${p.phase} ${p.total > 0 ? Math.floor((p.done / p.total) * 100) : 0}% frames=${p.done}/${p.total}${eta}\n`);
    },
    end() {},
  };
}
