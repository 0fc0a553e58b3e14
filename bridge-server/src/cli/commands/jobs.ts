import path from 'node:path';
import type { Command } from 'commander';
import type { JobRecord } from '@synthetic-studio/shared';
import { loadConfig } from '../../config/index.js';
import { JobStore } from '../../jobs/index.js';
import { parseIntOption } from '../options.js';
import { formatDuration } from '../progress-bar.js';

export function registerJobsCommand(program: Command): void {
  program
    .command('jobs')
    .description('List the jobs of a data folder (newest first), or show one job in full.')
    .argument('[id]', 'show this job as JSON')
    .option('--data-dir <dir>', 'data folder')
    .option('--limit <n>', 'how many to list', parseIntOption, 50)
    .option('--json', 'print JSON')
    .action((id: string | undefined, opts: { dataDir?: string; limit: number; json?: boolean }) => {
      const config = loadConfig({ dataDir: opts.dataDir });
      // Read-only use of the store; WAL lets this run beside a bridge that owns the queue.
      const store = new JobStore(path.join(config.dataDir, 'jobs.sqlite'));
      try {
        if (id) {
          const job = store.get(id);
          if (!job) {
            process.stderr.write(`error E_NOT_FOUND: no job ${id} in ${config.dataDir}\n`);
            process.exitCode = 1;
            return;
          }
          process.stdout.write(JSON.stringify(job, null, opts.json ? undefined : 2) + '\n');
          return;
        }
        const jobs = store.list(opts.limit);
        if (opts.json) {
          process.stdout.write(JSON.stringify({ jobs }) + '\n');
          return;
        }
        if (jobs.length === 0) {
          process.stdout.write(`No jobs in ${config.dataDir}\n`);
          return;
        }
        process.stdout.write(formatJobsTable(jobs) + '\n');
      } finally {
        store.close();
      }
    });
}

/** A plain-text table: id, state, task, progress, duration, source → output. */
export function formatJobsTable(jobs: JobRecord[]): string {
  const rows = jobs.map((j) => {
    const p = j.progress;
    const pct = j.state === 'succeeded' ? '100%' : p && p.total > 0 ? `${Math.floor((p.done / p.total) * 100)}%` : '';
    const secs = j.startedAt && j.finishedAt ? formatDuration((Date.parse(j.finishedAt) - Date.parse(j.startedAt)) / 1000) : '';
    const where = j.outputs[0]?.path ?? j.error?.code ?? '';
    return [j.id, j.state + (j.resumes ? ` (resumed ${j.resumes}x)` : ''), j.request.task, pct, secs, `${path.basename(j.request.source.path)} → ${where}`];
  });
  return table(['ID', 'STATE', 'TASK', 'DONE', 'TIME', 'SOURCE → OUTPUT'], rows);
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
