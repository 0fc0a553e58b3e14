import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '@synthetic-studio/shared';

export interface DataDirLock {
  release(): void;
}

const heldHere = new Set<string>();

/**
 * One process owns a data folder's job queue at a time (otherwise two processes would run the same
 * queued job, and each would think the other's running job had crashed). The lock file holds the
 * owner's pid; a lock whose process is gone (SIGKILL, power cut) is taken over.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = path.join(dataDir, 'bridge.lock');
  if (heldHere.has(file)) throw busy(dataDir, process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      heldHere.add(file);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldHere.delete(file);
          try {
            if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(safeRead(file), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw busy(dataDir, pid);
      // Stale: the owner died without releasing it.
      try {
        fs.unlinkSync(file);
      } catch {
        /* raced with another taker */
      }
    }
  }
  throw busy(dataDir, Number.parseInt(safeRead(file), 10));
}

function busy(dataDir: string, pid: number): StudioError {
  return new StudioError('E_BUSY', `Another Synthetic Studio process (pid ${pid}) is using the data folder ${dataDir}; submit the job to it, or use another --data-dir.`, { pid, dataDir });
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
