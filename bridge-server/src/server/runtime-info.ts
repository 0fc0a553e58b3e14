import { createRequire } from 'node:module';

export interface OnnxRuntimeInfo {
  version: string;
  /** Execution providers this onnxruntime build offers (cpu, cuda, coreml, dml, …). */
  executionProviders: string[];
  error?: string;
}

let cached: OnnxRuntimeInfo | undefined;

/** onnxruntime-node's version and providers; loaded on first use (the native binding is heavy). */
export function onnxRuntimeInfo(): OnnxRuntimeInfo {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let version = 'unknown';
  try {
    version = (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    /* reported below */
  }
  try {
    const ort = require('onnxruntime-node') as { listSupportedBackends?: () => { name: string }[] };
    const providers = ort.listSupportedBackends ? ort.listSupportedBackends().map((b) => b.name) : ['cpu'];
    cached = { version, executionProviders: providers };
  } catch (e) {
    cached = { version, executionProviders: [], error: e instanceof Error ? e.message : String(e) };
  }
  return cached;
}
