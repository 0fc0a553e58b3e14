import { StudioError } from '@synthetic-studio/shared';
import type { ClipProjectItem, FolderItem, Ppro, Project, ProjectItem } from './api.js';
import { UNDO_CREATE_BIN } from './api.js';

/**
 * Find the bin `name` at the project root, creating it when absent. `createBinAction` does not
 * hand back the bin, so the root is listed again afterwards (as Adobe's sample does).
 * `makeUnique` is false: the name was searched first, and a renamed bin could not be found again.
 */
export async function findOrCreateBin(ppro: Ppro, project: Project, name: string): Promise<FolderItem> {
  const root = await project.getRootItem();
  const existing = await findBin(ppro, root, name);
  if (existing) return existing;

  let committed = false;
  // 26.3+: actions are created inside lockedAccess; nothing is awaited inside either callback.
  project.lockedAccess(() => {
    committed = project.executeTransaction((compound) => {
      compound.addAction(root.createBinAction(name, false));
    }, UNDO_CREATE_BIN);
  });
  if (!committed) throw new StudioError('E_HOST_REFUSED', `Premiere Pro did not create the bin "${name}".`);
  const created = await findBin(ppro, root, name);
  if (!created) throw new StudioError('E_HOST_REFUSED', `The bin "${name}" was created but cannot be found in the project root.`);
  return created;
}

async function findBin(ppro: Ppro, folder: FolderItem, name: string): Promise<FolderItem | null> {
  for (const item of await folder.getItems()) {
    if (item.type === ppro.ProjectItem.TYPE_BIN && item.name === name) {
      const bin = ppro.FolderItem.cast(item);
      if (bin) return bin;
    }
  }
  return null;
}

/**
 * Import files into `bin` and return the new clip of each path, in order.
 * `importFiles` only returns a boolean, so the items are found again by media path. The bin is
 * always passed cast to ProjectItem: an explicit `undefined` makes Premiere throw
 * "Illegal Parameter type".
 */
export async function importIntoBin(ppro: Ppro, project: Project, bin: FolderItem, paths: string[]): Promise<Map<string, ClipProjectItem>> {
  const target: ProjectItem = ppro.ProjectItem.cast(bin);
  const ok = await project.importFiles(paths, true, target, false);
  if (!ok) throw new StudioError('E_HOST_REFUSED', `Premiere Pro could not import ${paths.join(', ')}.`, { paths });

  const wanted = new Map(paths.map((p) => [normalisePath(p), p] as const));
  const found = new Map<string, ClipProjectItem>();
  const clips = await clipsIn(ppro, bin);
  for (const clip of clips) {
    const original = wanted.get(normalisePath(await clip.getMediaFilePath()));
    if (original !== undefined && !found.has(original)) found.set(original, clip);
  }
  // Premiere may file an item elsewhere (e.g. the media was already in the project): look everywhere.
  if (found.size < paths.length) {
    for (const clip of await clipsUnder(ppro, await project.getRootItem())) {
      const original = wanted.get(normalisePath(await clip.getMediaFilePath()));
      if (original !== undefined && !found.has(original)) found.set(original, clip);
    }
  }
  const missing = paths.filter((p) => !found.has(p));
  if (missing.length) throw new StudioError('E_HOST_REFUSED', `Imported, but cannot find the new item for ${missing.join(', ')} in the bin.`, { missing });
  return found;
}

async function clipsIn(ppro: Ppro, bin: FolderItem): Promise<ClipProjectItem[]> {
  const out: ClipProjectItem[] = [];
  for (const item of await bin.getItems()) {
    if (item.type !== ppro.ProjectItem.TYPE_CLIP && item.type !== ppro.ProjectItem.TYPE_FILE) continue;
    const clip = ppro.ClipProjectItem.cast(item);
    if (clip) out.push(clip);
  }
  return out;
}

/** Every clip in `folder` and its sub-bins (breadth first, bounded so a huge project cannot stall the panel). */
async function clipsUnder(ppro: Ppro, folder: FolderItem, limit = 5000): Promise<ClipProjectItem[]> {
  const out: ClipProjectItem[] = [];
  const queue: FolderItem[] = [folder];
  let seen = 0;
  while (queue.length && seen < limit) {
    for (const item of await queue.shift()!.getItems()) {
      if (++seen > limit) break;
      if (item.type === ppro.ProjectItem.TYPE_BIN) {
        const bin = ppro.FolderItem.cast(item);
        if (bin) queue.push(bin);
        continue;
      }
      const clip = ppro.ClipProjectItem.cast(item);
      if (clip) out.push(clip);
    }
  }
  return out;
}

/** Compare paths the way the OS does: Windows paths ignore case and separator style. */
export function normalisePath(p: string): string {
  const windows = /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\');
  return windows ? p.replace(/\//g, '\\').toLowerCase() : p;
}
