import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Router } from 'express';
import { StudioError } from '@synthetic-studio/shared';
import { absolutePath } from './query.js';
import type { WebDeps } from './web-deps.js';

/** Extensions the browser host offers as clips (anything else is listed but not pickable). */
export const MEDIA_EXTENSIONS = new Set(['.mov', '.mp4', '.m4v', '.mxf', '.mkv', '.avi', '.webm', '.mpg', '.mts', '.m2ts', '.dpx', '.exr', '.png', '.tif', '.tiff', '.jpg', '.jpeg', '.y4m']);

export interface FileEntry {
  name: string;
  path: string;
  kind: 'dir' | 'file';
  size?: number;
  media: boolean;
}

export interface FileListing {
  dir: string;
  parent: string | null;
  entries: FileEntry[];
}

/** List one folder: folders first, then files, names sorted; hidden entries left out. */
export async function listFolder(dir: string, limit = 2000): Promise<FileListing> {
  let names: import('node:fs').Dirent[];
  try {
    names = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StudioError('E_NOT_FOUND', `The folder ${dir} does not exist.`, { path: dir });
    if (code === 'ENOTDIR') throw new StudioError('E_VALIDATION', `${dir} is a file, not a folder.`, { path: dir });
    throw new StudioError('E_NOT_FOUND', `The folder ${dir} cannot be read (${code ?? 'error'}).`, { path: dir });
  }
  const entries: FileEntry[] = [];
  for (const d of names) {
    if (d.name.startsWith('.')) continue;
    const full = path.join(dir, d.name);
    let isDir = d.isDirectory();
    let size: number | undefined;
    if (d.isSymbolicLink() || d.isFile()) {
      try {
        const st = await fs.stat(full);
        isDir = st.isDirectory();
        if (!isDir) size = st.size;
      } catch {
        continue; // dangling link
      }
    }
    entries.push({ name: d.name, path: full, kind: isDir ? 'dir' : 'file', ...(size !== undefined ? { size } : {}), media: !isDir && MEDIA_EXTENSIONS.has(path.extname(d.name).toLowerCase()) });
    if (entries.length >= limit) break;
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const parent = path.dirname(dir);
  return { dir, parent: parent === dir ? null : parent, entries };
}

/**
 * `GET /api/files?dir=` → FileListing (default: the user's home folder; a file path lists the
 * folder it is in, so "Browse…" next to a typed path opens where that file lives).
 */
export function mountFileRoutes(router: Router, _deps: WebDeps): void {
  router.get('/files', async (req, res) => {
    const q = req.query.dir;
    let dir = typeof q === 'string' && q.length > 0 ? absolutePath(q, 'dir') : os.homedir();
    const st = await fs.stat(dir).catch(() => null);
    if (st && !st.isDirectory()) dir = path.dirname(dir);
    res.json(await listFolder(dir));
  });
}
