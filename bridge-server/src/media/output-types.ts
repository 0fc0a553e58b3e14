import type { FloatFrame, JobOutput, JobRequest, OutputFormat, Rational, TaskName } from '@synthetic-studio/shared';
import type { FrameRange, MediaInfo } from './types.js';

export interface OutputWriterOptions {
  /** The job's persistent working folder; checkpoints go to `<workDir>/frames`. */
  workDir: string;
  request: JobRequest;
  /** Probe of the source (colour tags, pixel aspect, audio, names). */
  info: MediaInfo;
  /** The source range the job read. */
  range: FrameRange;
  /**
   * Source frame number of the first output frame (numbering of sequences, timecode). Defaults
   * to range.in; for extend-after it is range.out (timecode continues), for extend-before it is
   * range.in - frames.
   */
  firstFrame?: number;
  /** Number of output frames; default range.out - range.in. */
  frameCount?: number;
  /** Default: info.fps. */
  fps?: Rational;
  /** Timecode of the first output frame; default: the source timecode at firstFrame. */
  startTimecode?: string | null;
  /** Output size; default the source size (spatial extend changes it). */
  width?: number;
  height?: number;
  /** Default request.output.format. `prores` with alpha frames becomes ProRes 4444. */
  format?: OutputFormat;
  /** Destination folder (default request.output.dir, else beside the source). */
  outputDir?: string;
  /** Exact destination path (default request.output.path); must not exist. */
  outputPath?: string;
  /** Task name used in the output file name (default request.task). */
  task?: TaskName | string;
  /** Copy the source audio of the range (only when the timing is kept). Default request.output.audio. */
  audio?: boolean;
  /** 3 or 4 (alpha) channels in the frames you write. Default 3. */
  channels?: 3 | 4;
  signal?: AbortSignal;
}

export interface Provenance {
  engine: string;
  model?: string | null;
  modelHash?: string | null;
  seed?: number | null;
  params: unknown;
  metrics: Record<string, number>;
  wallSeconds: number;
  /** frameHash() of the first and last SOURCE frames the job decoded (for the sidecar). */
  sourceHashes?: { first?: string; last?: string };
}

export interface OutputWriter {
  /** Output frame numbers are SOURCE frame numbers: firstFrame … firstFrame + frameCount - 1. */
  readonly firstFrame: number;
  readonly frameCount: number;
  /** True when frame `index` is already checkpointed (a resumed job skips it). */
  has(index: number): boolean;
  /** Indices not yet checkpointed, in order. */
  missing(): number[];
  /** Checkpoint one frame durably (16-bit PNG, fsync, atomic rename). */
  write(index: number, frame: FloatFrame): Promise<void>;
  /**
   * The same from raw big-endian 16-bit samples (readRawFrames with byteOrder 'be'): the lossless
   * fast path for frames that pass through unchanged. The buffer is handed over (not copied).
   */
  writeRaw(index: number, samplesBE: Uint8Array): Promise<void>;
  /**
   * For frames that pass through unchanged (copy): every segment not yet begun whose frames are
   * the source's own frames at the same numbers is encoded with a decoder piped straight into the
   * segment's encoder, so no pixel passes through this process; returns how many output frames
   * that wrote (progress after each segment) and the frameHash of the first/last output frame when
   * it decoded them (for the sidecar; they are the source's frames). Only for intra-coded, constant-rate sources of the
   * output's size, where a seek per segment costs nothing, and formats ffmpeg encodes; otherwise
   * it writes nothing. The decoder and encoder commands are the ones `writeRaw` frames go
   * through, so the bytes are the same either way. Frames left are written with `writeRaw`.
   */
  passThrough(source: { channels: 3 | 4; onSegment?: (framesDone: number) => void }): Promise<{ frames: number; hashes: { first?: string; last?: string } }>;
  /** Encode the outputs from the checkpoints, write sidecars, rename into place atomically. */
  finalize(provenance: Provenance): Promise<JobOutput[]>;
  /** Remove temp files in the destination (checkpoints stay for a resume unless `purge`). */
  abort(opts?: { purge?: boolean }): Promise<void>;
}
