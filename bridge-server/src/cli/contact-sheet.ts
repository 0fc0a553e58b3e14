import sharp from 'sharp';
import type { FloatFrame } from '@synthetic-studio/shared';

/** Float frame → 8-bit interleaved RGB for sharp (alpha dropped, values clamped). */
function toRgb8(f: FloatFrame): Buffer {
  const out = Buffer.allocUnsafe(f.width * f.height * 3);
  for (let p = 0, o = 0; p < f.width * f.height; p++) {
    for (let c = 0; c < 3; c++, o++) {
      const v = f.data[p * f.channels + (f.channels === 1 ? 0 : c)]!;
      out[o] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
    }
  }
  return out;
}

/**
 * A before/after contact sheet: the top row shows source frames, the bottom row the matching
 * result frames, each scaled to `tileHeight` (results may be wider, e.g. a spatial extension).
 */
export async function writeContactSheet(file: string, pairs: { before: FloatFrame; after: FloatFrame }[], tileHeight = 120, gap = 4): Promise<void> {
  const tile = async (f: FloatFrame) => {
    const width = Math.max(1, Math.round((f.width / f.height) * tileHeight));
    const input = await sharp(toRgb8(f), { raw: { width: f.width, height: f.height, channels: 3 } }).resize(width, tileHeight, { fit: 'fill' }).png().toBuffer();
    return { input, width };
  };
  const rows = await Promise.all([Promise.all(pairs.map((p) => tile(p.before))), Promise.all(pairs.map((p) => tile(p.after)))]);
  const colWidths = pairs.map((_, i) => Math.max(rows[0][i]!.width, rows[1][i]!.width));
  const width = colWidths.reduce((a, w) => a + w + gap, gap);
  const height = tileHeight * 2 + gap * 3;
  const composites: sharp.OverlayOptions[] = [];
  rows.forEach((row, r) => {
    let x = gap;
    row.forEach((t, i) => {
      composites.push({ input: t.input, left: x, top: gap + r * (tileHeight + gap) });
      x += colWidths[i]! + gap;
    });
  });
  await sharp({ create: { width, height, channels: 3, background: { r: 24, g: 24, b: 24 } } }).composite(composites).png().toFile(file);
}
