import { StudioError, type OutputFormat, type Rational } from '@synthetic-studio/shared';
import type { ColorInfo } from './types.js';

export interface EncodeSettings {
  color: ColorInfo;
  sampleAspect: Rational;
  /** Start timecode written to the tmcd track (movies). */
  timecode?: string | null;
  channels: 3 | 4;
  /** Audio is mapped in by the caller; this picks its codec. */
  audio: boolean;
  /** Number of the first file of an image sequence. */
  firstFrame: number;
  /** h264 only: 8 (yuv420p, default) or 10 (yuv420p10le). */
  bitDepth?: number;
  /** The source is RGB (PNG/TIFF/EXR movies, sequences): YUV outputs then use and tag BT.709. */
  rgbSource?: boolean;
  /**
   * One of several segments joined later by stream copy: H.264 then has no B-frames, so every
   * segment's decode timestamps equal its presentation timestamps and the joins stay on the grid.
   */
  segment?: boolean;
}

/** ffmpeg scale-filter matrix name for a source matrix (untagged → BT.601, ffmpeg's default). */
export function scaleMatrix(matrix: string | null): string {
  if (!matrix) return 'bt601';
  if (matrix === 'bt709') return 'bt709';
  if (matrix.startsWith('bt2020')) return 'bt2020';
  if (matrix === 'smpte240m') return 'smpte240m';
  if (matrix === 'fcc') return 'fcc';
  return 'bt601';
}

/** Colour tags of a YUV output (what the encoder converts to and what the container says). */
function yuvTags(s: EncodeSettings): { c: ColorInfo; tags: string[]; yuvRange: 'pc' | 'tv' } {
  // An RGB source has no YUV matrix ('gbr' or none) and is full range: YUV outputs get BT.709 at
  // limited range (what ProRes/H.264 players assume), and say so.
  const c = s.rgbSource || s.color.matrix === 'gbr' ? { ...s.color, matrix: 'bt709', range: 'tv' as const } : s.color;
  const tags: string[] = [];
  if (c.primaries) tags.push('-color_primaries', c.primaries);
  if (c.transfer) tags.push('-color_trc', c.transfer);
  if (c.matrix) tags.push('-colorspace', c.matrix);
  return { c, tags, yuvRange: c.range === 'pc' ? 'pc' : 'tv' };
}

/**
 * Output-side arguments that join already-encoded segments of a movie format into the final file
 * by stream copy (the input is the concat demuxer, audio mapped in by the caller): the same
 * container, colour tags (ffmpeg applies them to copied streams too), timecode and audio codec as
 * `videoEncodeArgs`; the pixels and sample aspect come with the segments.
 */
export function streamCopyArgs(format: OutputFormat, s: EncodeSettings, target: string): string[] {
  const { tags, yuvRange } = yuvTags(s);
  const args = ['-c:v', 'copy', ...tags, '-color_range', yuvRange, ...(s.timecode ? ['-timecode', s.timecode] : [])];
  switch (format) {
    case 'prores':
    case 'prores4444':
      if (s.audio) args.push('-c:a', 'pcm_s24le');
      args.push('-movflags', '+write_colr', '-f', 'mov', target);
      return args;
    case 'h264':
      if (s.audio) args.push('-c:a', 'aac', '-b:a', '256k');
      args.push('-movflags', '+faststart+write_colr', '-f', 'mp4', target);
      return args;
    default:
      throw new StudioError('E_OUTPUT', `${String(format)} is not a movie format.`);
  }
}

/**
 * Output-side ffmpeg arguments (filters, codec, tags, muxer; the target path comes last) for
 * 16-bit RGB(A) input. One place for every format, used by the output writer and the sample
 * renderer. RGB → YUV uses the matrix the colour tags name, the inverse of the decode.
 */
export function videoEncodeArgs(format: OutputFormat, s: EncodeSettings, target: string): string[] {
  const sar = `${s.sampleAspect.num}/${s.sampleAspect.den}`;
  const { c, tags, yuvRange } = yuvTags(s);
  const toYuv = `scale=out_color_matrix=${scaleMatrix(c.matrix)}:out_range=${yuvRange},setsar=${sar}`;
  const tc = s.timecode ? ['-timecode', s.timecode] : [];
  const args: string[] = [];
  switch (format) {
    case 'prores':
      // bits_per_mb 2700 (prores_ks' HQ default is about half): a decode → re-encode generation
      // then stays ≥ 50 dB PSNR against its source on detailed footage; decoders are unaffected.
      args.push('-vf', toYuv, '-c:v', 'prores_ks', '-profile:v', '3', '-bits_per_mb', '2700', '-vendor', 'apl0', '-pix_fmt', 'yuv422p10le', ...tags, '-color_range', yuvRange, ...tc);
      if (s.audio) args.push('-c:a', 'pcm_s24le');
      args.push('-movflags', '+write_colr', '-f', 'mov', target);
      break;
    case 'prores4444':
      args.push('-vf', toYuv, '-c:v', 'prores_ks', '-profile:v', '4', '-vendor', 'apl0', '-alpha_bits', '16', '-pix_fmt', s.channels === 4 ? 'yuva444p10le' : 'yuv444p10le', ...tags, '-color_range', yuvRange, ...tc);
      if (s.audio) args.push('-c:a', 'pcm_s24le');
      args.push('-movflags', '+write_colr', '-f', 'mov', target);
      break;
    case 'h264':
      args.push('-vf', toYuv, '-c:v', 'libx264', '-preset', 'medium', '-crf', '16', ...(s.segment ? ['-bf', '0'] : []), '-pix_fmt', (s.bitDepth ?? 8) > 8 ? 'yuv420p10le' : 'yuv420p', ...tags, '-color_range', yuvRange, ...tc);
      if (s.audio) args.push('-c:a', 'aac', '-b:a', '256k');
      args.push('-movflags', '+faststart+write_colr', '-f', 'mp4', target);
      break;
    case 'tiff16':
      args.push('-vf', `setsar=${sar}`, '-c:v', 'tiff', '-pix_fmt', s.channels === 4 ? 'rgba64le' : 'rgb48le', '-start_number', String(s.firstFrame), '-f', 'image2', target);
      break;
    case 'png16':
      args.push('-vf', `setsar=${sar}`, '-c:v', 'png', '-pix_fmt', s.channels === 4 ? 'rgba64be' : 'rgb48be', '-start_number', String(s.firstFrame), '-f', 'image2', target);
      break;
    case 'exr':
      args.push('-c:v', 'exr', '-pix_fmt', s.channels === 4 ? 'gbrapf32le' : 'gbrpf32le', '-start_number', String(s.firstFrame), '-f', 'image2', target);
      break;
    default:
      throw new StudioError('E_OUTPUT', `Unknown output format ${String(format)}.`);
  }
  return args;
}
