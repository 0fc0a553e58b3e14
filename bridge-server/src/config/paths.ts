import os from 'node:os';
import path from 'node:path';

/** Folder name used on macOS and Windows (spaces are normal there); Linux uses the lowercase slug. */
export const APP_DISPLAY_NAME = 'Synthetic Studio';
export const APP_SLUG = 'synthetic-studio';

export interface StudioDirs {
  /** Settings and the access token (small, per user, roams on Windows). */
  configDir: string;
  /** Job records, working folders, logs and models (large, per machine). */
  dataDir: string;
}

export interface DirsInput {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
}

/**
 * Where config and data live, following each OS's convention. Pure: the platform, environment and
 * home folder are arguments and the path flavour (posix/win32) is chosen explicitly, so every
 * platform's rules are testable on any machine.
 *
 * - SYNTHETIC_STUDIO_HOME=X (tests, portable installs): X/config and X/data.
 * - macOS: ~/Library/Application Support/Synthetic Studio (config) and …/Synthetic Studio/Data.
 * - Windows: %APPDATA%\Synthetic Studio (roaming config), %LOCALAPPDATA%\Synthetic Studio (data).
 * - Linux and others: $XDG_CONFIG_HOME/synthetic-studio and $XDG_DATA_HOME/synthetic-studio.
 */
export function resolveStudioDirs({ platform, env, home }: DirsInput): StudioDirs {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const override = nonEmpty(env.SYNTHETIC_STUDIO_HOME);
  if (override) {
    const root = p.resolve(override);
    return { configDir: p.join(root, 'config'), dataDir: p.join(root, 'data') };
  }
  if (platform === 'darwin') {
    const base = p.join(home, 'Library', 'Application Support', APP_DISPLAY_NAME);
    return { configDir: base, dataDir: p.join(base, 'Data') };
  }
  if (platform === 'win32') {
    const roaming = absoluteOr(p, env.APPDATA, p.join(home, 'AppData', 'Roaming'));
    const local = absoluteOr(p, env.LOCALAPPDATA, p.join(home, 'AppData', 'Local'));
    return { configDir: p.join(roaming, APP_DISPLAY_NAME), dataDir: p.join(local, APP_DISPLAY_NAME) };
  }
  // XDG base directory spec: relative values are invalid and must be ignored.
  const config = absoluteOr(p, env.XDG_CONFIG_HOME, p.join(home, '.config'));
  const data = absoluteOr(p, env.XDG_DATA_HOME, p.join(home, '.local', 'share'));
  return { configDir: p.join(config, APP_SLUG), dataDir: p.join(data, APP_SLUG) };
}

/**
 * Resolve a user-given path (CLI flag, config value) against a base folder with the given
 * platform's rules; `~` expands to home. Spaces and non-ASCII characters pass through untouched.
 */
export function resolveUserPath(input: string, opts: { platform: NodeJS.Platform; cwd: string; home: string }): string {
  const p = opts.platform === 'win32' ? path.win32 : path.posix;
  let s = input;
  if (s === '~') s = opts.home;
  else if (s.startsWith('~/') || (opts.platform === 'win32' && s.startsWith('~\\'))) s = p.join(opts.home, s.slice(2));
  return p.resolve(opts.cwd, s);
}

/** The job working folder for an id inside a data folder. */
export function jobWorkDir(dataDir: string, jobId: string, platform: NodeJS.Platform = process.platform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  return p.join(dataDir, 'jobs', jobId);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

function absoluteOr(p: typeof path.posix, value: string | undefined, fallback: string): string {
  const v = nonEmpty(value);
  return v && p.isAbsolute(v) ? v : fallback;
}

/** The dirs for this process. */
export function defaultStudioDirs(): StudioDirs {
  return resolveStudioDirs({ platform: process.platform, env: process.env, home: os.homedir() });
}
