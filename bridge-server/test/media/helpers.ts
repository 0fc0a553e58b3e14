import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJobRequest, type FloatFrame, type JobRequest, type JobRequestInput } from '@synthetic-studio/shared';
import { decodePng, readFrames, resolveFfmpeg } from '../../src/media/index.js';
import { runTool } from '../../src/media/process.js';
import type { ProgressUpdate, TaskContext } from '../../src/tasks/task.js';

/** A temp folder removed at process exit. */
export function tempDir(prefix = 'ss-media-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Run the ffmpeg the bridge uses (tests generate their inputs with it). */
export async function ffmpeg(args: string[]): Promise<void> {
  const r = await runTool(resolveFfmpeg().ffmpeg.path, ['-v', 'error', '-nostdin', '-y', ...args], { timeoutMs: 60000 });
  if (r.code !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

/** A small ProRes 422 HQ 10-bit clip with detail, colour and a start timecode. */
export async function makeProres(path: string, o: { size?: string; rate?: string; frames?: number; timecode?: string; audio?: boolean } = {}): Promise<void> {
  const size = o.size ?? '96x54';
  const rate = o.rate ?? '25';
  const frames = o.frames ?? 8;
  const args = ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`];
  if (o.audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  // Camera-like content: the test pattern kept inside the gamut (testsrc2 sits on its edge, where
  // any 4:2:2 chroma resampling clips) and slightly soft, then converted to YUV with the BT.709
  // matrix it is tagged with (old ffmpeg would use BT.601).
  args.push('-vf', 'lutrgb=r=val*0.75+32:g=val*0.75+32:b=val*0.75+32,gblur=sigma=0.6,scale=out_color_matrix=bt709:out_range=tv', '-frames:v', String(frames), '-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709');
  if (o.timecode) args.push('-timecode', o.timecode);
  if (o.audio) args.push('-c:a', 'pcm_s16le', '-shortest');
  args.push('-movflags', '+write_colr');
  args.push(path);
  await ffmpeg(args);
}

/** ffmpeg's own 16-bit RGB decode of every frame (with the clip's matrix, which old ffmpeg does not apply by itself), as PNG sample arrays. */
export async function ffmpegReferenceFrames(src: string, dir: string, channels: 3 | 4 = 3, matrix = 'bt709'): Promise<Uint16Array[]> {
  await ffmpeg(['-i', src, '-vsync', '0', '-vf', `scale=in_color_matrix=${matrix}`, '-pix_fmt', channels === 4 ? 'rgba64be' : 'rgb48be', '-start_number', '0', join(dir, 'ref_%05d.png')]);
  const out: Uint16Array[] = [];
  for (let i = 0; ; i++) {
    try {
      out.push(decodePng(await readFile(join(dir, `ref_${String(i).padStart(5, '0')}.png`))).samples as Uint16Array);
    } catch {
      return out;
    }
  }
}

export function psnr(a: FloatFrame, b: FloatFrame): number {
  let se = 0;
  let n = 0;
  const ca = a.channels;
  for (let p = 0; p < a.width * a.height; p++) {
    for (let k = 0; k < 3; k++) {
      const d = a.data[p * ca + k] - b.data[p * b.channels + k];
      se += d * d;
      n++;
    }
  }
  return se === 0 ? Infinity : 10 * Math.log10(n / se);
}

/** A TaskContext for running a task directly (no job runner); `progress` receives every update. */
export function taskContext<R extends JobRequest>(
  request: JobRequestInput,
  workDir: string,
  signal = new AbortController().signal,
  opts: { modelsDir?: string; progress?: (u: ProgressUpdate) => void } = {},
): TaskContext<R> {
  return {
    jobId: 'test',
    request: parseJobRequest(request) as R,
    workDir,
    signal,
    progress: opts.progress ?? (() => undefined),
    log: { debug() {}, info() {}, warn() {}, error() {} },
    env: { modelsDir: opts.modelsDir ?? workDir, maxPixels: 8192 * 4320, executionProviders: ['cpu'] },
  };
}

/** Every frame of a movie as float RGB. */
export async function decodeAll(path: string): Promise<FloatFrame[]> {
  const out: FloatFrame[] = [];
  for await (const { frame } of readFrames(path, { channels: 3 })) out.push(frame);
  return out;
}

/** The 16-bit samples of every PNG of an output sequence folder, in frame order. */
export async function sequenceSamples(seqDir: string): Promise<Uint16Array[]> {
  const files = (await readdir(seqDir)).filter((f) => f.endsWith('.png')).sort();
  return Promise.all(files.map(async (f) => decodePng(await readFile(join(seqDir, f))).samples as Uint16Array));
}
