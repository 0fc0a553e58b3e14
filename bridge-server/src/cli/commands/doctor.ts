import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, TOKEN_FILE } from '../../config/index.js';
import { onnxRuntimeInfo } from '../../server/index.js';
import { taskRegistry } from '../../tasks/registry.js';

export interface DoctorReport {
  node: string;
  platform: string;
  ffmpeg: { path: string; version: string; source: string } | { error: string };
  ffprobe: { path: string; version: string; source: string } | { error: string };
  ffmpegMissing: string[];
  /** How each output format is written: by which ffmpeg encoder, or the built-in writer (EXR). */
  outputFormats: Record<string, string>;
  onnxruntime: { version: string; executionProviders: string[]; notInstalled: string[]; error?: string };
  configDir: string;
  dataDir: string;
  modelsDir: string;
  token: 'present' | 'absent';
  disk: { path: string; freeBytes: number; totalBytes: number } | { error: string };
  tasks: string[];
  ok: boolean;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('Check the installation: ffmpeg/ffprobe, onnxruntime and its execution providers, folders, free disk.')
    .option('--data-dir <dir>', 'data folder to check')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { dataDir?: string; json?: boolean }) => {
      const report = await doctorReport(opts.dataDir);
      if (opts.json) process.stdout.write(JSON.stringify(report) + '\n');
      else process.stdout.write(formatDoctor(report) + '\n');
      if (!report.ok) process.exitCode = 1;
    });
}

export async function doctorReport(dataDir?: string): Promise<DoctorReport> {
  const config = loadConfig({ dataDir });
  let ffmpeg: DoctorReport['ffmpeg'];
  let ffprobe: DoctorReport['ffprobe'];
  let missing: string[] = [];
  // EXR never needs ffmpeg: the media layer has its own OpenEXR writer
  const outputFormats: Record<string, string> = { exr: 'built-in OpenEXR writer' };
  try {
    const { resolveFfmpeg } = await import('../../media/index.js');
    const caps = resolveFfmpeg();
    ffmpeg = caps.ffmpeg;
    ffprobe = caps.ffprobe;
    missing = caps.missing;
    const by = (ok: boolean, encoder: string) => (ok ? `ffmpeg ${encoder}` : `unavailable (this ffmpeg has no ${encoder} encoder)`);
    Object.assign(outputFormats, { prores: by(caps.encoders.prores, 'prores_ks'), png16: by(caps.encoders.png, 'png'), tiff16: by(caps.encoders.tiff, 'tiff'), h264: by(caps.encoders.h264, 'libx264') });
  } catch (e) {
    ffmpeg = ffprobe = { error: e instanceof Error ? e.message : String(e) };
  }
  const ort = onnxRuntimeInfo();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    ffmpeg,
    ffprobe,
    ffmpegMissing: missing,
    outputFormats,
    onnxruntime: ort,
    configDir: config.configDir,
    dataDir: config.dataDir,
    modelsDir: config.modelsDir,
    token: fs.existsSync(path.join(config.configDir, TOKEN_FILE)) ? 'present' : 'absent',
    disk: freeDisk(config.dataDir),
    tasks: [...taskRegistry.keys()],
    ok: !('error' in ffmpeg) && !('error' in ffprobe) && !ort.error,
  };
}

/** Free space where the data folder is (or would be: the nearest existing parent). */
function freeDisk(dir: string): DoctorReport['disk'] {
  let p = path.resolve(dir);
  while (!fs.existsSync(p) && path.dirname(p) !== p) p = path.dirname(p);
  try {
    const s = fs.statfsSync(p);
    return { path: p, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function gib(n: number): string {
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

export function formatDoctor(r: DoctorReport): string {
  const bin = (b: DoctorReport['ffmpeg']) => ('error' in b ? `MISSING (${b.error})` : `${b.version} [${b.source}] ${b.path}`);
  return [
    `node         ${r.node} (${r.platform})`,
    `ffmpeg       ${bin(r.ffmpeg)}`,
    `ffprobe      ${bin(r.ffprobe)}`,
    ...(r.ffmpegMissing.length ? [`  lacks      ${r.ffmpegMissing.map((m) => (/^EXR/.test(m) ? 'EXR encoder (not needed: EXR is written by the built-in writer)' : m)).join(', ')}`] : []),
    `formats      ${Object.entries(r.outputFormats).map(([f, w]) => `${f}: ${w}`).join('; ')}`,
    `onnxruntime  ${r.onnxruntime.version}${r.onnxruntime.error ? ` FAILED TO LOAD (${r.onnxruntime.error})` : ''}`,
    `  providers  ${r.onnxruntime.executionProviders.join(', ') || '(none)'}${r.onnxruntime.notInstalled.length ? ` (known but not installed: ${r.onnxruntime.notInstalled.join(', ')})` : ''}`,
    `config       ${r.configDir} (token ${r.token})`,
    `data         ${r.dataDir}`,
    `models       ${r.modelsDir}`,
    `free disk    ${'error' in r.disk ? `unknown (${r.disk.error})` : `${gib(r.disk.freeBytes)} of ${gib(r.disk.totalBytes)} at ${r.disk.path}`}`,
    `tasks        ${r.tasks.join(', ') || '(none)'}`,
    r.ok ? 'All required parts are present.' : 'Some required parts are missing (see above).',
  ].join('\n');
}
