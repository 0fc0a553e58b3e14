import { Option, type Command } from 'commander';
import { TaskNameSchema, type JobRecord, type TaskName } from '@synthetic-studio/shared';
import { errorPayload as errorPayloadOf } from '../../jobs/index.js';
import { parseFrameArg, resolveFrameArg, type FrameArg } from '../frame-arg.js';
import { openLocalJobs } from '../in-process.js';
import { parseIntOption, parseNumberOption } from '../options.js';
import { createProgressReporter } from '../progress-bar.js';
import { buildRunRequest, type RunFlags } from '../run-request.js';

type RunOptions = Omit<RunFlags, 'in' | 'out'> & { in?: string; out?: string; json?: boolean; dataDir?: string; track?: boolean };

/** The last line `run --json` prints. */
export interface RunJsonResult {
  job: string | null;
  status: JobRecord['state'];
  outputs: JobRecord['outputs'];
  metrics: Record<string, number>;
  /** Sentences about how the request was read (e.g. prompt → light rig). */
  notes?: string[];
  seconds: number;
  error?: { code: string; message: string; hint?: string; details?: Record<string, unknown> };
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run one job in this process (same queue, working folders and resume as the bridge) and wait for it.')
    .argument('<task>', `task to run: ${TaskNameSchema.options.join(', ')}`)
    .requiredOption('-i, --input <clip>', 'source clip (movie or image sequence)')
    .option('--in <frame|timecode>', 'first source frame (index, or HH:MM:SS:FF / HH:MM:SS;FF)')
    .option('--out <frame|timecode>', 'end of the range, exclusive (index or timecode)')
    .option('--mask <path>', 'mask: a PNG (tracked from --mask-frame), a folder of numbered PNGs, or a movie')
    .option('--mask-frame <n>', 'source frame a single-PNG mask was painted on', parseIntOption)
    .addOption(new Option('--mask-channel <channel>', 'mask channel').choices(['auto', 'luma', 'alpha']))
    .option('--mask-id <n>', 'palette mask: keep only this instance id', parseIntOption)
    .option('--no-track', 'hold a single-frame mask instead of tracking it')
    .option('--prompt <text>', 'what to put there (diffusion engine)')
    .option('--negative-prompt <text>', 'what to avoid (diffusion engine)')
    .addOption(new Option('--engine <engine>', 'engine').choices(['classical', 'diffusion']))
    .option('--model <name|folder>', 'installed model name or model folder (diffusion engine)')
    .option('-o, --output <path>', 'existing folder (gets a versioned name) or exact output path')
    .addOption(new Option('--format <format>', 'output format').choices(['prores', 'prores4444', 'png16', 'tiff16', 'exr', 'h264']))
    .option('--seed <n>', 'random seed', parseIntOption)
    .option('--priority <n>', 'queue priority (-100..100)', parseIntOption)
    .option('--frames <n>', 'extend: number of new frames', parseIntOption)
    .addOption(new Option('--direction <dir>', 'extend: add frames before or after').choices(['after', 'before']))
    .addOption(new Option('--mode <mode>', 'extend: temporal (frames) or spatial (canvas)').choices(['temporal', 'spatial']))
    .option('--aspect <W:H>', 'extend (spatial): target aspect ratio, e.g. 2.39:1')
    .option('--size <WxH>', 'extend (spatial): target size, e.g. 1920x1080')
    .option('--anchor <where>', 'extend (spatial): where the source sits (center, left, top-right, …)')
    .option('--light <spec>', 'relight: preset:<name> or a rig, e.g. "key:az=-60,el=30,k=3200"')
    .addOption(new Option('--background <mode>', 'relight: outside the subject').choices(['keep', 'dim', 'relight']))
    .option('--background-dim <x>', 'relight: background multiplier when --background dim', parseNumberOption)
    .option('--auto-matte', 'relight: segment the subject automatically when no mask is given')
    .option('--dilate <px>', 'grow the mask (extend: the new border) by this many pixels', parseIntOption)
    .option('--feather <px>', 'soft mask edge in pixels', parseIntOption)
    .option('--strength <x>', 'edit strength', parseNumberOption)
    .option('--steps <n>', 'diffusion steps', parseIntOption)
    .option('--guidance <x>', 'classifier-free guidance scale', parseNumberOption)
    .option('--scheduler <name>', 'diffusion scheduler (ddim, euler-a, dpmpp-2m, dpmpp-2m-karras, lcm)')
    .option('--keyframe-spacing <n>', 'frames between keyframes', parseIntOption)
    .option('--data-dir <dir>', 'data folder (job records, working folders, logs)')
    .option('--json', 'print one JSON object as the last line of stdout')
    .addHelpText('after', '\nExamples:\n  synthetic-studio run copy --input clip.mov --in 100 --out 148 --format png16 --output frames/ --json\n  synthetic-studio run inpaint --input clip.mov --in 01:00:04:00 --out 01:00:06:00 --mask boom.png --mask-frame 100\n  synthetic-studio run extend --input clip.mov --frames 24 --direction after')
    .action(async (taskArg: string, opts: RunOptions) => {
      process.exitCode = await runCommand(taskArg, opts);
    });
}

async function runCommand(taskArg: string, opts: RunOptions): Promise<number> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 10) / 100;
  let jobId: string | null = null;
  let local: ReturnType<typeof openLocalJobs> | undefined;
  const reporter = createProgressReporter(process.stderr);
  const fail = (e: unknown, status: JobRecord['state'] = 'failed'): number => {
    reporter.end();
    const error = errorPayloadOf(e);
    if (opts.json) printJson({ job: jobId, status, outputs: [], metrics: {}, seconds: seconds(), error });
    else process.stderr.write(`${status === 'cancelled' ? 'cancelled' : 'failed'} ${error.code}: ${error.message}\n${error.hint && error.hint !== error.message ? `  ${error.hint}\n` : ''}`);
    return status === 'cancelled' ? 130 : 1;
  };
  try {
    const task = TaskNameSchema.safeParse(taskArg);
    if (!task.success) throw Object.assign(new Error(`Unknown task "${taskArg}"; use one of ${TaskNameSchema.options.join(', ')}.`), { name: 'StudioError', code: 'E_TASK_UNKNOWN' });
    const flags: RunFlags = { ...opts, noTrack: opts.track === false, in: undefined, out: undefined };
    const inArg = opts.in !== undefined ? parseFrameArg(opts.in, '--in') : undefined;
    const outArg = opts.out !== undefined ? parseFrameArg(opts.out, '--out') : undefined;
    if (inArg?.kind === 'timecode' || outArg?.kind === 'timecode') {
      const { probeMedia } = await import('../../media/index.js');
      const info = await probeMedia(opts.input);
      const clip = { fps: info.fps, startTimecode: info.startTimecode };
      if (inArg) flags.in = resolveFrameArg(inArg, clip, '--in');
      if (outArg) flags.out = resolveFrameArg(outArg, clip, '--out');
    } else {
      flags.in = frameOf(inArg);
      flags.out = frameOf(outArg);
    }
    const request = buildRunRequest(task.data as TaskName, flags);
    local = openLocalJobs({ dataDir: opts.dataDir });
    const { jobs } = local;
    const earlier = jobs.list().filter((j) => j.state === 'queued' || j.state === 'running');
    const { job } = jobs.submit(request);
    jobId = job.id;
    if (earlier.length > 0) process.stderr.write(`${earlier.length} interrupted job(s) in ${local.config.dataDir} run first (resuming from their checkpoints).\n`);
    if (!opts.json) process.stderr.write(`job ${job.id}: ${job.request.task} ${job.request.source.path}\n`);
    let result: { seconds: number } | undefined;
    jobs.subscribe((e) => {
      if (e.type === 'progress' && e.jobId === job.id) reporter.update(e.progress);
      if (e.type === 'result' && e.jobId === job.id) result = { seconds: e.seconds };
    });
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      reporter.end();
      process.stderr.write('cancelling… (Ctrl-C again to quit at once; the job then resumes on the next run)\n');
      void jobs.cancel(job.id).catch(() => {});
    };
    process.on('SIGINT', onSigint);
    jobs.start();
    const done = await jobs.wait(job.id);
    process.off('SIGINT', onSigint);
    reporter.end();
    if (done.state !== 'succeeded') return fail(Object.assign(new Error(done.error?.message ?? done.state), { name: 'StudioError', code: done.error?.code ?? 'E_INTERNAL', details: done.error?.details }), done.state);
    const out: RunJsonResult = { job: done.id, status: 'succeeded', outputs: done.outputs, metrics: done.metrics, ...(done.notes.length ? { notes: done.notes } : {}), seconds: result?.seconds ?? seconds() };
    if (opts.json) printJson(out);
    else {
      for (const n of done.notes) process.stdout.write(`${n}\n`);
      for (const o of done.outputs) process.stdout.write(`${o.kind.padEnd(9)} ${o.path}  (${o.frames} frames @ ${o.fps.num}/${o.fps.den}, TC ${o.timecode})\n`);
      const m = Object.entries(done.metrics).map(([k, v]) => `${k}=${Math.round(v * 1000) / 1000}`).join(' ');
      process.stdout.write(`done in ${out.seconds.toFixed(1)} s${m ? `  ${m}` : ''}\n`);
    }
    return 0;
  } catch (e) {
    return fail(e);
  } finally {
    await local?.jobs.close();
  }
}

function frameOf(arg: FrameArg | undefined): number | undefined {
  return arg?.kind === 'frame' ? arg.frame : undefined;
}

function printJson(r: RunJsonResult): void {
  process.stdout.write(JSON.stringify(r) + '\n');
}
