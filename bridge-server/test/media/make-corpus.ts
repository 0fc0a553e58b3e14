/**
 * Generates the bad-input corpus (nothing binary is committed): run
 *   node --import tsx bridge-server/test/media/make-corpus.ts DIR
 * or import makeCorpus(dir). Every entry is small (≤ 65x37, a few frames).
 */
import { mkdir, readFile, writeFile, truncate, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveFfmpeg } from '../../src/media/index.js';
import { runTool } from '../../src/media/process.js';

export interface Corpus {
  dir: string;
  missing: string;
  empty: string;
  truncatedMp4: string;
  audioOnly: string;
  still: string;
  /** 64x36 clip: refused when the test sets a smaller pixel limit. */
  normal: string;
  /** 65x37 ProRes 4:2:2 (odd width with subsampled chroma). */
  oddSize: string;
  /** 1-bit monochrome raw video. */
  unusualPixFmt: string;
  /** File name starting with '-' (relative to dir). */
  dashName: string;
  spacesUnicode: string;
  vfr: string;
  garbage: string;
  /** MPEG-TS: the npm ffprobe build crashes on it — must be a typed error, not a hang. */
  mpegts: string;
}

async function ff(args: string[]): Promise<void> {
  const r = await runTool(resolveFfmpeg().ffmpeg.path, ['-v', 'error', '-nostdin', '-y', ...args], { timeoutMs: 60000 });
  if (r.code !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

export async function makeCorpus(dirIn: string): Promise<Corpus> {
  const dir = resolve(dirIn);
  await mkdir(dir, { recursive: true });
  const c: Corpus = {
    dir,
    missing: join(dir, 'does-not-exist.mov'),
    empty: join(dir, 'empty.mov'),
    truncatedMp4: join(dir, 'truncated.mp4'),
    audioOnly: join(dir, 'audio-only.m4a'),
    still: join(dir, 'still.png'),
    normal: join(dir, 'normal.mov'),
    oddSize: join(dir, 'odd-65x37.mov'),
    unusualPixFmt: join(dir, 'mono-1bit.nut'),
    dashName: '-starts-with-dash.mov',
    spacesUnicode: join(dir, 'clip with spaces – ünïcødé 日本.mov'),
    vfr: join(dir, 'vfr.mkv'),
    garbage: join(dir, 'garbage.mov'),
    mpegts: join(dir, 'stream.ts'),
  };
  const src = ['-f', 'lavfi', '-i', 'testsrc2=size=64x36:rate=25'];
  await writeFile(c.empty, '');
  // moov atom at the end (no faststart), then cut the file in half: the classic interrupted recording
  await ff([...src, '-frames:v', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', c.truncatedMp4]);
  await truncate(c.truncatedMp4, Math.floor((await stat(c.truncatedMp4)).size / 2));
  await ff(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=0.5', '-c:a', 'aac', c.audioOnly]);
  await ff([...src, '-frames:v', '1', c.still]);
  await ff([...src, '-frames:v', '4', '-c:v', 'prores_ks', '-pix_fmt', 'yuv422p10le', c.normal]);
  await ff([...src, '-vf', 'scale=65:37', '-frames:v', '3', '-c:v', 'prores_ks', '-pix_fmt', 'yuv422p10le', c.oddSize]);
  await ff([...src, '-frames:v', '3', '-c:v', 'rawvideo', '-pix_fmt', 'monob', c.unusualPixFmt]);
  await writeFile(join(dir, c.dashName), await readFile(c.normal));
  await writeFile(c.spacesUnicode, await readFile(c.normal));
  // frames 0–4 at 25 fps, then 10 fps: variable frame rate in a container that keeps timestamps
  await ff([...src, '-frames:v', '10', '-vf', "setpts='if(lt(N,5),N/25,N/10)/TB'", '-vsync', 'vfr', '-c:v', 'ffv1', c.vfr]);
  const junk = Buffer.alloc(4096);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 2654435761) >>> 24;
  await writeFile(c.garbage, junk);
  await ff([...src, '-frames:v', '5', '-c:v', 'libx264', '-f', 'mpegts', c.mpegts]);
  return c;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: make-corpus.ts DIR');
    process.exit(2);
  }
  console.log(JSON.stringify(await makeCorpus(dir), null, 2));
}
