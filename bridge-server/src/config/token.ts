import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const TOKEN_FILE = 'token';

/**
 * The bridge's access token: created on first start, stored in the config folder readable by the
 * owner only (0600; Windows ignores the mode and the per-user AppData ACL protects it instead).
 */
export function ensureToken(configDir: string): string {
  const file = path.join(configDir, TOKEN_FILE);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{32,}$/.test(existing)) {
      tightenMode(file);
      return existing;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  // Write to a private temp file and rename, so the token file never exists with loose permissions.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, token + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  tightenMode(file);
  return token;
}

function tightenMode(file: string): void {
  if (process.platform === 'win32') return;
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
}

/** Constant-time token comparison. */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
