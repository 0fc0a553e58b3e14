import { stat } from 'node:fs/promises';
import { StudioError, type Rational } from '@synthetic-studio/shared';
import { resolveFfmpeg } from './ffmpeg-binaries.js';
import { isSupportedPixFmt, pixFmtBitDepth, pixFmtHasAlpha } from './pixel-formats.js';
import { ffmpegPath, runTool, stderrTail } from './process.js';
import type { AudioStreamInfo, MediaInfo, ProbeOptions } from './types.js';

/** Default largest frame: 8K DCI (8192x4320). Configurable per call / in the bridge config. */
export const DEFAULT_MAX_PIXELS = 8192 * 4320;

const INTRA_CODECS = new Set(['prores', 'dnxhd', 'png', 'tiff', 'mjpeg', 'rawvideo', 'v210', 'ffv1', 'jpeg2000', 'cfhd', 'qtrle', 'dpx', 'exr', 'utvideo', 'huffyuv', 'ffvhuff', 'r210', 'v410']);
const STILL_FORMATS = /(^|,)(image2|png_pipe|jpeg_pipe|tiff_pipe|bmp_pipe|webp_pipe|dpx_pipe|exr_pipe|gif_pipe|j2k_pipe|psd_pipe|svg_pipe|pam_pipe|pgm_pipe|ppm_pipe|pbm_pipe)(,|$)/;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function parseRational(s: unknown): Rational | null {
  if (typeof s !== 'string') return null;
  const m = /^(\d+)[/:](\d+)$/.exec(s);
  if (!m) return null;
  const num = Number(m[1]);
  const den = Number(m[2]);
  if (!num || !den) return null;
  let a = num;
  let b = den;
  while (b) [a, b] = [b, a % b];
  return { num: num / a, den: den / a };
}

/** Snap near-NTSC rates written with a short denominator (2997/100) to their exact form. */
function exactRate(r: Rational): Rational {
  const v = r.num / r.den;
  for (const n of [24, 30, 48, 60, 120]) {
    const ntsc = (n * 1000) / 1001;
    if (Math.abs(v - ntsc) < ntsc * 2e-5 && r.den !== 1001) return { num: n * 1000, den: 1001 };
  }
  return r;
}

function timecodeFrom(tags: Json | undefined): string | null {
  const tc = tags?.timecode ?? tags?.TIMECODE; // Matroska tags are upper case
  return typeof tc === 'string' && /^\d{1,2}[:;.]\d{2}[:;.]\d{2}[:;.]\d{2,3}$/.test(tc) ? tc : null;
}

function corruptMessage(path: string, stderr: string, code = 1): string {
  if (code < 0 || code > 128) return `${path} cannot be read: ffprobe crashed on it (exit ${code}); re-wrap or transcode it to MOV/MP4 first.`;
  if (/moov atom not found/i.test(stderr)) return `${path} is truncated: the MP4/MOV has no moov atom (the recording or export did not finish). Re-export it.`;
  if (/Invalid data found when processing input/i.test(stderr)) return `${path} is not a media file ffmpeg can read (invalid data). Re-export it.`;
  return `${path} cannot be read: ${stderrTail(stderr) || 'ffprobe failed'}`;
}

/**
 * Probe a clip with ffprobe. Exact fps (rational) and frame count (packets are counted), start
 * timecode (tmcd track, stream or format tags; `;` = drop-frame), colour tags, audio streams, VFR.
 * Throws typed StudioErrors for files that cannot be a clip (see the E_MEDIA_* codes).
 */
export async function probeMedia(path: string, opts: ProbeOptions = {}): Promise<MediaInfo> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new StudioError('E_MEDIA_MISSING', `${path} is a folder, not a media file.`, { path });
    size = st.size;
  } catch (e) {
    if (e instanceof StudioError) throw e;
    throw new StudioError('E_MEDIA_MISSING', `Media file not found: ${path}`, { path });
  }
  if (size === 0) throw new StudioError('E_MEDIA_EMPTY', `${path} is empty (0 bytes); re-export or re-copy it.`, { path });

  const { ffprobe } = resolveFfmpeg();
  const input = ffmpegPath(path);
  const r = await runTool(ffprobe.path, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input], { signal: opts.signal, timeoutMs: 60000 });
  let data: Json;
  try {
    data = JSON.parse(r.stdout.toString('utf8') || '{}');
  } catch {
    data = {};
  }
  if (r.code !== 0 || !data.format) throw new StudioError('E_MEDIA_CORRUPT', corruptMessage(path, r.stderr, r.code), { path, stderr: stderrTail(r.stderr, 8) });
  const streams: Json[] = data.streams ?? [];
  const format: Json = data.format;
  const video = streams.find((s) => s.codec_type === 'video' && !(s.disposition?.attached_pic === 1));
  const audio: AudioStreamInfo[] = streams
    .filter((s) => s.codec_type === 'audio')
    .map((s) => ({ index: s.index, codec: s.codec_name, channels: s.channels ?? 0, sampleRate: Number(s.sample_rate ?? 0), channelLayout: s.channel_layout ?? null }));
  if (!video) {
    throw new StudioError('E_MEDIA_NO_VIDEO', audio.length ? `${path} has only audio (${audio.length} stream${audio.length > 1 ? 's' : ''}), no video; pick a video clip.` : `${path} has no video stream.`, { path, audioStreams: audio.length });
  }
  const container: string = format.format_name ?? 'unknown';
  if (STILL_FORMATS.test(container)) {
    throw new StudioError('E_MEDIA_STILL', `${path} is a still image (${video.codec_name}), not a clip; use a movie or give it as a mask/image sequence.`, { path, codec: video.codec_name });
  }
  const width: number = video.width;
  const height: number = video.height;
  const pixFmt: string = video.pix_fmt ?? 'unknown';
  if (!width || !height) throw new StudioError('E_MEDIA_CORRUPT', `${path}: the video stream has no frame size.`, { path });
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > maxPixels) {
    throw new StudioError('E_MEDIA_TOO_LARGE', `${path} is ${width}x${height} (${width * height} pixels), above the limit of ${maxPixels} pixels; raise maxPixels in the config or downscale first.`, { path, width, height, maxPixels });
  }
  if (!isSupportedPixFmt(pixFmt)) {
    throw new StudioError('E_MEDIA_PIXFMT', `${path} uses pixel format ${pixFmt}, which the bridge does not decode; transcode to ProRes or H.264 first.`, { path, pixFmt });
  }

  const rFps = parseRational(video.r_frame_rate);
  const avgFps = parseRational(video.avg_frame_rate);
  const fpsRaw = rFps ?? avgFps;
  if (!fpsRaw) throw new StudioError('E_MEDIA_CORRUPT', `${path}: the video stream has no frame rate.`, { path });
  const fps = exactRate(fpsRaw);
  const timeBase = parseRational(video.time_base) ?? { num: 1, den: 90000 };

  let frameCount = Number(video.nb_frames ?? 0) || 0;
  let vfr = !!(rFps && avgFps && Math.abs(rFps.num / rFps.den - avgFps.num / avgFps.den) > 1e-3 * (rFps.num / rFps.den));
  if (opts.scanPackets !== false || !frameCount) {
    const pk = await runTool(ffprobe.path, ['-v', 'error', '-select_streams', String(video.index), '-show_entries', 'packet=pts,dts,duration', '-of', 'csv=p=0', input], { signal: opts.signal, timeoutMs: 300000 });
    if (pk.code !== 0) throw new StudioError('E_MEDIA_CORRUPT', corruptMessage(path, pk.stderr), { path });
    const times: number[] = [];
    let count = 0;
    for (const line of pk.stdout.toString('latin1').split('\n')) {
      if (!line) continue;
      count++;
      const [pts, dts] = line.split(',');
      const t = Number(pts !== 'N/A' && pts !== '' ? pts : dts);
      if (Number.isFinite(t)) times.push(t);
    }
    frameCount = count;
    if (times.length === count && count > 2) {
      times.sort((a, b) => a - b);
      // expected ticks per frame; timebases that do not divide evenly alternate by one tick
      const expected = (timeBase.den * fps.den) / (timeBase.num * fps.num);
      for (let i = 1; i < times.length; i++) {
        if (Math.abs(times[i] - times[i - 1] - expected) > 1.01) {
          vfr = true;
          break;
        }
      }
    }
  }
  if (frameCount <= 0) throw new StudioError('E_MEDIA_CORRUPT', `${path} has a video stream without frames.`, { path });
  if (frameCount === 1 && INTRA_CODECS.has(video.codec_name) && /png|mjpeg|tiff|bmp|webp/.test(video.codec_name) && !/mov|matroska|avi|nut/.test(container)) {
    throw new StudioError('E_MEDIA_STILL', `${path} is a single still image, not a clip.`, { path });
  }

  const tmcd = streams.find((s) => s.codec_tag_string === 'tmcd' || s.codec_type === 'data' && s.tags?.timecode);
  const startTimecode = timecodeFrom(tmcd?.tags) ?? timecodeFrom(video.tags) ?? timecodeFrom(format.tags);
  let rotation = Number(video.tags?.rotate ?? NaN);
  if (!Number.isFinite(rotation)) {
    const sd = (video.side_data_list ?? []).find((d: Json) => typeof d.rotation === 'number');
    rotation = sd ? -sd.rotation : 0;
  }
  rotation = ((Math.round(rotation) % 360) + 360) % 360;
  const sar = parseRational(video.sample_aspect_ratio) ?? { num: 1, den: 1 };
  const range = video.color_range === 'pc' || video.color_range === 'jpeg' ? 'pc' : video.color_range === 'tv' || video.color_range === 'mpeg' ? 'tv' : null;
  const bitsRaw = Number(video.bits_per_raw_sample);
  return {
    path,
    sizeBytes: size,
    container,
    codec: video.codec_name,
    streamIndex: video.index,
    width,
    height,
    sampleAspect: sar,
    rotation,
    pixFmt,
    bitDepth: Number.isFinite(bitsRaw) && bitsRaw > 0 ? Math.max(bitsRaw, pixFmtBitDepth(pixFmt)) : pixFmtBitDepth(pixFmt),
    hasAlpha: pixFmtHasAlpha(pixFmt),
    fps,
    frameCount,
    startTimecode,
    dropFrame: !!startTimecode && /[;.]/.test(startTimecode),
    color: {
      primaries: video.color_primaries && video.color_primaries !== 'unknown' ? video.color_primaries : null,
      transfer: video.color_transfer && video.color_transfer !== 'unknown' ? video.color_transfer : null,
      matrix: video.color_space && video.color_space !== 'unknown' ? video.color_space : null,
      range,
    },
    audio,
    vfr,
    duration: Number(format.duration ?? video.duration ?? 0),
    startTime: Number(video.start_time ?? format.start_time ?? 0) || 0,
    intraOnly: INTRA_CODECS.has(video.codec_name),
  };
}
