import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { StudioError } from '@synthetic-studio/shared';
import type { FfmpegBinary, FfmpegCapabilities } from './types.js';

const require = createRequire(import.meta.url);

/** Paths from the bridge config; the spine calls `configureFfmpeg` once at start. */
export interface FfmpegConfig {
  ffmpegPath?: string;
  ffprobePath?: string;
}

let configured: FfmpegConfig = {};
let cached: FfmpegCapabilities | undefined;

/** Set configured binary paths (config file); env vars FFMPEG_PATH/FFPROBE_PATH still win. */
export function configureFfmpeg(config: FfmpegConfig): void {
  configured = { ...config };
  cached = undefined;
}

interface VersionInfo {
  version: string;
  /** Last copyright year in the banner: the best cross-build comparison for static git builds. */
  year: number;
  major: number;
}

function versionOf(bin: string): VersionInfo | null {
  try {
    const r = spawnSync(bin, ['-version'], { encoding: 'utf8', timeout: 15000, windowsHide: true });
    if (r.status !== 0 || !r.stdout) return null;
    const first = r.stdout.split('\n')[0] ?? '';
    const version = /version\s+(\S+)/.exec(first)?.[1] ?? 'unknown';
    const year = Number(/Copyright \(c\) \d{4}-(\d{4})/.exec(first)?.[1] ?? 0);
    const major = /^n?(\d+)\./.test(version) ? Number(/^n?(\d+)\./.exec(version)![1]) : 0;
    return { version, year, major };
  } catch {
    return null;
  }
}

function onPath(name: string): string | null {
  const exe = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, exe);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

function npmBinary(pkg: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe'): string | null {
  try {
    return (require(pkg) as { path: string }).path;
  } catch {
    return null;
  }
}

function isNewer(a: VersionInfo, b: VersionInfo): boolean {
  if (a.year !== b.year) return a.year > b.year;
  return a.major > b.major;
}

function pick(tool: 'ffmpeg' | 'ffprobe'): FfmpegBinary | null {
  const envPath = process.env[tool === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH'];
  const cfgPath = tool === 'ffmpeg' ? configured.ffmpegPath : configured.ffprobePath;
  for (const [p, source] of [[envPath, 'env'], [cfgPath, 'config']] as const) {
    if (!p) continue;
    const v = versionOf(p);
    if (!v) throw new StudioError('E_FFMPEG', `${tool} at ${p} (from ${source === 'env' ? (tool === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH') : 'the config'}) does not run.`, { path: p });
    return { path: p, version: v.version, source };
  }
  const npmPath = npmBinary(tool === 'ffmpeg' ? '@ffmpeg-installer/ffmpeg' : '@ffprobe-installer/ffprobe');
  const npmV = npmPath ? versionOf(npmPath) : null;
  const sysPath = onPath(tool);
  const sysV = sysPath ? versionOf(sysPath) : null;
  if (sysPath && sysV && (!npmV || isNewer(sysV, npmV) || (sysV.year === npmV.year && sysV.major >= npmV.major))) {
    return { path: sysPath, version: sysV.version, source: 'system' };
  }
  if (npmPath && npmV) return { path: npmPath, version: npmV.version, source: 'npm' };
  return null;
}

function listEncoders(ffmpeg: string): string {
  const r = spawnSync(ffmpeg, ['-hide_banner', '-encoders'], { encoding: 'utf8', timeout: 15000, windowsHide: true });
  return r.stdout ?? '';
}

/**
 * Which ffmpeg and ffprobe to use and what they can encode. Precedence: FFMPEG_PATH/FFPROBE_PATH,
 * then the config, then a system binary on PATH at least as new as the npm one, then the binaries
 * that `npm install` brings (@ffmpeg-installer / @ffprobe-installer). Cached; throws E_FFMPEG
 * when none runs.
 */
export function resolveFfmpeg(): FfmpegCapabilities {
  if (cached) return cached;
  const ffmpeg = pick('ffmpeg');
  const ffprobe = pick('ffprobe');
  if (!ffmpeg || !ffprobe) {
    throw new StudioError('E_FFMPEG', `No working ${!ffmpeg ? 'ffmpeg' : 'ffprobe'} found: reinstall the bridge (npm install) or set ${!ffmpeg ? 'FFMPEG_PATH' : 'FFPROBE_PATH'}.`);
  }
  const enc = listEncoders(ffmpeg.path);
  const has = (name: string) => new RegExp(`^\\s*V\\S*\\s+${name}\\s`, 'm').test(enc);
  const encoders = { prores: has('prores_ks'), png: has('png'), tiff: has('tiff'), exr: has('exr'), h264: has('libx264') };
  const missing: string[] = [];
  if (!encoders.prores) missing.push('ProRes encoder (prores_ks)');
  if (!encoders.png) missing.push('PNG encoder');
  if (!encoders.tiff) missing.push('TIFF encoder');
  if (!encoders.exr) missing.push('EXR encoder (not needed: EXR is written by the built-in OpenEXR writer)');
  if (!encoders.h264) missing.push('H.264 encoder (libx264)');
  cached = { ffmpeg, ffprobe, encoders, missing };
  return cached;
}
