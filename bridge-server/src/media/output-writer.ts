import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { StudioError, sourceFrameToTimecode, timecodeRate, type FloatFrame, type JobOutput, type OutputFormat } from '@synthetic-studio/shared';
import { writeFileAtomic } from './atomic-file.js';
import { streamCopyArgs, videoEncodeArgs, type EncodeSettings } from './encode-args.js';
import { resolveFfmpeg } from './ffmpeg-binaries.js';
import { frameToUint16, hashSamplesBE } from './frame-quantize.js';
import { clipStem, defaultOutputDir, formatExtension, nextVersionedName } from './output-naming.js';
import type { OutputWriter, OutputWriterOptions, Provenance } from './output-types.js';
import { uint16ToBE } from './png-codec.js';
import { isRgbPixFmt } from './pixel-formats.js';
import { ffmpegPath, runTool, stderrTail } from './process.js';
import { decodeArgs, readRawFrames } from './decode.js';
import { probeMedia } from './probe.js';
import { exrSegmentSink, ffmpegSegmentSink, pipedSegmentSink, type SegmentSink } from './segment-encoder.js';
import type { ExrEncodeOptions } from './exr-encode.js';
import { SegmentStore } from './segment-store.js';
import type { MediaInfo } from './types.js';
import { toolVersions } from './versions.js';

/** Raw bytes of one segment at most (48 frames of 1080p RGB 16-bit); bigger frames get shorter segments. */
const SEGMENT_BYTES = 48 * 1920 * 1080 * 3 * 2;

/** Frames per segment: 48, fewer for frames above 1080p (≥ 8); SYNTHETIC_STUDIO_SEGMENT_FRAMES overrides (new jobs only). */
export function segmentFramesFor(width: number, height: number, channels: number): number {
  const env = Number(process.env.SYNTHETIC_STUDIO_SEGMENT_FRAMES);
  if (Number.isInteger(env) && env > 0) return env;
  return Math.max(8, Math.min(48, Math.floor(SEGMENT_BYTES / (width * height * channels * 2))));
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** A hard link where possible (same volume: instant, no extra space), else a copy. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw e;
    await copyFile(from, to, 1 /* COPYFILE_EXCL */);
  }
}

/** One line of an ffconcat list: a quoted absolute path. */
function concatLine(path: string): string {
  return `file '${path.replace(/'/g, "'\\''")}'`;
}

/** PCM codec for a WAV of a source audio stream: the source's own sample format when it is PCM, else 24-bit. */
function wavCodec(codec: string): string {
  const m = /^pcm_(s16|s24|s32|f32|f64)/.exec(codec);
  return m ? `pcm_${m[1]}le` : 'pcm_s24le';
}

/**
 * The one way results leave a job (see SegmentStore for the checkpoints). Movies are the
 * concatenation of their encoded segments by stream copy plus the range's audio, timecode and
 * colour tags; image sequences are the segments' files linked into place under their final names
 * (with the range's audio as a WAV beside them). Nothing is overwritten: the result is made under
 * a hidden temp name in the destination and moved into place; `abort` removes temp outputs.
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
  const wantAudio = !!(opts.audio ?? request.output.audio) && info.audio.length > 0 && keepsTiming;
  if (firstFrame < 0 && sequence) throw new StudioError('E_OUTPUT', `Image sequences are numbered by source frame; frame ${firstFrame} is before the start of the clip. Choose a movie format.`);
  const caps = resolveFfmpeg();
  // EXR: the built-in writer (any ffmpeg). HALF keeps every code of a ≤ 10-bit source exactly;
  // deeper sources get FLOAT so nothing is lost. Code values are stored as they are (not linearised).
  const exr: ExrEncodeOptions | null = format === 'exr'
    ? { pixelType: info.bitDepth > 10 ? 'float' : 'half', compression: 'zip', timecode: startTimecode, fps, dropFrame: rate.dropFrame, color: info.color, pixelAspect: info.sampleAspect }
    : null;

  const settings = (first: number, timecode: string | null, audio: boolean): EncodeSettings => ({
    color: info.color, sampleAspect: info.sampleAspect, timecode, channels, audio, firstFrame: first, rgbSource: isRgbPixFmt(info.pixFmt),
  });
  const rawInput = ['-f', 'rawvideo', '-pix_fmt', channels === 4 ? 'rgba64be' : 'rgb48be', '-s', `${width}x${height}`, '-framerate', `${fps.num}/${fps.den}`, '-i', 'pipe:0', '-map', '0:v:0'];
  const segmentArgs = (first: number, target: string) => ['-v', 'error', '-nostdin', '-y', ...rawInput, ...videoEncodeArgs(format, { ...settings(first, null, false), segment: true }, target)];
  const segTarget = (dir: string) => (sequence ? join(dir, `%07d${ext}`) : dir);
  const store = await SegmentStore.open({
    workDir: opts.workDir, frameCount, width, height, channels, kind: sequence ? 'files' : 'movie', ext,
    segmentFrames: segmentFramesFor(width, height, channels),
    geometry: JSON.stringify({ width, height, channels, firstFrame, frameCount }),
    signature: JSON.stringify(exr ? { exr, writer: 'built-in' } : { args: segmentArgs(0, '<target>'), ffmpeg: [caps.ffmpeg.path, caps.ffmpeg.version] }),
    keepFrames: (process.env.SYNTHETIC_STUDIO_FRAME_CHECKPOINTS as 'auto' | 'always' | 'never' | undefined) ?? 'auto',
    openSink: (seg, target): SegmentSink =>
      exr
        ? exrSegmentSink(target, { first: firstFrame + seg.first, width, height, channels }, { ...exr, timecodeOffset: seg.first })
        : ffmpegSegmentSink(segmentArgs(firstFrame + seg.first, ffmpegPath(segTarget(target))), `${format} segment ${seg.index}`),
    signal: opts.signal,
  });
  const hashFile = (k: number) => join(store.framesDir, `hash-${k}.txt`);

  const partialFile = join(opts.workDir, 'partial.json');
  // temp outputs left in the destination by a run that was killed
  const stale = await readFile(partialFile, 'utf8').catch(() => null);
  if (stale) {
    for (const p of JSON.parse(stale).paths ?? [JSON.parse(stale).path]) await rm(p, { recursive: true, force: true });
    await rm(partialFile, { force: true });
  }
  const temps = new Set<string>();
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

  /** A hidden temp name in the destination, recorded so a resumed run can remove it. */
  async function newTemp(suffix: string): Promise<string> {
    const d = await destination();
    const tmp = join(d.dir, `.${d.name}.partial-${randomBytes(4).toString('hex')}${suffix}`);
    temps.add(tmp);
    await writeFileAtomic(partialFile, JSON.stringify({ paths: [...temps] }), false);
    return tmp;
  }

  async function dropTemp(p: string): Promise<void> {
    await rm(p, { recursive: true, force: true });
    temps.delete(p);
  }

  async function ffmpeg(args: string[], what: string): Promise<void> {
    const r = await runTool(caps.ffmpeg.path, ['-v', 'error', '-nostdin', '-y', ...args], { signal: opts.signal });
    if (r.code !== 0) throw new StudioError('E_FFMPEG', `${what} failed: ${stderrTail(r.stderr)}`, { stderr: stderrTail(r.stderr, 10) });
  }

  const audioWindow = () => ['-ss', ((firstFrame * fps.den) / fps.num).toFixed(6), '-t', ((frameCount * fps.den) / fps.num).toFixed(6), '-i', ffmpegPath(info.path)];

  /** Movie: the segments joined by stream copy (exact per-segment durations, so timestamps stay on the frame grid), plus audio, timecode and tags. */
  async function joinSegments(): Promise<string> {
    const list = ['ffconcat version 1.0'];
    const usec = (slotIndex: number) => Math.round((slotIndex * fps.den * 1e6) / fps.num);
    for (let s = 0; s < store.segments; s++) {
      const { first, count } = store.range(s);
      list.push(concatLine(resolve(store.segmentPath(s))), `duration ${((usec(first + count) - usec(first)) / 1e6).toFixed(6)}`);
    }
    const listPath = join(store.segmentsDir, 'concat.ffconcat');
    await writeFileAtomic(listPath, list.join('\n') + '\n', false);
    const tmp = await newTemp(ext);
    const args = ['-f', 'concat', '-safe', '0', '-i', ffmpegPath(listPath)];
    if (wantAudio) args.push(...audioWindow(), '-map', '0:v:0', '-map', '1:a');
    else args.push('-map', '0:v:0');
    args.push(...streamCopyArgs(format, settings(firstFrame, startTimecode, wantAudio), ffmpegPath(tmp)));
    await ffmpeg(args, `Joining the ${format} segments`);
    return tmp;
  }

  /** Sequence: every segment's files linked (or copied) into a temp folder under their final names. */
  async function gatherSequence(name: string): Promise<string> {
    const tmp = await newTemp('');
    await mkdir(tmp);
    for (let s = 0; s < store.segments; s++) {
      const dir = store.segmentPath(s);
      for (const f of (await readdir(dir)).sort()) await linkOrCopy(join(dir, f), join(tmp, `${name}.${f}`));
    }
    return tmp;
  }

  /** Sequence with audio: each audio stream of the range as PCM WAV (same sample rate) to a temp name. */
  async function audioWavs(): Promise<string[]> {
    const out: string[] = [];
    for (let a = 0; a < info.audio.length; a++) {
      const tmp = await newTemp('.wav');
      await ffmpeg([...audioWindow(), '-map', `0:a:${a}`, '-vn', '-c:a', wavCodec(info.audio[a].codec), '-f', 'wav', ffmpegPath(tmp)], 'Writing the audio WAV');
      out.push(tmp);
    }
    return out;
  }

  async function frameHashOf(k: number): Promise<string> {
    const saved = await readFile(hashFile(k), 'utf8').catch(() => null);
    if (saved && /^[0-9a-f]{64}$/.test(saved)) return saved;
    throw new StudioError('E_INTERNAL', `The hash of output frame ${firstFrame + k} was not recorded.`);
  }

  const writer: OutputWriter = {
    firstFrame,
    frameCount,
    has(index) {
      return store.has(slot(index));
    },
    missing() {
      const out: number[] = [];
      for (let k = 0; k < frameCount; k++) if (!store.has(k)) out.push(firstFrame + k);
      return out;
    },
    async write(index, frame: FloatFrame) {
      if (frame.width !== width || frame.height !== height) {
        throw new StudioError('E_INTERNAL', `Frame ${index} is ${frame.width}x${frame.height}; this output is ${width}x${height}.`);
      }
      if (store.has(slot(index))) return;
      await writer.writeRaw(index, uint16ToBE(frameToUint16(frame, channels)));
    },
    async writeRaw(index, be: Uint8Array) {
      const k = slot(index);
      if (opts.signal?.aborted) throw new StudioError('E_CANCELLED');
      if (be.byteLength !== width * height * channels * 2) {
        throw new StudioError('E_INTERNAL', `Frame ${index} has ${be.byteLength} bytes; this output needs ${width}x${height}x${channels} 16-bit samples.`);
      }
      if (store.has(k)) return;
      // the sidecar's first/last frame hashes, durable before the frame can be
      if (k === 0 || k === frameCount - 1) await writeFileAtomic(hashFile(k), hashSamplesBE(width, height, channels, be));
      await store.put(k, be);
    },
    async passThrough(source) {
      const piped = !exr && info.intraOnly && !info.vfr && source.channels === channels && width === info.width && height === info.height && fps.num * info.fps.den === info.fps.num * fps.den && firstFrame >= 0 && firstFrame + frameCount <= info.frameCount;
      const hashes: { first?: string; last?: string } = {};
      if (!piped || process.env.SYNTHETIC_STUDIO_NO_PASSTHROUGH === '1') return { frames: 0, hashes };
      let written = 0;
      for (let s = 0; s < store.segments; s++) {
        if (!store.untouched(s)) continue;
        if (opts.signal?.aborted) throw new StudioError('E_CANCELLED');
        const { first, count } = store.range(s);
        // the sidecar's first/last output frame hashes come from a one-frame decode
        for (const k of [0, frameCount - 1]) {
          if (k < first || k >= first + count) continue;
          for await (const f of readRawFrames(info.path, { info, in: firstFrame + k, out: firstFrame + k + 1, channels, signal: opts.signal, byteOrder: 'be' })) {
            const h = hashSamplesBE(width, height, channels, f.data);
            await writeFileAtomic(hashFile(k), h);
            if (k === 0) hashes.first = h;
            if (k === frameCount - 1) hashes.last = h;
          }
        }
        const dec = decodeArgs(info, firstFrame + first, count, channels, undefined, 'be'); // as readRawFrames with byteOrder 'be'
        await store.encodeWhole(s, (seg, target) => pipedSegmentSink(dec, segmentArgs(firstFrame + seg.first, ffmpegPath(segTarget(target))), `${format} segment ${seg.index}`, async () => {
          // a decoder that stopped early is no error to the encoder: count what it made
          const made = sequence ? (await readdir(target)).length : (await probeMedia(target, { signal: opts.signal })).frameCount;
          if (made !== seg.count) throw new StudioError('E_MEDIA_CORRUPT', `${info.path}: decoded only ${made} of the ${seg.count} frames from ${firstFrame + seg.first}; the file is truncated or damaged.`, { path: info.path });
        }));
        written += count;
        source.onSegment?.(written);
      }
      return { frames: written, hashes };
    },
    async finalize(prov: Provenance): Promise<JobOutput[]> {
      const missing = writer.missing();
      if (missing.length) throw new StudioError('E_INTERNAL', `Cannot finalize: ${missing.length} frames not written (first missing: ${missing[0]}).`, { missing: missing.slice(0, 20) });
      await store.flush();
      const made: string[] = [];
      try {
        const d = await destination();
        let name = d.name;
        const body = sequence ? await gatherSequence(name) : await joinSegments();
        made.push(body);
        const wavs = sequence && wantAudio ? await audioWavs() : [];
        made.push(...wavs);
        const wavName = (n: string, a: number) => join(d.dir, a === 0 ? `${n}.wav` : `${n}.audio${a + 1}.wav`);
        // Into place without ever overwriting: link() fails if the name exists (then take the next
        // version); a folder is renamed only when the name is still free.
        let finalPath = join(d.dir, sequence ? name : `${name}${ext}`);
        for (let attempt = 0; ; attempt++) {
          try {
            if (sequence) {
              for (let a = 0; a < wavs.length; a++) if (await exists(wavName(name, a))) throw Object.assign(new Error(`${wavName(name, a)} exists`), { code: 'EEXIST' });
              if (await exists(finalPath)) throw Object.assign(new Error('the name is taken'), { code: 'EEXIST' });
              await rename(body, finalPath);
            } else {
              await link(body, finalPath);
              await unlink(body);
            }
            temps.delete(body);
            break;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || d.requested || attempt > 20) {
              throw new StudioError('E_OUTPUT', `Cannot move the output into place at ${finalPath}: ${(e as Error).message}`, { path: finalPath });
            }
            name = (await nextVersionedName(d.dir, clipStem(info.path), task)).name;
            finalPath = join(d.dir, sequence ? name : `${name}${ext}`);
          }
        }
        const audioFiles: string[] = [];
        for (let a = 0; a < wavs.length; a++) {
          const p = wavName(name, a);
          try {
            await link(wavs[a], p);
          } catch (e) {
            throw new StudioError('E_OUTPUT', `Cannot move the audio into place at ${p}: ${(e as Error).message}`, { path: p });
          }
          await dropTemp(wavs[a]);
          audioFiles.push(p);
        }
        await rm(partialFile, { force: true });
        const sidecarPath = join(d.dir, `${name}.json`);
        const sidecar = {
          schema: 'synthetic-studio/sidecar@1',
          createdAt: new Date().toISOString(),
          output: {
            path: finalPath, format, kind: sequence ? 'sequence' : 'movie', frames: frameCount, firstFrame, fps, timecode: startTimecode,
            dropFrame: rate.dropFrame, width, height, channels, sampleAspect: info.sampleAspect, color: info.color, audio: wantAudio,
            ...(sequence ? { audioFiles } : {}),
            ...(exr ? { exr: { writer: 'built-in', pixelType: exr.pixelType, compression: exr.compression, linear: false } } : {}),
            frameHashes: { first: await frameHashOf(0), last: await frameHashOf(frameCount - 1) },
          },
          source: sourceProvenance(info, range, prov),
          task, engine: prov.engine, model: prov.model ?? null, modelHash: prov.modelHash ?? null, seed: prov.seed ?? null,
          params: prov.params, metrics: prov.metrics, wallSeconds: prov.wallSeconds, versions: toolVersions(), request,
        };
        await writeFileAtomic(sidecarPath, JSON.stringify(sidecar, null, 2) + '\n');
        return [{ path: finalPath, kind: sequence ? 'sequence' : 'movie', frames: frameCount, fps, timecode: startTimecode, firstFrame, width, height, sidecar: sidecarPath }];
      } catch (e) {
        for (const p of made) if (temps.has(p)) await dropTemp(p);
        throw e;
      }
    },
    async abort(o = {}) {
      await store.abort(!!o.purge);
      for (const t of temps) await rm(t, { recursive: true, force: true });
      temps.clear();
      await rm(partialFile, { force: true });
    },
  };
  return writer;
}

function sourceProvenance(info: MediaInfo, range: { in: number; out: number }, prov: Provenance) {
  return {
    path: resolve(info.path), range, fps: info.fps, frameCount: info.frameCount, startTimecode: info.startTimecode,
    timecodeAtIn: info.startTimecode ? sourceFrameToTimecode(range.in, info.startTimecode, timecodeRate(info.fps, info.dropFrame)) : null,
    codec: info.codec, pixFmt: info.pixFmt, bitDepth: info.bitDepth, width: info.width, height: info.height,
    frameHashes: prov.sourceHashes ?? null,
  };
}
