import type { FloatFrame } from '@synthetic-studio/shared';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Smooth multi-frequency texture, different per channel. */
export function texture(x: number, y: number, k: number): number {
  return 0.5 + 0.2 * Math.sin(x * 0.21 + y * 0.07 + k) + 0.15 * Math.sin(y * 0.19 - x * 0.11 + 2 * k) + 0.1 * Math.sin(x * 0.35 + y * 0.28 + 3 * k);
}

export function makeFrame(w: number, h: number, f: (x: number, y: number, k: number) => number): FloatFrame {
  const d = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < 3; k++) d[(y * w + x) * 3 + k] = f(x, y, k);
  return { width: w, height: h, channels: 3, data: d };
}

/** `<repo>/../shared/data`, or null when the shared folder is absent. */
export function sharedDataDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const p = resolve(here, '..', '..', '..', '..', 'shared', 'data');
  return existsSync(p) ? p : null;
}

export function sequenceFrame(dir: string, i: number): string {
  return join(dir, 'frames', `${String(i).padStart(5, '0')}.jpg`);
}

/** Chessboard distance of every pixel to the nearest set pixel, capped at cap (brute force, tiny frames). */
export function boxDistance(mask: Uint8Array, width: number, height: number, cap: number): Uint8Array {
  const out = new Uint8Array(width * height).fill(cap);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    let d = cap;
    for (let dy = -cap; dy <= cap; dy++) for (let dx = -cap; dx <= cap; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy >= 0 && yy < height && xx >= 0 && xx < width && mask[yy * width + xx]) d = Math.min(d, Math.max(Math.abs(dx), Math.abs(dy)));
    }
    out[y * width + x] = d;
  }
  return out;
}
