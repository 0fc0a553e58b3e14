import { StudioError, type OutputFormat, type Rational } from '@synthetic-studio/shared';
import { videoEncodeArgs, type EncodeSettings } from './encode-args.js';
import { ffmpegPath } from './process.js';
import { ffmpegSegmentSink } from './segment-encoder.js';

export interface StreamEncoderOptions extends Partial<Omit<EncodeSettings, 'channels'>> {
  width: number;
  height: number;
  fps: Rational;
  format: OutputFormat;
  /** Movie path, or an image2 pattern such as `dir/name.%07d.png` for sequences. */
  output: string;
  channels?: 3 | 4;
  signal?: AbortSignal;
}

export interface StreamEncoder {
  /** Write one frame of 16-bit samples (native order); resolves when ffmpeg has taken it (backpressure). */
  write(samples: Uint16Array): Promise<void>;
  /** Finish the file; throws E_FFMPEG when ffmpeg failed. */
  close(): Promise<void>;
  /** Kill ffmpeg (the caller removes the partial file). */
  kill(): void;
}

/**
 * Encode frames streamed as raw 16-bit RGB(A) into ffmpeg's stdin (the output writer's segment
 * encoder, on native-order samples) — no intermediate files. Used
 * by the sample renderer and the benchmark's streaming path; jobs go through the output writer.
 */
export function createStreamEncoder(o: StreamEncoderOptions): StreamEncoder {
  const channels = o.channels ?? 3;
  const settings: EncodeSettings = {
    color: o.color ?? { primaries: null, transfer: null, matrix: null, range: null },
    sampleAspect: o.sampleAspect ?? { num: 1, den: 1 },
    timecode: o.timecode ?? null,
    channels,
    audio: false,
    firstFrame: o.firstFrame ?? 0,
    bitDepth: o.bitDepth,
  };
  const args = [
    '-v', 'error', '-nostdin', '-y', '-f', 'rawvideo', '-pix_fmt', channels === 4 ? 'rgba64le' : 'rgb48le', '-s', `${o.width}x${o.height}`,
    '-framerate', `${o.fps.num}/${o.fps.den}`, '-i', 'pipe:0', ...videoEncodeArgs(o.format, settings, ffmpegPath(o.output)),
  ];
  const sink = ffmpegSegmentSink(args, o.output);
  const onAbort = () => void sink.kill();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const frameSamples = o.width * o.height * channels;
  return {
    async write(samples) {
      if (o.signal?.aborted) throw new StudioError('E_CANCELLED');
      if (samples.length !== frameSamples) throw new StudioError('E_INTERNAL', `Frame has ${samples.length} samples, expected ${frameSamples}.`);
      await sink.write(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
    },
    async close() {
      const failure = await sink.close().then(() => null, (e: unknown) => e);
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted) throw new StudioError('E_CANCELLED');
      if (failure) throw failure;
    },
    kill() {
      void sink.kill();
    },
  };
}
