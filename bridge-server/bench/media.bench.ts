/**
 * Media benchmark, each number against a baseline measured in this run:
 * 1. Throughput: our `copy` task (decode → float frames → checkpoints → ProRes 422 HQ) on a 10-bit
 *    1080p ProRes clip, against the plain ffmpeg command line doing the same transcode (same
 *    encoder settings and colour conversion). Target: ours ≥ 0.8 of ffmpeg's frames per second.
 * 2. Memory: peak RSS of the bridge process copying LARGE frames vs SMALL frames of the same
 *    clip (each in a fresh process). Target: within 1.2x — memory must not grow with clip length.
 * Sizes come from the environment so it can run short:
 *   MEDIA_BENCH_FRAMES (60), MEDIA_BENCH_MEM_SMALL (200), MEDIA_BENCH_MEM_LARGE (2000),
 *   MEDIA_BENCH_SIZE (1920x1080). Temp files go to MEDIA_BENCH_DIR or the OS temp folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJobRequest, type RequestOf } from '@synthetic-studio/shared';
import { probeMedia, resolveFfmpeg } from '../src/media/index.js';
import { videoEncodeArgs } from '../src/media/encode-args.js';
import { runTool } from '../src/media/process.js';
import { copyTask } from '../src/tasks/copy.js';
import type { TaskContext } from '../src/tasks/task.js';

const num = (name: string, def: number) => Number(process.env[name] ?? def);

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

export async function run(): Promise<void> {
  const size = process.env.MEDIA_BENCH_SIZE ?? '1920x1080';
  const frames = num('MEDIA_BENCH_FRAMES', 60);
  const small = num('MEDIA_BENCH_MEM_SMALL', 200);
  const large = num('MEDIA_BENCH_MEM_LARGE', 2000);
  const dir = mkdtempSync(join(process.env.MEDIA_BENCH_DIR ?? tmpdir(), 'media-bench-'));
  try {
    console.log(`media bench: ${size} 10-bit ProRes 422 HQ source, ffmpeg ${resolveFfmpeg().ffmpeg.version} (${resolveFfmpeg().ffmpeg.source})`);
    // 1. throughput
    const src = join(dir, 'source.mov');
    await makeSource(src, size, frames);
    const info = await probeMedia(src);
    const baselineOut = join(dir, 'baseline.mov');
    const t0 = performance.now();
    await ffmpeg(['-i', src, '-map', '0:v:0', ...videoEncodeArgs('prores', { color: info.color, sampleAspect: info.sampleAspect, timecode: info.startTimecode, channels: 3, audio: false, firstFrame: 0 }, baselineOut)]);
    const tBase = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await copyTask.run(context(src, frames, join(dir, 'work'), join(dir, 'out')));
    const tOurs = (performance.now() - t1) / 1000;
    const fpsBase = frames / tBase;
    const fpsOurs = frames / tOurs;
    console.log(`  throughput  ffmpeg CLI ${fpsBase.toFixed(2)} fps | ours (copy task) ${fpsOurs.toFixed(2)} fps | ratio ${(fpsOurs / fpsBase).toFixed(2)} (target ≥ 0.80)`);
    rmSync(join(dir, 'work'), { recursive: true, force: true });

    // 2. memory: LARGE vs SMALL frames of one clip, each copy in a fresh process
    const memSrc = join(dir, 'memory.mov');
    await makeSource(memSrc, size, large);
    const self = fileURLToPath(import.meta.url);
    const peak = (n: number): number => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--memory-child', memSrc, String(n), dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`memory child failed: ${r.stderr}`);
      rmSync(join(dir, `work-${n}`), { recursive: true, force: true });
      rmSync(join(dir, `out-${n}`), { recursive: true, force: true });
      return JSON.parse(r.stdout.trim().split('\n').pop()!).maxRss;
    };
    const pSmall = peak(small);
    const pLarge = peak(large);
    console.log(`  peak RSS    ${small} frames ${(pSmall / 2 ** 20).toFixed(0)} MiB | ${large} frames ${(pLarge / 2 ** 20).toFixed(0)} MiB | ratio ${(pLarge / pSmall).toFixed(2)} (target ≤ 1.20)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--memory-child') {
  await memoryChild(process.argv[3], Number(process.argv[4]), process.argv[5]);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
}
