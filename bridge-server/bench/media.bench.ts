/**
 * Media benchmark, each number against a baseline measured in this run:
 * 1. Throughput: our `copy` task (decode → 16-bit RGB → segment encoders, ProRes 422 HQ; an intra
 *    source, so each segment's decoder is piped straight into its encoder) on a 10-bit 1080p ProRes clip, against the plain ffmpeg command line doing the same transcode (same
 *    encoder settings). Target: ours ≥ 0.8 of ffmpeg's frames per second. Also the same copy frame by
 *    frame through this process (the path long-GOP sources take), and the float path
 *    engines use (readFrames → writer.write), next to ffmpeg forced through 16-bit RGB. Runs are
 *    interleaved (CLI, ours, CLI-RGB, ours-float, repeated) so load from other processes hits all
 *    alike; best-of and the spread (min–max) are printed.
 * 2. Memory and scratch disk: the copy task on SMALL vs LARGE frame counts of one 1080p clip, each
 *    in a fresh process. Peak memory = the sampled peak of the sum of RSS over the bridge process
 *    and all its descendants (the ffmpeg decoder and segment encoders), every 50 ms; the bridge
 *    process's own exact peak (getrusage maxRSS) is printed too. Scratch = the sampled peak of the
 *    bytes in the job's work folder plus the output folder. Target: LARGE within 1.2x of SMALL.
 * Sizes come from the environment so it can run short:
 *   MEDIA_BENCH_FRAMES (60), MEDIA_BENCH_REPEATS (3), MEDIA_BENCH_MEM_SMALL (200), MEDIA_BENCH_MEM_LARGE (2000),
 *   MEDIA_BENCH_SIZE (1920x1080), MEDIA_BENCH_SECTIONS (throughput,memory). Temp files go to MEDIA_BENCH_DIR or the OS temp folder.
 */
import { spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJobRequest, type RequestOf } from '@synthetic-studio/shared';
import { createOutputWriter, probeMedia, readFrames, resolveFfmpeg } from '../src/media/index.js';
import { yuvToRgbFilter } from '../src/media/decode.js';
import { videoEncodeArgs } from '../src/media/encode-args.js';
import { runTool } from '../src/media/process.js';
import { copyTask } from '../src/tasks/copy.js';
import type { TaskContext } from '../src/tasks/task.js';

const num = (name: string, def: number) => Number(process.env[name] ?? def);

/** CPU seconds of this process plus its reaped children (Linux /proc; 0 elsewhere). */
function cpuSeconds(): number {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return 0;
  }
}

async function ffmpeg(args: string[]): Promise<void> {
  const r = await runTool(resolveFfmpeg().ffmpeg.path, ['-v', 'error', '-nostdin', '-y', ...args]);
  if (r.code !== 0) throw new Error(r.stderr);
}

async function makeSource(path: string, size: string, frames: number): Promise<void> {
  await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=24000/1001`, '-frames:v', String(frames), '-vf', 'scale=out_color_matrix=bt709:out_range=tv',
    '-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-movflags', '+write_colr', '-timecode', '01:00:00:00', path]);
}

function context(src: string, frames: number, work: string, outDir: string): TaskContext<RequestOf<'copy'>> {
  return {
    jobId: 'bench', request: parseJobRequest({ task: 'copy', source: { path: src, in: 0, out: frames }, output: { format: 'prores', dir: outDir, audio: false } }) as RequestOf<'copy'>,
    workDir: work, signal: new AbortController().signal, progress: () => {}, log: { debug() {}, info() {}, warn() {}, error() {} },
    env: { modelsDir: work, maxPixels: 8192 * 4320, executionProviders: ['cpu'] },
  };
}

/** Child-process entry: copy [0, frames) and print peak RSS (bytes). */
async function memoryChild(src: string, frames: number, dir: string): Promise<void> {
  await copyTask.run(context(src, frames, join(dir, `work-${frames}`), join(dir, `out-${frames}`)));
  console.log(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024 }));
}

type Timing = { fps: number; cpu: number };

/** Sum of RSS (bytes) of `pid` and all its descendants, from /proc (Linux). */
function treeRss(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      rss.set(Number(e), Number(f[21]) * 4096); // resident pages (4 KiB pages)
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(Number(e));
    } catch {
      /* the process ended meanwhile */
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** Bytes of the files under `dir` (0 when it does not exist). */
function dirBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const e of entries) {
    try {
      const st = lstatSync(join(dir, e));
      total += st.isDirectory() ? dirBytes(join(dir, e)) : st.size;
    } catch {
      /* removed meanwhile */
    }
  }
  return total;
}

const MiB = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const GiB = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

async function throughputSection(dir: string, size: string, frames: number, repeats: number): Promise<void> {
  const src = join(dir, 'source.mov');
  await makeSource(src, size, frames);
  const info = await probeMedia(src);
  const enc = (out: string) => videoEncodeArgs('prores', { color: info.color, sampleAspect: info.sampleAspect, timecode: info.startTimecode, channels: 3, audio: false, firstFrame: 0 }, out);
  const timed = async (fn: () => Promise<unknown>): Promise<Timing> => {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    await fn();
    return { fps: frames / ((performance.now() - t0) / 1000), cpu: cpuSeconds() - c0 };
  };
  const cli: Timing[] = [];
  const cliRgb: Timing[] = [];
  const ours: Timing[] = [];
  const oursFrames: Timing[] = [];
  const oursFloat: Timing[] = [];
  for (let rep = 0; rep < repeats; rep++) {
    // alternate which goes first, so a load change hits both alike
    const pair = [
      async () => cli.push(await timed(() => ffmpeg(['-i', src, '-map', '0:v:0', ...enc(join(dir, 'baseline.mov'))]))),
      async () => ours.push(await timed(() => copyTask.run(context(src, frames, join(dir, `work-${rep}`), join(dir, 'out'))))),
    ];
    if (rep % 2) pair.reverse();
    for (const f of pair) await f();
    // the frame-by-frame path (what long-GOP sources take): decoded frames through this process
    process.env.SYNTHETIC_STUDIO_NO_PASSTHROUGH = '1';
    try {
      oursFrames.push(await timed(() => copyTask.run(context(src, frames, join(dir, `workr-${rep}`), join(dir, 'out')))));
    } finally {
      delete process.env.SYNTHETIC_STUDIO_NO_PASSTHROUGH;
    }
    cliRgb.push(await timed(() => ffmpeg(['-i', src, '-map', '0:v:0', '-vf', `${yuvToRgbFilter(info)},format=rgb48le`, ...enc(join(dir, 'baseline-rgb.mov'))])));
    oursFloat.push(await timed(async () => {
      const w = await createOutputWriter({ workDir: join(dir, `workf-${rep}`), request: context(src, frames, dir, join(dir, 'out')).request, info, range: { in: 0, out: frames }, outputDir: join(dir, 'out') });
      for await (const { index, frame } of readFrames(src, { info, in: 0, out: frames })) await w.write(index, frame);
      await w.finalize({ engine: 'classical', params: {}, metrics: {}, wallSeconds: 0 });
    }));
    for (const d of [`work-${rep}`, `workr-${rep}`, `workf-${rep}`, 'out']) rmSync(join(dir, d), { recursive: true, force: true });
    console.log(`    round ${rep + 1}: CLI ${cli[rep].fps.toFixed(2)} fps, ours ${ours[rep].fps.toFixed(2)} fps (ratio ${(ours[rep].fps / cli[rep].fps).toFixed(2)}), ours frame by frame ${oursFrames[rep].fps.toFixed(2)}; CLI-RGB ${cliRgb[rep].fps.toFixed(2)}, ours-float ${oursFloat[rep].fps.toFixed(2)}`);
  }
  const best = (a: Timing[]) => a.reduce((x, y) => (y.fps > x.fps ? y : x));
  const spread = (a: Timing[]) => `${Math.min(...a.map((t) => t.fps)).toFixed(2)}–${Math.max(...a.map((t) => t.fps)).toFixed(2)}`;
  const b = best(cli);
  const o = best(ours);
  const br = best(cliRgb);
  const of = best(oursFloat);
  const ratios = ours.map((t, i) => t.fps / cli[i].fps);
  const line = (label: string, r: Timing, all: Timing[]) => `${label} ${r.fps.toFixed(2)} fps (spread ${spread(all)}; ${(r.cpu / frames * 1000).toFixed(0)} ms CPU/frame)`;
  console.log(`  throughput, best of ${cli.length}, ${frames} frames (CPU = this process + ffmpeg children):`);
  console.log(`    ${line('ffmpeg CLI transcode            ', b, cli)}`);
  console.log(`    ${line('ours: copy task (16-bit path)   ', o, ours)}  ratio ${(o.fps / b.fps).toFixed(2)} (target ≥ 0.80; per round ${ratios.map((r) => r.toFixed(2)).join(' ')}); CPU ratio ${(b.cpu / o.cpu).toFixed(2)} (the throughput ratio on a saturated machine)`);
  const fr = best(oursFrames);
  console.log(`    ${line('ours: copy, frame by frame      ', fr, oursFrames)}  ratio ${(fr.fps / b.fps).toFixed(2)}; CPU ratio ${(b.cpu / fr.cpu).toFixed(2)} (the path of long-GOP sources: decoded frames through this process)`);
  console.log(`    ${line('ffmpeg CLI through 16-bit RGB   ', br, cliRgb)}`);
  console.log(`    ${line('ours: float frames → writer     ', of, oursFloat)}  ratio ${(of.fps / br.fps).toFixed(2)} vs the RGB CLI, ${(of.fps / b.fps).toFixed(2)} vs the plain CLI`);
}

/** Copy [0, n) of `src` in a fresh process; peak tree RSS and scratch sampled from here. */
function measureCopy(src: string, n: number, dir: string): Promise<{ treePeak: number; selfPeak: number; diskPeak: number; seconds: number }> {
  const self = fileURLToPath(import.meta.url);
  const work = join(dir, `work-${n}`);
  const out = join(dir, `out-${n}`);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--memory-child', src, String(n), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let treePeak = 0;
  let diskPeak = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    treePeak = Math.max(treePeak, treeRss(child.pid!));
    if (ticks++ % 4 === 0) diskPeak = Math.max(diskPeak, dirBytes(work) + dirBytes(out));
  }, 50);
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      clearInterval(timer);
      diskPeak = Math.max(diskPeak, dirBytes(work) + dirBytes(out));
      rmSync(work, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`memory child failed: ${stderr}`));
      const selfPeak = JSON.parse(stdout.trim().split('\n').pop()!).maxRss;
      resolve({ treePeak, selfPeak, diskPeak, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

async function memorySection(dir: string, size: string, small: number, large: number): Promise<void> {
  const memSrc = join(dir, 'memory.mov');
  await makeSource(memSrc, size, large);
  console.log(`  memory and scratch: copy task to ProRes, ${size}, fresh process each (source ${GiB(dirBytes(dir))})`);
  const rows: Record<number, Awaited<ReturnType<typeof measureCopy>>> = {};
  for (const n of [small, large]) {
    rows[n] = await measureCopy(memSrc, n, dir);
    const r = rows[n];
    console.log(`    ${String(n).padStart(5)} frames: peak RSS bridge+ffmpeg ${MiB(r.treePeak)} (bridge alone ${MiB(r.selfPeak)}), scratch peak ${GiB(r.diskPeak)} (work folder + output), ${r.seconds.toFixed(0)} s`);
  }
  const a = rows[small];
  const b = rows[large];
  console.log(`    ratio ${large}/${small}: peak RSS bridge+ffmpeg ${(b.treePeak / a.treePeak).toFixed(2)}, bridge alone ${(b.selfPeak / a.selfPeak).toFixed(2)} (target ≤ 1.20); scratch ${(b.diskPeak / a.diskPeak).toFixed(2)} (grows with the output: segments + joined movie)`);
}

export async function run(): Promise<void> {
  const size = process.env.MEDIA_BENCH_SIZE ?? '1920x1080';
  const sections = new Set((process.env.MEDIA_BENCH_SECTIONS ?? 'throughput,memory').split(','));
  const dir = mkdtempSync(join(process.env.MEDIA_BENCH_DIR ?? tmpdir(), 'media-bench-'));
  try {
    console.log(`media bench: ${size} 10-bit ProRes 422 HQ source, ffmpeg ${resolveFfmpeg().ffmpeg.version} (${resolveFfmpeg().ffmpeg.source})`);
    if (sections.has('throughput')) await throughputSection(dir, size, num('MEDIA_BENCH_FRAMES', 60), num('MEDIA_BENCH_REPEATS', 3));
    if (sections.has('memory')) await memorySection(dir, size, num('MEDIA_BENCH_MEM_SMALL', 200), num('MEDIA_BENCH_MEM_LARGE', 2000));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--memory-child') {
  await memoryChild(process.argv[3], Number(process.argv[4]), process.argv[5]);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
}
