import fs from 'node:fs/promises';
import type { Router } from 'express';
import sharp from 'sharp';
import { StudioError, type FloatFrame } from '@synthetic-studio/shared';
import { probeMedia, readFrame, type MediaInfo } from '../media/index.js';
import { absolutePath, queryInt, queryString } from './query.js';
import type { WebDeps } from './web-deps.js';

/** Small caches keyed by path + size + mtime, so scrubbing and re-renders stay cheap. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  delete(k: string): void {
    this.map.delete(k);
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

async function fileKey(p: string): Promise<string> {
  try {
    const st = await fs.stat(p);
    return `${p}|${st.size}|${st.mtimeMs}`;
  } catch {
    throw new StudioError('E_MEDIA_MISSING', `${p} does not exist; check the path (and that the drive is mounted).`, { path: p });
  }
}

const probes = new Lru<Promise<MediaInfo>>(64);

/** Probe with a cache (a failed probe is not cached). */
export async function probeCached(p: string, maxPixels: number): Promise<MediaInfo> {
  const key = await fileKey(p);
  let hit = probes.get(key);
  if (!hit) {
    hit = probeMedia(p, { maxPixels });
    probes.set(key, hit);
    hit.catch(() => probes.delete(key));
  }
  return hit;
}

/** A float frame as 8-bit JPEG (or PNG), no wider than maxWidth. */
export async function frameToImage(frame: FloatFrame, maxWidth: number, format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const { width, height, channels, data } = frame;
  const bytes = Buffer.allocUnsafe(width * height * channels);
  for (let i = 0; i < bytes.length; i++) {
    const v = data[i]!;
    bytes[i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
  }
  const img = sharp(bytes, { raw: { width, height, channels } }).resize({ width: Math.min(maxWidth, width), withoutEnlargement: true });
  return format === 'png' ? img.png().toBuffer() : img.flatten({ background: '#000' }).jpeg({ quality: 82 }).toBuffer();
}

const previews = new Lru<Buffer>(48);

/**
 * `GET /api/probe?path=` → the probe (size, fps, frame count, timecode, VFR…);
 * `GET /api/preview?path=&frame=&maxWidth=` → JPEG of one source frame.
 */
export function mountMediaRoutes(router: Router, deps: WebDeps): void {
  router.get('/probe', async (req, res) => {
    const p = absolutePath(queryString(req, 'path'));
    const info = await probeCached(p, deps.config.maxPixels);
    res.json(info);
  });

  router.get('/preview', async (req, res) => {
    const p = absolutePath(queryString(req, 'path'));
    const frame = queryInt(req, 'frame', 0, 0, 10_000_000);
    const maxWidth = queryInt(req, 'maxWidth', 640, 16, 3840);
    const key = `${await fileKey(p)}|${frame}|${maxWidth}`;
    let jpeg = previews.get(key);
    if (!jpeg) {
      const info = await probeCached(p, deps.config.maxPixels);
      if (frame >= info.frameCount) throw new StudioError('E_RANGE', `Frame ${frame} is outside the clip (0–${info.frameCount - 1}).`, { frame, frames: info.frameCount });
      jpeg = await frameToImage(await readFrame(p, frame, { info }), maxWidth);
      previews.set(key, jpeg);
    }
    res.set('content-type', 'image/jpeg').set('cache-control', 'private, max-age=60').send(jpeg);
  });
}
