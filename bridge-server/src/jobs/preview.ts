import sharp from 'sharp';
import type { FloatFrame } from '@synthetic-studio/shared';

/** Longest side of a progress preview; small enough to stay far below the protocol's 200 kB cap. */
export const PREVIEW_MAX_SIDE = 256;

/** A float frame (or ready JPEG bytes) as a small base64 JPEG for `job.progress`. */
export async function encodePreview(preview: FloatFrame | Uint8Array): Promise<string> {
  if (preview instanceof Uint8Array) return Buffer.from(preview).toString('base64');
  const { width, height, channels, data } = preview;
  const bytes = Buffer.allocUnsafe(width * height * channels);
  for (let i = 0; i < bytes.length; i++) {
    const v = data[i]!;
    bytes[i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
  }
  const jpeg = await sharp(bytes, { raw: { width, height, channels } })
    .resize({ width: PREVIEW_MAX_SIDE, height: PREVIEW_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#000' })
    .jpeg({ quality: 70 })
    .toBuffer();
  return jpeg.toString('base64');
}
