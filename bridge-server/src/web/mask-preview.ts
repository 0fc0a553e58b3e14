import sharp from 'sharp';
import type { FloatFrame, MaskShape } from '@synthetic-studio/shared';
import { rasterizeShapes, readFrames, type MediaInfo } from '../media/index.js';
import { dilateMask, maskFromFrame, trackMask, type Mask } from '../temporal/index.js';

export interface MaskPreviewInput {
  path: string;
  info: MediaInfo;
  /** Source frame the shapes were painted on. */
  frame: number;
  /** Range the job will cover (half-open); tracking stays inside it. */
  in: number;
  out: number;
  shapes: MaskShape[];
  /** Grow the mask by this many source pixels (as the job will). */
  dilate: number;
  track: boolean;
  /** Frames to show (the painted one first). */
  count: number;
  /** Longest tracked span after the painted frame, in frames (keeps the preview quick). */
  maxSpan: number;
  /** Width of the returned images. */
  maxWidth: number;
  signal?: AbortSignal;
}

export interface MaskPreviewFrame {
  frame: number;
  /** data:image/jpeg;base64 of the frame with the mask tinted red. */
  image: string;
  /** Fraction of the frame inside the mask. */
  coverage: number;
  /** Mask centroid in normalised frame coordinates, or null when empty. */
  centroid: [number, number] | null;
}

/** Working width for tracking: the preview needs the shape of the motion, not full resolution. */
const WORK_WIDTH = 256;

/** Downscale a float frame (8-bit is plenty for a preview) with sharp. */
async function shrink(f: FloatFrame, width: number, height: number): Promise<FloatFrame> {
  const bytes = Buffer.allocUnsafe(f.width * f.height * f.channels);
  for (let i = 0; i < bytes.length; i++) {
    const v = f.data[i]!;
    bytes[i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
  }
  const raw = await sharp(bytes, { raw: { width: f.width, height: f.height, channels: f.channels } }).resize(width, height, { fit: 'fill' }).raw().toBuffer();
  const data = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) data[i] = raw[i]! / 255;
  return { width, height, channels: f.channels, data };
}

/** The frame with the mask tinted red (50 %), as a small JPEG data URL. */
async function tint(frame: FloatFrame, mask: Mask, maxWidth: number): Promise<MaskPreviewFrame> {
  const { width, height, channels, data } = frame;
  const rgb = Buffer.allocUnsafe(width * height * 3);
  let inside = 0;
  let sx = 0;
  let sy = 0;
  for (let p = 0; p < width * height; p++) {
    const m = mask.data[p]! > 0 ? 0.5 : 0;
    if (m) {
      inside++;
      sx += p % width;
      sy += Math.floor(p / width);
    }
    for (let c = 0; c < 3; c++) {
      const v = data[p * channels + Math.min(c, channels - 1)]!;
      const t = (c === 0 ? 1 : 0.15) * m + v * (1 - m);
      rgb[p * 3 + c] = t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
    }
  }
  const jpeg = await sharp(rgb, { raw: { width, height, channels: 3 } }).resize({ width: Math.min(maxWidth, width) }).jpeg({ quality: 75 }).toBuffer();
  return {
    frame: -1,
    image: `data:image/jpeg;base64,${jpeg.toString('base64')}`,
    coverage: inside / (width * height),
    centroid: inside ? [(sx / inside + 0.5) / width, (sy / inside + 0.5) / height] : null,
  };
}

/**
 * Rasterise the painted shapes (media) and, when asked, track them through the next frames of the
 * range along the object's motion (temporal engine), so the editor sees what the job will use.
 */
export async function renderMaskPreview(input: MaskPreviewInput): Promise<MaskPreviewFrame[]> {
  const { info } = input;
  const ww = Math.min(WORK_WIDTH, info.width);
  const wh = Math.max(2, Math.round((info.height * ww) / info.width));
  const last = input.track ? Math.min(input.out - 1, input.frame + input.maxSpan) : input.frame;
  const frames: FloatFrame[] = [];
  for await (const d of readFrames(input.path, { in: input.frame, out: last + 1, info, ...(input.signal ? { signal: input.signal } : {}) })) {
    frames.push(await shrink(d.frame, ww, wh));
  }
  const painted = maskFromFrame(rasterizeShapes(input.shapes, ww, wh), 0.5);
  const grow = Math.round((input.dilate * ww) / info.width);
  const key = grow > 0 ? dilateMask(painted, grow) : painted;
  const masks = frames.length > 1 ? trackMask(frames, [{ index: 0, mask: key }], input.signal ? { signal: input.signal } : {}) : [key];
  // The painted frame, then evenly spaced frames up to the end of the tracked span.
  const picks = new Set<number>([0]);
  const n = Math.max(1, Math.min(input.count, frames.length));
  for (let i = 1; i < n; i++) picks.add(Math.round((i * (frames.length - 1)) / (n - 1)));
  const out: MaskPreviewFrame[] = [];
  for (const i of [...picks].sort((a, b) => a - b)) out.push({ ...(await tint(frames[i]!, masks[i]!, input.maxWidth)), frame: input.frame + i });
  return out;
}
