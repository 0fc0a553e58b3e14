import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { StudioError, isStudioError, type FloatFrame, type MaskSpec } from '@synthetic-studio/shared';
import { readFrames } from './decode.js';
import { chooseMaskChannel, extractMask, maskImageFromFrame, maskImageFromPixels, maskImageFromPng, type MaskChannel, type MaskImage } from './mask-image.js';
import { dilateMask, featherMask, isMaskEmpty, resizeMask } from './mask-ops.js';
import { rasterizeShapes } from './mask-shapes.js';
import type { LoadMaskOptions, MaskSource } from './mask-types.js';
import { probeMedia } from './probe.js';
import type { FrameRange, MediaInfo } from './types.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.webp']);

/** Scale a mask to the source size when (and only when) the aspect ratio matches. */
export function fitMaskToSource(mask: FloatFrame, info: Pick<MediaInfo, 'width' | 'height'>, name: string): FloatFrame {
  const { width: mw, height: mh } = mask;
  const { width: sw, height: sh } = info;
  if (mw === sw && mh === sh) return mask;
  // aspect equal up to one pixel of rounding (1919x1079 vs 960x540 is the same picture)
  if (Math.abs(mw * sh - mh * sw) <= Math.max(mw, mh, sw, sh)) return resizeMask(mask, sw, sh);
  throw new StudioError('E_MASK_SIZE', `Mask ${name} is ${mw}x${mh} but the source is ${sw}x${sh}; the aspect ratios differ (${(mw / mh).toFixed(4)} vs ${(sw / sh).toFixed(4)}), so it cannot be scaled without distortion.`, { mask: { width: mw, height: mh }, source: { width: sw, height: sh } });
}

async function readMaskImage(path: string): Promise<MaskImage> {
  if (extname(path).toLowerCase() === '.png') return maskImageFromPng(await readFile(path), path);
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  return maskImageFromPixels(info.width, info.height, info.channels, (i) => data[i], 255);
}

function frameNumber(name: string): number | null {
  const m = /(\d+)(?!.*\d)/.exec(name.slice(0, name.length - extname(name).length));
  return m ? Number(m[1]) : null;
}

/** Map a folder of numbered mask images onto source frames: by count when it equals the range, else by number. */
async function sequenceFiles(dir: string, info: MediaInfo, range: FrameRange): Promise<Map<number, string>> {
  const files = (await readdir(dir))
    .filter((f) => IMAGE_EXT.has(extname(f).toLowerCase()))
    .map((f) => ({ f, n: frameNumber(f) }))
    .filter((e): e is { f: string; n: number } => e.n !== null)
    .sort((a, b) => a.n - b.n);
  if (!files.length) throw new StudioError('E_MASK_MISSING', `The mask folder ${dir} has no numbered images.`, { path: dir });
  const len = range.out - range.in;
  const map = new Map<number, string>();
  if (files.length === len) {
    files.forEach((e, i) => map.set(range.in + i, join(dir, e.f)));
    return map;
  }
  const byNumber = new Map(files.map((e) => [e.n, join(dir, e.f)]));
  let covered = true;
  for (let i = range.in; i < range.out; i++) if (!byNumber.has(i)) covered = false;
  if (covered) {
    for (let i = range.in; i < range.out; i++) map.set(i, byNumber.get(i)!);
    return map;
  }
  throw new StudioError('E_MASK_FRAMES', `The mask folder has ${files.length} frames (numbered ${files[0].n}–${files[files.length - 1].n}) but the range [${range.in}, ${range.out}) has ${len} frames (the clip has ${info.frameCount}).`, { maskFrames: files.length, rangeFrames: len, clipFrames: info.frameCount });
}

/**
 * Load the edit region of a job at source resolution, dilated and feathered. See MaskSource.
 * Errors: E_MASK_MISSING, E_MASK_SIZE (aspect differs), E_MASK_FRAMES / E_MASK_FPS (naming both
 * numbers), E_MASK_CHANNEL (ambiguous or missing channel), E_MASK_EMPTY (single mask selects nothing).
 */
export async function loadMask(spec: MaskSpec, opts: LoadMaskOptions): Promise<MaskSource> {
  const { info, range } = opts;
  const dilate = opts.dilate ?? 0;
  const feather = opts.feather ?? 0;
  const finish = (m: FloatFrame) => featherMask(dilateMask(m, dilate), feather);
  const inRange = (i: number) => {
    if (!Number.isInteger(i) || i < range.in || i >= range.out) throw new StudioError('E_RANGE', `Mask frame ${i} is outside the range [${range.in}, ${range.out}).`, { index: i });
  };
  const single = (mask: FloatFrame, frame: number, track: boolean, name: string): MaskSource => {
    if (isMaskEmpty(mask)) throw new StudioError('E_MASK_EMPTY', `The mask ${name} selects nothing.`);
    if (frame < 0 || frame >= info.frameCount) throw new StudioError('E_RANGE', `The mask was painted on frame ${frame}, outside the clip (0–${info.frameCount - 1}).`, { frame });
    if (track) return { kind: 'single', range, frame, mask, close: async () => {} };
    return { kind: 'per-frame', range, get: async (i) => (inRange(i), mask), close: async () => {} };
  };

  if (spec.kind === 'shapes') {
    return single(finish(rasterizeShapes(spec.shapes, info.width, info.height)), spec.frame, spec.track, 'drawn with shapes');
  }

  const path = spec.path;
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new StudioError('E_MASK_MISSING', `Mask not found: ${path}`, { path });
  }
  let channel: MaskChannel | undefined;
  const toMask = (img: MaskImage, name: string): FloatFrame => {
    channel ??= chooseMaskChannel(img, spec, name);
    if (channel === 'alpha' && !img.alpha) throw new StudioError('E_MASK_CHANNEL', `${name} has no alpha channel, unlike the first mask frame.`, { name });
    return finish(fitMaskToSource(extractMask(img, channel, spec.id), info, name));
  };

  if (st.isDirectory()) {
    const files = await sequenceFiles(path, info, range);
    return {
      kind: 'per-frame',
      range,
      get: async (i) => {
        inRange(i);
        const f = files.get(i)!;
        return toMask(await readMaskImage(f), f);
      },
      close: async () => {},
    };
  }

  let movie: MediaInfo | undefined;
  if (!IMAGE_EXT.has(extname(path).toLowerCase())) {
    try {
      movie = await probeMedia(path, { signal: opts.signal });
    } catch (e) {
      if (!(isStudioError(e) && e.code === 'E_MEDIA_STILL')) throw e;
    }
  }
  if (!movie) {
    const img = await readMaskImage(path);
    return single(toMask(img, path), spec.frame ?? range.in, spec.track, path);
  }

  // A mask movie: same rate as the source; frames map 1:1 onto the clip or onto the range.
  const m = movie;
  if (m.fps.num * info.fps.den !== info.fps.num * m.fps.den) {
    throw new StudioError('E_MASK_FPS', `The mask movie runs at ${m.fps.num}/${m.fps.den} fps (${(m.fps.num / m.fps.den).toFixed(3)}) but the source at ${info.fps.num}/${info.fps.den} fps (${(info.fps.num / info.fps.den).toFixed(3)}); conform the mask first.`, { maskFps: m.fps, sourceFps: info.fps });
  }
  const len = range.out - range.in;
  let offset: number;
  if (m.frameCount === info.frameCount) offset = 0;
  else if (m.frameCount === len) offset = -range.in;
  else {
    throw new StudioError('E_MASK_FRAMES', `The mask movie has ${m.frameCount} frames but the source has ${info.frameCount} and the range [${range.in}, ${range.out}) has ${len}.`, { maskFrames: m.frameCount, sourceFrames: info.frameCount, rangeFrames: len });
  }
  const channels = m.hasAlpha ? 4 : 3;
  let it: AsyncGenerator<{ index: number; frame: FloatFrame }, void, undefined> | null = null;
  let next = -1;
  return {
    kind: 'per-frame',
    range,
    get: async (i) => {
      inRange(i);
      const mi = i + offset;
      if (!it || mi !== next) {
        await it?.return();
        it = readFrames(path, { info: m, in: mi, out: m.frameCount, channels, signal: opts.signal });
      }
      const r = await it.next();
      if (r.done) throw new StudioError('E_MASK_FRAMES', `The mask movie ended before frame ${mi}.`);
      next = mi + 1;
      return toMask(maskImageFromFrame(r.value.frame), `${path} frame ${mi}`);
    },
    close: async () => {
      await it?.return();
      it = null;
    },
  };
}
