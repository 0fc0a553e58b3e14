import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { OutputFormat } from '@synthetic-studio/shared';

/** File extension (movies) or frame extension (sequences) of a format. */
export function formatExtension(format: OutputFormat): { ext: string; sequence: boolean } {
  switch (format) {
    case 'prores':
    case 'prores4444':
      return { ext: '.mov', sequence: false };
    case 'h264':
      return { ext: '.mp4', sequence: false };
    case 'png16':
      return { ext: '.png', sequence: true };
    case 'tiff16':
      return { ext: '.tif', sequence: true };
    case 'exr':
      return { ext: '.exr', sequence: true };
  }
}

/** `clip name` without extension, made safe for a file name (keeps spaces and non-ASCII). */
export function clipStem(sourcePath: string): string {
  const b = basename(sourcePath, extname(sourcePath));
  return b.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_') || 'clip';
}

/**
 * The next free `<clip>_<task>_vNNN` in `dir`: one above the highest existing version of that
 * stem (whatever the extension, sidecars included), so outputs never collide or overwrite.
 */
export async function nextVersionedName(dir: string, stem: string, task: string, start = 1): Promise<{ name: string; version: number }> {
  const prefix = `${stem}_${task}_v`;
  let max = start - 1;
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch {
    /* folder does not exist yet */
  }
  for (const e of entries) {
    if (!e.startsWith(prefix)) continue;
    const m = /^(\d{3,})/.exec(e.slice(prefix.length));
    if (m) max = Math.max(max, Number(m[1]));
  }
  const version = max + 1;
  return { name: `${prefix}${String(version).padStart(3, '0')}`, version };
}

/** Default destination folder: the request's dir, else beside the source. */
export function defaultOutputDir(sourcePath: string, requested?: string): string {
  return resolve(requested ?? dirname(resolve(sourcePath)));
}

export function sequenceFrameName(stem: string, frame: number, ext: string): string {
  return `${stem}.${String(frame).padStart(7, '0')}${ext}`;
}

export { join };
