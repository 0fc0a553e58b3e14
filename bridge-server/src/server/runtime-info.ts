import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface OnnxRuntimeInfo {
  version: string;
  /** Execution providers usable here (bundled, or whose provider library is installed). */
  executionProviders: string[];
  /** Providers this build knows but whose libraries are not installed (e.g. CUDA skipped at install). */
  notInstalled: string[];
  error?: string;
}

let cached: OnnxRuntimeInfo | undefined;

/** onnxruntime-node's version and providers; loaded on first use (the native binding is heavy). */
export function onnxRuntimeInfo(): OnnxRuntimeInfo {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let version = 'unknown';
  let binDir: string | undefined;
  try {
    const pkgFile = require.resolve('onnxruntime-node/package.json');
    version = (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string }).version;
    binDir = path.join(path.dirname(pkgFile), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    /* reported below */
  }
  try {
    const ort = require('onnxruntime-node') as { listSupportedBackends?: () => { name: string; bundled?: boolean }[] };
    const backends = ort.listSupportedBackends ? ort.listSupportedBackends() : [{ name: 'cpu', bundled: true }];
    const installed = (name: string) => {
      if (!binDir) return false;
      try {
        return fs.readdirSync(binDir).some((f) => f.toLowerCase().includes(`providers_${name}`));
      } catch {
        return false;
      }
    };
    const usable = backends.filter((b) => b.bundled !== false || installed(b.name)).map((b) => b.name);
    cached = { version, executionProviders: usable, notInstalled: backends.map((b) => b.name).filter((n) => !usable.includes(n)) };
  } catch (e) {
    cached = { version, executionProviders: [], notInstalled: [], error: e instanceof Error ? e.message : String(e) };
  }
  return cached;
}
