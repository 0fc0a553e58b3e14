import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtures } from '@synthetic-studio/models';

/** Build the fixture folders into a fresh temp dir, removed at process exit. */
export function fixtureDir(seed = 1234): { root: string; sd: string; 'sd-inpaint': string; 'ic-light-fc': string; taesd: string } {
  const root = mkdtempSync(join(tmpdir(), 'ss-diffusion-'));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  return { root, ...buildFixtures(root, { seed }) };
}

/** `<repo>/../shared` located from this file, or null when absent. */
export function sharedDataDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const p = resolve(here, '..', '..', '..', '..', 'shared', 'data');
  try {
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}
