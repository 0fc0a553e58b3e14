import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolveFfmpeg } from './ffmpeg-binaries.js';

const require = createRequire(import.meta.url);

function packageVersion(spec: string): string | null {
  try {
    return (require(spec) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** Versions that go into every sidecar: this tool, ffmpeg, ffprobe, onnxruntime, node. */
export function toolVersions(): Record<string, string | null> {
  let tool: string | null = null;
  try {
    tool = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version ?? null;
  } catch {
    tool = null;
  }
  let ffmpeg: string | null = null;
  let ffprobe: string | null = null;
  try {
    const f = resolveFfmpeg();
    ffmpeg = `${f.ffmpeg.version} (${f.ffmpeg.source})`;
    ffprobe = `${f.ffprobe.version} (${f.ffprobe.source})`;
  } catch {
    /* reported as null */
  }
  return { tool, ffmpeg, ffprobe, onnxruntime: packageVersion('onnxruntime-node/package.json'), node: process.version };
}
