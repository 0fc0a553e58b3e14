import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JobOutput } from '@synthetic-studio/shared';
import type { FolderApi, ImportItem, MediaPoolApi, MediaPoolItemApi } from './resolve-api.js';

/** The bin (Media Pool folder) under the root with this name, created when missing. */
export async function findOrCreateBin(mp: MediaPoolApi, name: string): Promise<FolderApi> {
  const root = await mp.GetRootFolder();
  for (const folder of (await root.GetSubFolderList()) ?? []) {
    if ((await folder.GetName()) === name) return folder;
  }
  const created = await mp.AddSubFolder(root, name);
  if (!created) throw new Error(`Resolve did not create the Media Pool folder "${name}".`);
  return created;
}

/**
 * What to hand `ImportMedia` for one output: a movie path, or for a folder of numbered frames
 * the `{FilePath: "name_%06d.png", StartIndex, EndIndex}` form (hosts.md 2.4).
 */
export function importItemFor(output: JobOutput): ImportItem | null {
  if (output.kind === 'movie') return output.path;
  if (output.kind !== 'sequence') return null;
  const groups = new Map<string, number[]>();
  for (const name of readdirSync(output.path)) {
    const m = /^(.*?)(\d+)(\.[A-Za-z0-9]+)$/.exec(name);
    if (!m) continue;
    const key = `${m[1]}\u0000${m[2]!.length}\u0000${m[3]}`;
    const list = groups.get(key) ?? [];
    list.push(Number(m[2]));
    groups.set(key, list);
  }
  // The largest run of same-named frames is the sequence.
  const best = [...groups.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  if (!best) return null;
  const [prefix, digits, ext] = best[0].split('\u0000') as [string, string, string];
  const indices = best[1];
  return {
    FilePath: join(output.path, `${prefix}%0${digits}d${ext}`),
    StartIndex: Math.min(...indices),
    EndIndex: Math.max(...indices),
  };
}

async function findInBin(bin: FolderApi, item: ImportItem): Promise<MediaPoolItemApi | null> {
  const want = typeof item === 'string' ? item : dirname(item.FilePath);
  for (const clip of (await bin.GetClipList()) ?? []) {
    const path = String((await clip.GetClipProperty('File Path')) ?? '');
    if (path === want || (typeof item !== 'string' && dirname(path) === want)) return clip;
  }
  return null;
}

/**
 * Import into the named bin. `ImportMedia` always targets the *current* folder, so the current
 * folder is switched to the bin and restored afterwards, whatever happens. A path already in the
 * bin (a re-import) is reused instead of duplicated.
 */
export async function importIntoBin(mp: MediaPoolApi, binName: string, items: ImportItem[]): Promise<{ items: Array<MediaPoolItemApi | null>; bin: FolderApi }> {
  const bin = await findOrCreateBin(mp, binName);
  const previous = await mp.GetCurrentFolder();
  const result: Array<MediaPoolItemApi | null> = [];
  try {
    if (!(await mp.SetCurrentFolder(bin))) throw new Error(`Resolve did not open the Media Pool folder "${binName}".`);
    for (const item of items) {
      const existing = await findInBin(bin, item);
      if (existing) {
        result.push(existing);
        continue;
      }
      const imported = (await mp.ImportMedia([item])) ?? [];
      result.push(imported[0] ?? null);
    }
  } finally {
    if (previous) await mp.SetCurrentFolder(previous);
  }
  return { items: result, bin };
}
