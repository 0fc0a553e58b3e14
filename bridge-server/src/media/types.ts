import type { FloatFrame, Rational } from '@synthetic-studio/shared';

/** Colour description of a stream, in ffmpeg's names (`bt709`, `smpte170m`, `arib-std-b67`, …). */
export interface ColorInfo {
  primaries: string | null;
  transfer: string | null;
  matrix: string | null;
  /** `tv` (limited) or `pc` (full); null when the file does not say. */
  range: 'tv' | 'pc' | null;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  channels: number;
  sampleRate: number;
  channelLayout: string | null;
}

/** What `probeMedia` learns about a clip. Every number a job depends on is exact. */
export interface MediaInfo {
  path: string;
  sizeBytes: number;
  /** ffprobe format name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  container: string;
  codec: string;
  /** Index of the video stream used (ffprobe stream index). */
  streamIndex: number;
  width: number;
  height: number;
  /** Sample (pixel) aspect ratio; 1/1 for square pixels. */
  sampleAspect: Rational;
  /** Display rotation in degrees (0, 90, 180, 270), from the display matrix or `rotate` tag. */
  rotation: number;
  pixFmt: string;
  bitDepth: number;
  hasAlpha: boolean;
  /** Exact frame rate, e.g. 24000/1001. */
  fps: Rational;
  /** Exact number of frames (packets counted when the container does not say). */
  frameCount: number;
  /** Source timecode of frame 0 (`;` before frames for drop-frame), or null. */
  startTimecode: string | null;
  dropFrame: boolean;
  color: ColorInfo;
  audio: AudioStreamInfo[];
  /** Variable frame rate: frame durations differ. */
  vfr: boolean;
  /** Seconds, from the container. */
  duration: number;
  /** Presentation time of the first frame in seconds (non-zero for many camera/broadcast files). */
  startTime: number;
  /** Intra-only codec (every frame a keyframe). */
  intraOnly: boolean;
}

export interface ProbeOptions {
  /** Refuse frames above this many pixels (E_MEDIA_TOO_LARGE). Default DEFAULT_MAX_PIXELS. */
  maxPixels?: number;
  /** Count packets even when the container gives a frame count (also detects VFR). Default true. */
  scanPackets?: boolean;
  signal?: AbortSignal;
}

/** Half-open range of source frames. */
export interface FrameRange {
  in: number;
  out: number;
}

export interface DecodedFrame {
  /** Source frame index. */
  index: number;
  frame: FloatFrame;
}

export interface ReadFramesOptions {
  in?: number;
  out?: number;
  /** 3 = RGB (default), 4 = RGBA (alpha 1.0 when the source has none). */
  channels?: 3 | 4;
  /** Probe result, to skip probing again. */
  info?: MediaInfo;
  signal?: AbortSignal;
  /**
   * VFR sources are refused (E_MEDIA_VFR) unless this is set: then frames are conformed to
   * `conformFps` (or the probed rate) by ffmpeg's fps filter, which duplicates/drops to the
   * constant rate — on explicit request only. Frame indices then count at that rate over the
   * clip's duration (floor(duration · fps) frames).
   */
  conformFps?: Rational | 'average';
  maxPixels?: number;
}

/** Which ffmpeg/ffprobe this process uses and what it can do. */
export interface FfmpegBinary {
  path: string;
  version: string;
  source: 'env' | 'config' | 'system' | 'npm';
}

export interface FfmpegCapabilities {
  ffmpeg: FfmpegBinary;
  ffprobe: FfmpegBinary;
  encoders: { prores: boolean; png: boolean; tiff: boolean; exr: boolean; h264: boolean };
  /** Human-readable list of what this ffmpeg lacks (e.g. "EXR encoder"). */
  missing: string[];
}
