import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  StudioError, sourceFrameToTimecode, timecodeRate, type FloatFrame, type JobOutput, type OutputFormat,
} from '@synthetic-studio/shared';
import { resolveFfmpeg } from './ffmpeg-binaries.js';
import { frameToUint16, hashUint16 } from './frame-quantize.js';
import { clipStem, defaultOutputDir, formatExtension, nextVersionedName, sequenceFrameName } from './output-naming.js';
import { decodePng, encodePng16 } from './png-codec.js';
import { videoEncodeArgs } from './encode-args.js';
import { ffmpegPath, runTool, stderrTail } from './process.js';
import type { OutputWriter, OutputWriterOptions, Provenance } from './output-types.js';
import { toolVersions } from './versions.js';

const CHECKPOINT_LEVEL = Number(process.env.SYNTHETIC_STUDIO_CHECKPOINT_ZLIB ?? 1);

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

/** Write a file so that it is either complete or absent: temp file, fsync, rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}


/**
 * The one way results leave a job. Frames are checkpointed as 16-bit PNGs in `<workDir>/frames`
 * (atomic, fsynced), so a killed job resumes where it stopped and — because the final encode
 * always reads the checkpoints — produces byte-identical outputs to an uninterrupted run.
 * `finalize` encodes into a temp name inside the destination folder and renames it into place.
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
  const task = String(opts.task ?? request.task);
  const rate = timecodeRate(fps, info.dropFrame && fps.num === info.fps.num && fps.den === info.fps.den);
  const startTimecode =
    opts.startTimecode !== undefined && opts.startTimecode !== null
      ? opts.startTimecode
      : sourceFrameToTimecode(firstFrame, info.startTimecode ?? (rate.dropFrame ? '00:00:00;00' : '00:00:00:00'), rate);
  const keepsTiming = firstFrame >= 0 && firstFrame + frameCount <= info.frameCount && fps.num * info.fps.den === info.fps.num * fps.den;
  const wantAudio = (opts.audio ?? request.output.audio) && info.audio.length > 0 && keepsTiming;

  const framesDir = join(opts.workDir, 'frames');
  await mkdir(framesDir, { recursive: true });
  const stateFile = join(opts.workDir, 'writer.json');
  const state = JSON.stringify({ width, height, channels, firstFrame, frameCount });
  const previous = await readFile(stateFile, 'utf8').catch(() => null);
  if (previous !== null && previous !== state) {
    // checkpoints of another geometry: unusable for this run
    await rm(framesDir, { recursive: true, force: true });
    await mkdir(framesDir, { recursive: true });
  }
  if (previous !== state) await writeFileAtomic(stateFile, state);
  const done = new Set<number>();
  for (const e of await readdir(framesDir)) {
    const m = /^(\d{8})\.png$/.exec(e);
    if (m && Number(m[1]) < frameCount) done.add(Number(m[1]));
    else if (e.includes('.tmp-')) await rm(join(framesDir, e), { force: true }); // a write cut short by a crash
  }
  const temps = new Set<string>();

  const slot = (index: number): number => {
    const k = index - firstFrame;
    if (!Number.isInteger(k) || k < 0 || k >= frameCount) {
      throw new StudioError('E_INTERNAL', `Output frame ${index} is outside [${firstFrame}, ${firstFrame + frameCount}).`);
    }
    return k;
  };

  async function checkpointHash(k: number): Promise<string> {
    const png = decodePng(await readFile(join(framesDir, ckName(k))));
    return hashUint16(png.width, png.height, png.channels, png.samples as Uint16Array);
  }

  function encodeArgs(target: string): string[] {
    const args = ['-v', 'error', '-nostdin', '-y', '-framerate', `${fps.num}/${fps.den}`, '-start_number', '0', '-i', ffmpegPath(join(framesDir, '%08d.png'))];
    const sequence = formatExtension(format).sequence;
    if (wantAudio && !sequence) {
      const t0 = (firstFrame * fps.den) / fps.num;
      const dur = (frameCount * fps.den) / fps.num;
      args.push('-ss', t0.toFixed(6), '-t', dur.toFixed(6), '-i', ffmpegPath(info.path), '-map', '0:v:0', '-map', '1:a');
    } else args.push('-map', '0:v:0');
    return [...args, ...videoEncodeArgs(format, { color: info.color, sampleAspect: info.sampleAspect, timecode: startTimecode, channels, audio: wantAudio && !sequence, firstFrame }, target)];
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
      const k = slot(index);
      if (opts.signal?.aborted) throw new StudioError('E_CANCELLED');
      if (frame.width !== width || frame.height !== height) {
        throw new StudioError('E_INTERNAL', `Frame ${index} is ${frame.width}x${frame.height}; this output is ${width}x${height}.`);
      }
      const samples = frameToUint16(frame, channels);
      await writeFileAtomic(join(framesDir, ckName(k)), encodePng16(samples, width, height, channels, CHECKPOINT_LEVEL));
      done.add(k);
    },
    async finalize(prov: Provenance): Promise<JobOutput[]> {
      const missing = writer.missing();
      if (missing.length) throw new StudioError('E_INTERNAL', `Cannot finalize: ${missing.length} frames not written (first missing: ${missing[0]}).`, { missing: missing.slice(0, 20) });
      const caps = resolveFfmpeg();
      if (format === 'exr' && !caps.encoders.exr) {
        throw new StudioError('E_OUTPUT', `This ffmpeg (${caps.ffmpeg.version}, ${caps.ffmpeg.source}) cannot write EXR; choose tiff16 or set FFMPEG_PATH to an ffmpeg with the exr encoder.`);
      }
      const { ext, sequence } = formatExtension(format);
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
      const token = randomBytes(4).toString('hex');
      const tmp = join(dir, `.${name}.partial-${token}${sequence ? '' : ext}`);
      temps.add(tmp);
      try {
        if (sequence) {
          await mkdir(tmp);
          if (format === 'png16') {
            for (let k = 0; k < frameCount; k++) {
              if (opts.signal?.aborted) throw new StudioError('E_CANCELLED');
              const dst = join(tmp, sequenceFrameName(name, firstFrame + k, ext));
              await link(join(framesDir, ckName(k)), dst).catch(() => copyFile(join(framesDir, ckName(k)), dst));
            }
          } else {
            const r = await runTool(caps.ffmpeg.path, encodeArgs(ffmpegPath(join(tmp, `${name}.%07d${ext}`))), { signal: opts.signal });
            if (r.code !== 0) throw new StudioError('E_FFMPEG', `Encoding ${format} failed: ${stderrTail(r.stderr)}`, { stderr: stderrTail(r.stderr, 10) });
          }
        } else {
          const r = await runTool(caps.ffmpeg.path, encodeArgs(ffmpegPath(tmp)), { signal: opts.signal });
          if (r.code !== 0) throw new StudioError('E_FFMPEG', `Encoding ${format} failed: ${stderrTail(r.stderr)}`, { stderr: stderrTail(r.stderr, 10) });
        }
        // Into place without ever overwriting: link() fails if the name exists (then take the next
        // version); a folder is renamed only when the name is still free.
        let finalPath = join(dir, sequence ? name : `${name}${ext}`);
        for (let attempt = 0; ; attempt++) {
          try {
            if (sequence) {
              if (await exists(finalPath)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
              await rename(tmp, finalPath);
            } else {
              await link(tmp, finalPath);
              await unlink(tmp);
            }
            break;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || requestedPath || sequence || attempt > 20) {
              throw new StudioError('E_OUTPUT', `Cannot move the output into place at ${finalPath}: ${(e as Error).message}`, { path: finalPath });
            }
            name = (await nextVersionedName(dir, clipStem(info.path), task)).name;
            finalPath = join(dir, `${name}${ext}`);
          }
        }
        temps.delete(tmp);
        const sidecarPath = join(dir, `${name}.json`);
        const outHashes = { first: await checkpointHash(0), last: await checkpointHash(frameCount - 1) };
        const sidecar = {
          schema: 'synthetic-studio/sidecar@1',
          createdAt: new Date().toISOString(),
          output: {
            path: finalPath, format, kind: sequence ? 'sequence' : 'movie', frames: frameCount, firstFrame, fps, timecode: startTimecode,
            dropFrame: rate.dropFrame, width, height, channels, sampleAspect: info.sampleAspect, color: info.color, audio: wantAudio && !sequence,
            frameHashes: outHashes,
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
        await rm(tmp, { recursive: true, force: true });
        temps.delete(tmp);
        throw e;
      }
    },
    async abort(o = {}) {
      for (const t of temps) await rm(t, { recursive: true, force: true });
      temps.clear();
      if (o.purge) await rm(framesDir, { recursive: true, force: true });
    },
  };
  return writer;
}
