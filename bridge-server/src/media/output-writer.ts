import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { link, mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { StudioError, sourceFrameToTimecode, timecodeRate, type FloatFrame, type JobOutput, type OutputFormat } from '@synthetic-studio/shared';
import { videoEncodeArgs } from './encode-args.js';
import { isRgbPixFmt } from './pixel-formats.js';
import { resolveFfmpeg } from './ffmpeg-binaries.js';
import { frameToUint16, hashSamplesBE, hashUint16 } from './frame-quantize.js';
import { clipStem, defaultOutputDir, formatExtension, nextVersionedName } from './output-naming.js';
import type { OutputWriter, OutputWriterOptions, Provenance } from './output-types.js';
import { decodePng, encodePng16BE, uint16ToBE } from './png-codec.js';
import { ffmpegPath, runTool, stderrTail } from './process.js';
import { toolVersions } from './versions.js';

/** zlib level of checkpoints: 0 (stored) keeps the writer off the critical path; set 1–9 to save disk. */
const CHECKPOINT_LEVEL = Number(process.env.SYNTHETIC_STUDIO_CHECKPOINT_ZLIB ?? 0);
/** fdatasync each checkpoint before its rename (survives power loss, not only a killed process). */
const CHECKPOINT_FSYNC = process.env.SYNTHETIC_STUDIO_CHECKPOINT_FSYNC !== '0';
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

function ckName(k: number): string {
  return `${String(k).padStart(8, '0')}.png`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Write a file so that it is either complete or absent: temp file, (fsync), rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, fsync = true): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    if (fsync) await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** A checkpoint is complete when it ends with the IEND chunk (a torn write after power loss does not). */
async function checkpointComplete(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 57) return false;
    const tail = Buffer.alloc(12);
    await fh.read(tail, 0, 12, size - 12);
    return tail.equals(IEND);
  } finally {
    await fh.close();
  }
}

interface Stream {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<number>;
  stderr: { text: string };
  next: number;
  tmp: string;
}

/**
 * The one way results leave a job. Every frame is checkpointed as a 16-bit PNG in
 * `<workDir>/frames` (atomic rename, fsync), so a killed job resumes where it stopped.
 *
 * Encoding: on a fresh run whose frames arrive in order, the same 16-bit samples are streamed to
 * the final encoder as they are checkpointed (so the encode overlaps the work instead of following
 * it); a resumed or out-of-order run encodes from the checkpoints instead. Both paths feed ffmpeg
 * identical big-endian 16-bit RGB, so the outputs are byte-identical (tested). The encoder writes
 * a hidden temp name inside the destination folder; `finalize` renames it into place without ever
 * overwriting, and `abort` removes it.
 */
export async function createOutputWriter(opts: OutputWriterOptions): Promise<OutputWriter> {
  const { request, info, range } = opts;
  const width = opts.width ?? info.width;
  const height = opts.height ?? info.height;
  const channels = opts.channels ?? 3;
  const firstFrame = opts.firstFrame ?? range.in;
  const frameCount = opts.frameCount ?? range.out - range.in;
  const fps = opts.fps ?? info.fps;
  let format: OutputFormat = opts.format ?? request.output.format;
  if (format === 'prores' && channels === 4) format = 'prores4444';
  const { ext, sequence } = formatExtension(format);
  const task = String(opts.task ?? request.task);
  const rate = timecodeRate(fps, info.dropFrame && fps.num === info.fps.num && fps.den === info.fps.den);
  const startTimecode =
    opts.startTimecode !== undefined && opts.startTimecode !== null
      ? opts.startTimecode
      : sourceFrameToTimecode(firstFrame, info.startTimecode ?? (rate.dropFrame ? '00:00:00;00' : '00:00:00:00'), rate);
  const keepsTiming = firstFrame >= 0 && firstFrame + frameCount <= info.frameCount && fps.num * info.fps.den === info.fps.num * fps.den;
  const wantAudio = (opts.audio ?? request.output.audio) && info.audio.length > 0 && keepsTiming && !sequence;
  if (firstFrame < 0 && sequence) throw new StudioError('E_OUTPUT', `Image sequences are numbered by source frame; frame ${firstFrame} is before the start of the clip. Choose a movie format.`);

  const framesDir = join(opts.workDir, 'frames');
  await mkdir(framesDir, { recursive: true });
  const stateFile = join(opts.workDir, 'writer.json');
  const partialFile = join(opts.workDir, 'partial.json');
  const state = JSON.stringify({ width, height, channels, firstFrame, frameCount });
  const previous = await readFile(stateFile, 'utf8').catch(() => null);
  if (previous !== null && previous !== state) {
    // checkpoints of another geometry: unusable for this run
    await rm(framesDir, { recursive: true, force: true });
    await mkdir(framesDir, { recursive: true });
  }
  if (previous !== state) await writeFileAtomic(stateFile, state);
  // a temp output left in the destination by a run that was killed
  const stale = await readFile(partialFile, 'utf8').catch(() => null);
  if (stale) {
    await rm(JSON.parse(stale).path, { recursive: true, force: true });
    await rm(partialFile, { force: true });
  }
  const done = new Set<number>();
  for (const e of await readdir(framesDir)) {
    const m = /^(\d{8})\.png$/.exec(e);
    if (m && Number(m[1]) < frameCount && (await checkpointComplete(join(framesDir, e)))) done.add(Number(m[1]));
    else if (!/^hash-\d+\.txt$/.test(e)) await rm(join(framesDir, e), { force: true }); // torn, stale or temp
  }
  const temps = new Set<string>();
  let stream: Stream | null = null;
  let streamable = done.size === 0 && process.env.SYNTHETIC_STUDIO_NO_STREAM_ENCODE !== '1';
  let dest: { dir: string; name: string; requested: boolean } | null = null;

  const slot = (index: number): number => {
    const k = index - firstFrame;
    if (!Number.isInteger(k) || k < 0 || k >= frameCount) {
      throw new StudioError('E_INTERNAL', `Output frame ${index} is outside [${firstFrame}, ${firstFrame + frameCount}).`);
    }
    return k;
  };

  async function destination(): Promise<{ dir: string; name: string; requested: boolean }> {
    if (dest) return dest;
    const requestedPath = opts.outputPath ?? request.output.path;
    let dir: string;
    let name: string;
    if (requestedPath) {
      const abs = resolve(requestedPath);
      if (await exists(abs)) throw new StudioError('E_OUTPUT', `The output path ${abs} already exists; choose a new name.`, { path: abs });
      dir = dirname(abs);
      name = abs.slice(dir.length + 1).replace(/\.[^.]*$/, '') || 'output';
    } else {
      dir = defaultOutputDir(info.path, opts.outputDir ?? request.output.dir);
      name = (await nextVersionedName(dir, clipStem(info.path), task)).name;
    }
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw new StudioError('E_OUTPUT', `Cannot create the output folder ${dir}: ${(e as Error).message}`, { dir });
    }
    dest = { dir, name, requested: !!requestedPath };
    return dest;
  }

  async function newTemp(): Promise<{ tmp: string; target: string }> {
    const d = await destination();
    const tmp = join(d.dir, `.${d.name}.partial-${randomBytes(4).toString('hex')}${sequence ? '' : ext}`);
    temps.add(tmp);
    await writeFileAtomic(partialFile, JSON.stringify({ path: tmp }), false);
    if (sequence) await mkdir(tmp);
    return { tmp, target: ffmpegPath(sequence ? join(tmp, `${d.name}.%07d${ext}`) : tmp) };
  }

  function encodeArgs(input: 'pipe' | 'checkpoints', target: string): string[] {
    const pix = channels === 4 ? 'rgba64be' : 'rgb48be';
    const args = ['-v', 'error', '-nostdin', '-y'];
    if (input === 'pipe') args.push('-f', 'rawvideo', '-pix_fmt', pix, '-s', `${width}x${height}`, '-framerate', `${fps.num}/${fps.den}`, '-i', 'pipe:0');
    else args.push('-framerate', `${fps.num}/${fps.den}`, '-start_number', '0', '-i', ffmpegPath(join(framesDir, '%08d.png')));
    if (wantAudio) {
      const t0 = (firstFrame * fps.den) / fps.num;
      const dur = (frameCount * fps.den) / fps.num;
      args.push('-ss', t0.toFixed(6), '-t', dur.toFixed(6), '-i', ffmpegPath(info.path), '-map', '0:v:0', '-map', '1:a');
    } else args.push('-map', '0:v:0');
    return [...args, ...videoEncodeArgs(format, { color: info.color, sampleAspect: info.sampleAspect, timecode: startTimecode, channels, audio: wantAudio, firstFrame, rgbSource: isRgbPixFmt(info.pixFmt) }, target)];
  }

  // a cancelled job must not leave an encoder waiting on its stdin
  opts.signal?.addEventListener('abort', () => stream?.child.kill('SIGKILL'), { once: true });

  async function startStream(): Promise<void> {
    const { tmp, target } = await newTemp();
    const child = spawn(resolveFfmpeg().ffmpeg.path, encodeArgs('pipe', target), { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const stderr = { text: '' };
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.text.length < 64 * 1024) stderr.text += b.toString('utf8');
    });
    child.stdout.resume();
    child.stdin.on('error', () => {}); // reported through the exit code
    const exited = new Promise<number>((res) => child.on('close', (code) => res(code ?? -1)));
    child.on('error', () => {});
    stream = { child, exited, stderr, next: 0, tmp };
  }

  async function stopStream(): Promise<void> {
    if (stream) {
      stream.child.kill('SIGKILL');
      await stream.exited;
      await rm(stream.tmp, { recursive: true, force: true });
      temps.delete(stream.tmp);
      stream = null;
    }
    streamable = false;
  }

  async function checkpointHash(k: number): Promise<string> {
    const saved = await readFile(join(framesDir, `hash-${k}.txt`), 'utf8').catch(() => null);
    if (saved && /^[0-9a-f]{64}$/.test(saved)) return saved;
    const png = decodePng(await readFile(join(framesDir, ckName(k))));
    return hashUint16(png.width, png.height, png.channels, png.samples as Uint16Array);
  }

  const writer: OutputWriter = {
    firstFrame,
    frameCount,
    has(index) {
      return done.has(slot(index));
    },
    missing() {
      const out: number[] = [];
      for (let k = 0; k < frameCount; k++) if (!done.has(k)) out.push(firstFrame + k);
      return out;
    },
    async write(index, frame: FloatFrame) {
      if (frame.width !== width || frame.height !== height) {
        throw new StudioError('E_INTERNAL', `Frame ${index} is ${frame.width}x${frame.height}; this output is ${width}x${height}.`);
      }
      await writer.writeRaw(index, uint16ToBE(frameToUint16(frame, channels)));
    },
    async writeRaw(index, be: Uint8Array) {
      const k = slot(index);
      if (opts.signal?.aborted) throw new StudioError('E_CANCELLED');
      if (be.byteLength !== width * height * channels * 2) {
        throw new StudioError('E_INTERNAL', `Frame ${index} has ${be.byteLength} bytes; this output needs ${width}x${height}x${channels} 16-bit samples.`);
      }
      const png = encodePng16BE(be, width, height, channels, CHECKPOINT_LEVEL);
      // feed the encoder first, then checkpoint while it works
      let fed: Promise<unknown> = Promise.resolve();
      if (streamable) {
        if (k !== (stream?.next ?? 0)) await stopStream();
        else {
          if (!stream) await startStream();
          const s = stream!;
          if (s.child.exitCode !== null) await stopStream(); // encoder gave up: finalize encodes from checkpoints and reports why
          else {
            if (!s.child.stdin.write(be)) fed = Promise.race([once(s.child.stdin, 'drain'), s.exited]);
            s.next++;
          }
        }
      }
      const hashed = k === 0 || k === frameCount - 1 ? writeFileAtomic(join(framesDir, `hash-${k}.txt`), hashSamplesBE(width, height, channels, be), false) : undefined;
      await Promise.all([writeFileAtomic(join(framesDir, ckName(k)), png, CHECKPOINT_FSYNC), fed, hashed]);
      done.add(k);
    },
    async finalize(prov: Provenance): Promise<JobOutput[]> {
      const missing = writer.missing();
      if (missing.length) throw new StudioError('E_INTERNAL', `Cannot finalize: ${missing.length} frames not written (first missing: ${missing[0]}).`, { missing: missing.slice(0, 20) });
      const caps = resolveFfmpeg();
      if (format === 'exr' && !caps.encoders.exr) {
        throw new StudioError('E_OUTPUT', `This ffmpeg (${caps.ffmpeg.version}, ${caps.ffmpeg.source}) cannot write EXR; choose tiff16 or set FFMPEG_PATH to an ffmpeg with the exr encoder.`);
      }
      let tmp: string | null = null;
      try {
        const s = stream as Stream | null;
        if (s && s.next === frameCount) {
          s.child.stdin.end();
          const code = await s.exited;
          stream = null;
          if (code === 0) tmp = s.tmp;
          else {
            await rm(s.tmp, { recursive: true, force: true });
            temps.delete(s.tmp);
          }
        } else await stopStream();
        if (!tmp) {
          const t = await newTemp();
          tmp = t.tmp;
          const r = await runTool(caps.ffmpeg.path, encodeArgs('checkpoints', t.target), { signal: opts.signal });
          if (r.code !== 0) throw new StudioError('E_FFMPEG', `Encoding ${format} failed: ${stderrTail(r.stderr)}`, { stderr: stderrTail(r.stderr, 10) });
        }
        // Into place without ever overwriting: link() fails if the name exists (then take the next
        // version); a folder is renamed only when the name is still free.
        const d = await destination();
        let name = d.name;
        let finalPath = join(d.dir, sequence ? name : `${name}${ext}`);
        for (let attempt = 0; ; attempt++) {
          try {
            if (sequence) {
              if (await exists(finalPath)) throw Object.assign(new Error('the name is taken'), { code: 'EEXIST' });
              await rename(tmp, finalPath);
            } else {
              await link(tmp, finalPath);
              await unlink(tmp);
            }
            break;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || d.requested || sequence || attempt > 20) {
              throw new StudioError('E_OUTPUT', `Cannot move the output into place at ${finalPath}: ${(e as Error).message}`, { path: finalPath });
            }
            name = (await nextVersionedName(d.dir, clipStem(info.path), task)).name;
            finalPath = join(d.dir, `${name}${ext}`);
          }
        }
        temps.delete(tmp);
        tmp = null;
        await rm(partialFile, { force: true });
        const sidecarPath = join(d.dir, `${name}.json`);
        const sidecar = {
          schema: 'synthetic-studio/sidecar@1',
          createdAt: new Date().toISOString(),
          output: {
            path: finalPath, format, kind: sequence ? 'sequence' : 'movie', frames: frameCount, firstFrame, fps, timecode: startTimecode,
            dropFrame: rate.dropFrame, width, height, channels, sampleAspect: info.sampleAspect, color: info.color, audio: wantAudio,
            frameHashes: { first: await checkpointHash(0), last: await checkpointHash(frameCount - 1) },
          },
          source: {
            path: resolve(info.path), range, fps: info.fps, frameCount: info.frameCount, startTimecode: info.startTimecode,
            timecodeAtIn: info.startTimecode ? sourceFrameToTimecode(range.in, info.startTimecode, timecodeRate(info.fps, info.dropFrame)) : null,
            codec: info.codec, pixFmt: info.pixFmt, bitDepth: info.bitDepth, width: info.width, height: info.height,
            frameHashes: prov.sourceHashes ?? null,
          },
          task, engine: prov.engine, model: prov.model ?? null, modelHash: prov.modelHash ?? null, seed: prov.seed ?? null,
          params: prov.params, metrics: prov.metrics, wallSeconds: prov.wallSeconds, versions: toolVersions(), request,
        };
        await writeFileAtomic(sidecarPath, JSON.stringify(sidecar, null, 2) + '\n');
        return [{ path: finalPath, kind: sequence ? 'sequence' : 'movie', frames: frameCount, fps, timecode: startTimecode, firstFrame, width, height, sidecar: sidecarPath }];
      } catch (e) {
        if (tmp) {
          await rm(tmp, { recursive: true, force: true });
          temps.delete(tmp);
        }
        throw e;
      }
    },
    async abort(o = {}) {
      if (stream) {
        stream.child.kill('SIGKILL');
        await stream.exited;
        stream = null;
      }
      streamable = false;
      for (const t of temps) await rm(t, { recursive: true, force: true });
      temps.clear();
      await rm(partialFile, { force: true });
      if (o.purge) await rm(framesDir, { recursive: true, force: true });
    },
  };
  return writer;
}
