import { spawn } from 'node:child_process';
import { StudioError, type FloatFrame } from '@synthetic-studio/shared';
import { resolveFfmpeg } from './ffmpeg-binaries.js';
import { probeMedia } from './probe.js';
import { ffmpegPath, stderrTail } from './process.js';
import { resolveRange } from './range.js';
import type { DecodedFrame, MediaInfo, ReadFramesOptions } from './types.js';

const INV_65535 = 1 / 65535;

/** How to conform a VFR clip, as a sentence users can act on. */
export function vfrAdvice(info: MediaInfo): string {
  const r = `${info.fps.num}/${info.fps.den}`;
  return `${info.path} is variable frame rate; conform it to a constant rate first, e.g. \`ffmpeg -i "${info.path}" -vf fps=${r} -c:v prores_ks -profile:v 3 -c:a copy conformed.mov\`, or ask for conform explicitly.`;
}

/**
 * The YUV → RGB step, with the matrix and range the file is tagged with. ffmpeg builds before
 * 5.x ignore the tags and convert everything with BT.601, which shifts BT.709 colours; being
 * explicit gives correct colour with every ffmpeg, and the encoder uses the same matrix back.
 */
export function yuvToRgbFilter(info: MediaInfo): string {
  const m = info.color.matrix;
  const matrix = !m ? 'bt601' : m === 'bt709' ? 'bt709' : m.startsWith('bt2020') ? 'bt2020' : m === 'smpte240m' ? 'smpte240m' : m === 'fcc' ? 'fcc' : 'bt601';
  return `scale=in_color_matrix=${matrix}${info.color.range ? `:in_range=${info.color.range}` : ''}`;
}

/** Decoder arguments for [in, out) of a probed clip, output as 16-bit RGB(A) raw video on stdout. */
export function decodeArgs(info: MediaInfo, first: number, count: number, channels: 3 | 4, conform?: ReadFramesOptions['conformFps'], byteOrder: 'le' | 'be' = 'le'): string[] {
  const args = ['-v', 'error', '-nostdin', '-noautorotate'];
  const fps = conform && conform !== 'average' ? conform : info.fps;
  if (first > 0) {
    // Accurate seek to half a frame before the wanted one: ffmpeg decodes from the preceding
    // keyframe and drops every frame earlier than this instant, so the first frame out is
    // exactly `first` (the seek time is relative to the file's start time, so files whose
    // timestamps do not start at zero work too). Verified against a full decode in the tests.
    const t = ((first - 0.5) * fps.den) / fps.num;
    args.push('-ss', t.toFixed(6));
  }
  args.push('-i', ffmpegPath(info.path), '-map', `0:${info.streamIndex}`);
  const filters: string[] = [];
  if (conform) filters.push(`fps=${fps.num}/${fps.den}`);
  filters.push(yuvToRgbFilter(info));
  args.push('-vf', filters.join(','));
  args.push('-frames:v', String(count), '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', `${channels === 4 ? 'rgba64' : 'rgb48'}${byteOrder}`, 'pipe:1');
  return args;
}

/** 16-bit samples (native little-endian) → float frame in [0, 1]; exact inverse of toUint16. */
export function uint16ToFrame(src: Uint16Array, width: number, height: number, channels: 1 | 3 | 4): FloatFrame {
  // uninitialised memory: every sample is written below, and zeroing 25 MB per 1080p frame costs
  // about as much as the conversion itself
  const raw = Buffer.allocUnsafeSlow(src.length * 4);
  const data = new Float32Array(raw.buffer, raw.byteOffset, src.length);
  const n = src.length;
  for (let i = 0; i < n; i++) data[i] = src[i] * INV_65535;
  return { width, height, channels, data };
}

/** One decoded frame as raw 16-bit samples (a fresh buffer the consumer owns). */
export interface RawFrame {
  index: number;
  width: number;
  height: number;
  channels: 3 | 4;
  /** Interleaved 16-bit samples in the requested byte order. */
  data: Buffer;
}

/**
 * Stream [in, out) as raw 16-bit RGB(A) straight from ffmpeg: the lossless fast path for work that
 * does not need float pixels (copy, hashing). Big-endian is PNG's byte order. Memory stays flat:
 * ffmpeg writes into a pipe read only as fast as the consumer pulls frames. Breaking out of the
 * loop or aborting the signal kills the decoder.
 */
export async function* readRawFrames(path: string, opts: ReadFramesOptions & { byteOrder?: 'le' | 'be' } = {}): AsyncGenerator<RawFrame, void, undefined> {
  const probed = opts.info ?? (await probeMedia(path, { maxPixels: opts.maxPixels, signal: opts.signal }));
  if (probed.vfr && !opts.conformFps) throw new StudioError('E_MEDIA_VFR', vfrAdvice(probed), { path });
  // Conforming (asked for explicitly) renumbers frames at the constant rate over the duration.
  const conformRate = opts.conformFps === 'average' ? probed.fps : opts.conformFps;
  const info = conformRate
    ? { ...probed, fps: conformRate, vfr: false, frameCount: Math.max(1, Math.floor((probed.duration * conformRate.num) / conformRate.den + 1e-6)) }
    : probed;
  const range = resolveRange(info, opts.in, opts.out);
  const channels = opts.channels ?? 3;
  const count = range.out - range.in;
  const { width, height } = info;
  const frameBytes = width * height * channels * 2;
  const { ffmpeg } = resolveFfmpeg();
  if (opts.signal?.aborted) throw new StudioError('E_CANCELLED');
  const args = decodeArgs(probed, range.in, count, channels, conformRate, opts.byteOrder);
  const child = spawn(ffmpeg.path, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += b.toString('utf8');
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  let spawnError: Error | undefined;
  child.on('error', (e) => (spawnError = e));
  const onAbort = () => child.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  // uninitialised memory: every byte is overwritten by the decoder's output
  let buf = Buffer.allocUnsafeSlow(frameBytes);
  let filled = 0;
  let index = range.in;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - off);
        chunk.copy(buf, filled, off, off + n);
        filled += n;
        off += n;
        if (filled === frameBytes) {
          if (opts.signal?.aborted) throw new StudioError('E_CANCELLED');
          const data = buf;
          buf = Buffer.allocUnsafeSlow(frameBytes);
          filled = 0;
          yield { index: index++, width, height, channels, data };
          if (index >= range.out) return;
        }
      }
    }
    if (opts.signal?.aborted) throw new StudioError('E_CANCELLED');
    const code = await exited;
    if (spawnError) throw new StudioError('E_FFMPEG', `Cannot start ffmpeg: ${spawnError.message}`);
    if (code !== 0) throw new StudioError('E_FFMPEG', `Decoding ${path} failed: ${stderrTail(stderr)}`, { path, stderr: stderrTail(stderr, 10) });
    if (index < range.out && !(conformRate && index > range.in)) {
      throw new StudioError('E_MEDIA_CORRUPT', `${path}: decoded only ${index - range.in} of the ${count} frames in [${range.in}, ${range.out}); the file is truncated or damaged.`, { path, decoded: index - range.in, expected: count });
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * Stream the frames of [in, out) as float32 RGB(A) in [0, 1], display-referred (see toLinear).
 * Exact for 8–16-bit sources (decoded through 16-bit RGB; v / 65535 inverts exactly). Memory
 * stays flat with clip length (see readRawFrames).
 */
export async function* readFrames(path: string, opts: ReadFramesOptions = {}): AsyncGenerator<DecodedFrame, void, undefined> {
  for await (const r of readRawFrames(path, { ...opts, byteOrder: 'le' })) {
    const samples = new Uint16Array(r.data.buffer, r.data.byteOffset, r.data.byteLength / 2);
    yield { index: r.index, frame: uint16ToFrame(samples, r.width, r.height, r.channels) };
  }
}

/** One frame (previews, mask painting). */
export async function readFrame(path: string, index: number, opts: Omit<ReadFramesOptions, 'in' | 'out'> = {}): Promise<FloatFrame> {
  for await (const f of readFrames(path, { ...opts, in: index, out: index + 1 })) return f.frame;
  throw new StudioError('E_MEDIA_CORRUPT', `${path}: frame ${index} could not be decoded.`, { path, index });
}
