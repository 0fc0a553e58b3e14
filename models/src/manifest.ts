/**
 * Model manifests: what a known real model is, where it comes from, what its files must hash to.
 * Hashes and sizes are "unknown" unless someone actually measured them; `pull` then still
 * downloads but can only check what is known (and says so).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '@synthetic-studio/shared';
import { BUILTIN_MANIFEST_FILES } from './builtin-manifests.js';

export type ModelKindName = 'sd' | 'sd-inpaint' | 'ic-light-fc' | 'ic-light-fbc' | 'taesd';
export const MODEL_KINDS: ModelKindName[] = ['sd', 'sd-inpaint', 'ic-light-fc', 'ic-light-fbc', 'taesd'];

export interface ManifestFile {
  /** Path inside the installed model folder (forward slashes). */
  path: string;
  /** Download URL; default `baseUrl + (source path ?? path)`. */
  url?: string;
  size: number | 'unknown';
  sha256: string | 'unknown';
}

export interface ModelManifest {
  name: string;
  kind: ModelKindName;
  description: string;
  /** Human-facing page of the model. */
  source: string;
  license: string;
  /** Files are fetched from baseUrl + path unless they carry their own url. Absent = not downloadable. */
  baseUrl?: string;
  /** false when the URLs/layout were not checked against the live host. */
  verified: boolean;
  notes?: string;
  files: ManifestFile[];
  /** Small JSON files written verbatim into the folder at install (e.g. config.json for a tiny VAE). */
  configs?: Record<string, unknown>;
  recommended: { steps?: number; guidance?: number; scheduler?: string; resolution?: number; strength?: number; [k: string]: unknown };
}

export const MANIFEST_DIR = fileURLToPath(new URL('../manifests/', import.meta.url));

function fail(origin: string, msg: string): never {
  throw new StudioError('E_VALIDATION', `manifest ${origin}: ${msg}`, { origin });
}

/** Validate a parsed manifest object, naming the first field at fault. */
export function parseManifest(obj: unknown, origin = '<inline>'): ModelManifest {
  if (typeof obj !== 'object' || obj === null) fail(origin, 'not an object');
  const m = obj as Record<string, unknown>;
  for (const k of ['name', 'kind', 'description', 'source', 'license']) if (typeof m[k] !== 'string' || !(m[k] as string).length) fail(origin, `'${k}' must be a non-empty string`);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(m.name as string)) fail(origin, `'name' must be lowercase letters, digits, '.', '_' or '-'`);
  if (!MODEL_KINDS.includes(m.kind as ModelKindName)) fail(origin, `'kind' must be one of ${MODEL_KINDS.join(', ')}`);
  if (m.baseUrl !== undefined && typeof m.baseUrl !== 'string') fail(origin, `'baseUrl' must be a string`);
  if (typeof m.verified !== 'boolean') fail(origin, `'verified' must be true or false`);
  if (!Array.isArray(m.files) || m.files.length === 0) fail(origin, `'files' must be a non-empty array`);
  (m.files as unknown[]).forEach((f, i) => {
    const x = f as Record<string, unknown>;
    if (typeof x.path !== 'string' || x.path.startsWith('/') || x.path.split('/').includes('..')) fail(origin, `files[${i}].path must be a relative path inside the model folder`);
    if (!(x.size === 'unknown' || (typeof x.size === 'number' && x.size >= 0))) fail(origin, `files[${i}].size must be a byte count or "unknown"`);
    if (!(x.sha256 === 'unknown' || (typeof x.sha256 === 'string' && /^[0-9a-f]{64}$/.test(x.sha256)))) fail(origin, `files[${i}].sha256 must be 64 lowercase hex digits or "unknown"`);
  });
  if (typeof m.recommended !== 'object' || m.recommended === null) fail(origin, `'recommended' must be an object`);
  return m as unknown as ModelManifest;
}

/** Every manifest in a folder; without a folder, the shipped manifests (bundled as JSON). */
export function loadManifests(dir?: string): ModelManifest[] {
  if (dir === undefined) return Object.entries(BUILTIN_MANIFEST_FILES).map(([f, json]) => parseManifest(json, f));
  let names: string[];
  try { names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort(); } catch { return []; }
  return names.map((f) => {
    let json: unknown;
    try { json = JSON.parse(readFileSync(join(dir, f), 'utf8')); } catch (e) { fail(f, `invalid JSON: ${(e as Error).message}`); }
    return parseManifest(json, f);
  });
}

export function findManifest(name: string, manifests = loadManifests()): ModelManifest | undefined {
  return manifests.find((m) => m.name === name);
}

/** Download URL of one file, or null when the manifest has no source for it. */
export function fileUrl(m: ModelManifest, f: ManifestFile, baseUrl = m.baseUrl): string | null {
  if (f.url && f.url !== 'unknown') return f.url;
  if (!baseUrl) return null;
  return baseUrl.replace(/\/?$/, '/') + f.path.split('/').map(encodeURIComponent).join('/');
}
