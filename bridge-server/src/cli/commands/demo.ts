import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { EngineName, JobOutput, JobRecord, JobRequestInput, TaskName } from '@synthetic-studio/shared';
import { taskRegistry, type TaskRegistry } from '../../tasks/registry.js';
import { writeContactSheet } from '../contact-sheet.js';
import { openLocalJobs } from '../in-process.js';
import { parseIntOption } from '../options.js';
import { createProgressReporter } from '../progress-bar.js';
import { table } from './jobs.js';

export interface DemoOptions {
  output?: string;
  dataDir?: string;
  width: number;
  height: number;
  frames: number;
  tasks?: string;
  diffusion: boolean;
  json?: boolean;
}

/** What the demo runs for one task and engine on the sample scene. */
export interface DemoJob {
  label: string;
  request: JobRequestInput;
}

/** Fixture model folder per diffusion task (built by the models workspace's fixture builder). */
const FIXTURE_FOR: Partial<Record<TaskName, string>> = { inpaint: 'sd-inpaint', relight: 'ic-light-fc' };

/**
 * The demo's requests: every registered task with the classical engine, and with the diffusion
 * engine on the fixture models when those were built. Pure, so the plan is testable.
 */
export function demoJobs(tasks: { name: TaskName; engines: EngineName[] }[], clip: string, maskDir: string, outDir: string, fixtures?: Record<string, string>): DemoJob[] {
  const jobs: DemoJob[] = [];
  const output = { format: 'prores' as const, dir: outDir };
  for (const t of tasks) {
    for (const engine of t.engines) {
      const base = { source: { path: clip }, engine, output, seed: 7 };
      if (engine === 'diffusion') {
        const fixture = FIXTURE_FOR[t.name];
        if (!fixtures || !fixture || !fixtures[fixture]) continue;
        const model = fixtures[fixture]!;
        if (t.name === 'inpaint') jobs.push({ label: 'inpaint (diffusion, fixture model)', request: { ...base, task: 'inpaint', model, prompt: 'a grassy field', mask: { kind: 'file', path: maskDir }, params: { steps: 2, keyframeSpacing: 12 } } });
        if (t.name === 'relight') jobs.push({ label: 'relight (diffusion, fixture model)', request: { ...base, task: 'relight', model, prompt: 'warm sunset light from the left', mask: { kind: 'file', path: maskDir }, params: { steps: 2, keyframeSpacing: 12 } } });
        continue;
      }
      switch (t.name) {
        case 'copy':
          jobs.push({ label: 'copy', request: { ...base, task: 'copy' } });
          break;
        case 'inpaint':
          jobs.push({ label: 'inpaint: remove the ball', request: { ...base, task: 'inpaint', mask: { kind: 'file', path: maskDir } } });
          break;
        case 'extend':
          jobs.push({ label: 'extend: 8 frames after', request: { ...base, task: 'extend', params: { mode: 'temporal', frames: 8, direction: 'after' } } });
          jobs.push({ label: 'extend: canvas to 2.39:1', request: { ...base, task: 'extend', params: { mode: 'spatial', aspect: '2.39:1' } } });
          break;
        case 'relight':
          jobs.push({ label: 'relight: warm key, cool rim', request: { ...base, task: 'relight', mask: { kind: 'file', path: maskDir }, params: { light: 'key:az=-60,el=30,k=3200,i=1.2;rim:az=150,rgb=0.5/0.7/1' } } });
          break;
      }
    }
  }
  return jobs;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Render the sample scene, run every task on it (classical, and diffusion on tiny fixture models), and print a table of outputs and metrics with a before/after contact sheet per job.')
    .option('-o, --output <dir>', 'folder for the sample, the results and the contact sheets (default: a new temp folder)')
    .option('--data-dir <dir>', 'data folder for the demo jobs (default: <output>/.data, so a running bridge is not disturbed)')
    .option('--width <px>', 'sample width', parseIntOption, 160)
    .option('--height <px>', 'sample height', parseIntOption, 96)
    .option('--frames <n>', 'sample frames', parseIntOption, 24)
    .option('--tasks <list>', 'only these tasks, comma-separated (e.g. copy,inpaint)')
    .option('--no-diffusion', 'skip the diffusion engine runs')
    .option('--json', 'print the results as one JSON line at the end')
    .action(async (opts: DemoOptions) => {
      process.exitCode = await runDemo(opts);
    });
}

/** The demo; returns the exit status. `registry` is the bridge's task registry unless a caller passes another. */
export async function runDemo(opts: DemoOptions, registry: TaskRegistry = taskRegistry): Promise<number> {
  const { renderSampleScene, readFrame, readFrames, probeMedia } = await import('../../media/index.js');
  const root = path.resolve(opts.output ?? fs.mkdtempSync(path.join(os.tmpdir(), 'synthetic-studio-demo-')));
  const sampleDir = path.join(root, 'sample');
  const outDir = path.join(root, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  process.stderr.write(`Rendering the sample scene (${opts.width}x${opts.height}, ${opts.frames} frames) into ${sampleDir}\n`);
  const meta = await renderSampleScene({ dir: sampleDir, width: opts.width, height: opts.height, frames: opts.frames });
  const clip = path.join(sampleDir, meta.clip);

  const only = opts.tasks?.split(',').map((s) => s.trim()).filter(Boolean);
  const tasks = [...registry.values()].filter((t) => !only || only.includes(t.name)).map((t) => ({ name: t.name, engines: [...t.engines] }));
  let fixtures: Record<string, string> | undefined;
  if (opts.diffusion && tasks.some((t) => t.engines.includes('diffusion'))) fixtures = await buildFixtureModels(path.join(root, 'fixture-models'));
  const plan = demoJobs(tasks, clip, path.join(sampleDir, meta.mask), outDir, fixtures);

  const { jobs } = openLocalJobs({ dataDir: opts.dataDir ?? path.join(root, '.data'), tasks: registry });
  const reporter = createProgressReporter(process.stderr);
  const rows: { label: string; job: JobRecord; seconds: number; sheet?: string; quality?: Record<string, number> }[] = [];
  try {
    jobs.subscribe((e) => e.type === 'progress' && reporter.update(e.progress));
    jobs.start();
    for (const item of plan) {
      process.stderr.write(`▶ ${item.label}\n`);
      const t0 = Date.now();
      let job: JobRecord;
      try {
        job = await jobs.wait(jobs.submit(item.request).job.id);
      } catch (e) {
        reporter.end();
        process.stderr.write(`  refused: ${(e as Error).message}\n`);
        continue;
      }
      reporter.end();
      const row: (typeof rows)[number] = { label: item.label, job, seconds: (Date.now() - t0) / 1000 };
      const movie = job.outputs.find((o) => o.kind === 'movie' || o.kind === 'sequence');
      if (job.state === 'succeeded' && movie) {
        row.sheet = path.join(outDir, `${path.basename(movie.path).replace(/\.[^.]+$/, '')}_contact.png`);
        await contactSheet(row.sheet, clip, movie, meta.frames, readFrame, probeMedia);
        if (job.request.task === 'inpaint') {
          // The sample has ground truth: score the removal against the clean plate, and against doing nothing.
          const clean = path.join(sampleDir, meta.clean);
          const first = movie.firstFrame ?? 0;
          row.quality = {
            psnrVsClean: await psnrBetween({ path: movie.path, first: 0 }, { path: clean, first }, movie.frames, readFrames),
            sourcePsnrVsClean: await psnrBetween({ path: clip, first }, { path: clean, first }, movie.frames, readFrames),
          };
        }
      }
      rows.push(row);
    }
  } finally {
    await jobs.close();
  }

  const text = table(
    ['JOB', 'STATE', 'SECONDS', 'OUTPUT', 'METRICS'],
    rows.map((r) => [
      r.label,
      r.job.state === 'failed' ? `failed ${r.job.error?.code ?? ''}` : r.job.state,
      r.seconds.toFixed(1),
      r.job.outputs.find((o) => o.kind !== 'sidecar')?.path.replace(root + path.sep, '') ?? '',
      Object.entries({ ...r.quality, ...r.job.metrics }).slice(0, 4).map(([k, v]) => `${k}=${Math.round(v * 1000) / 1000}`).join(' '),
    ]),
  );
  process.stdout.write(`\n${text}\n\nSample, results and contact sheets (top: source, bottom: result) in ${root}\n`);
  if (opts.json) process.stdout.write(JSON.stringify({ root, jobs: rows.map((r) => ({ label: r.label, job: r.job.id, status: r.job.state, outputs: r.job.outputs, metrics: r.job.metrics, quality: r.quality ?? null, seconds: r.seconds, contactSheet: r.sheet ?? null, error: r.job.error ?? null })) }) + '\n');
  return rows.every((r) => r.job.state === 'succeeded') ? 0 : 1;
}

/** Three before/after pairs: first, middle and last result frame against the matching source frame. */
async function contactSheet(
  file: string,
  clip: string,
  out: JobOutput,
  sourceFrames: number,
  readFrame: typeof import('../../media/index.js').readFrame,
  probeMedia: typeof import('../../media/index.js').probeMedia,
): Promise<void> {
  const info = await probeMedia(out.path);
  const n = info.frameCount;
  const picks = [...new Set([0, Math.floor(n / 2), n - 1])].filter((i) => i >= 0);
  const first = out.firstFrame ?? 0;
  const pairs = [];
  for (const i of picks) {
    const src = Math.min(sourceFrames - 1, Math.max(0, first + i));
    pairs.push({ before: await readFrame(clip, src), after: await readFrame(out.path, i) });
  }
  await writeContactSheet(file, pairs);
}

/** PSNR (dB) between `frames` frames of two clips, each from its own first frame. */
async function psnrBetween(
  a: { path: string; first: number },
  b: { path: string; first: number },
  frames: number,
  readFrames: typeof import('../../media/index.js').readFrames,
): Promise<number> {
  const other = readFrames(b.path, { in: b.first, out: b.first + frames, channels: 3 });
  let sum = 0;
  let count = 0;
  for await (const { frame } of readFrames(a.path, { in: a.first, out: a.first + frames, channels: 3 })) {
    const r = await other.next();
    if (r.done) break;
    const x = frame.data;
    const y = r.value.frame.data;
    for (let i = 0; i < x.length; i++) {
      const d = x[i]! - y[i]!;
      sum += d * d;
    }
    count += x.length;
  }
  await other.return?.(undefined);
  const mse = count ? sum / count : 0;
  return mse === 0 ? 99 : Math.round(10 * Math.log10(1 / mse) * 100) / 100;
}

/** Tiny random-weight diffusion models from the models workspace, when its fixture builder exists. */
async function buildFixtureModels(dir: string): Promise<Record<string, string> | undefined> {
  try {
    const models = (await import('@synthetic-studio/models')) as { buildFixtures?: (dir: string) => Record<string, string> };
    if (typeof models.buildFixtures !== 'function') return undefined;
    process.stderr.write(`Building fixture diffusion models in ${dir}\n`);
    return models.buildFixtures(dir);
  } catch (e) {
    process.stderr.write(`Diffusion fixtures unavailable (${(e as Error).message}); running the classical engine only.\n`);
    return undefined;
  }
}
