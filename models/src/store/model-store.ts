/**
 * The installed-models folder. Each model is `<modelsDir>/<name>/` in the diffusers/Optimum layout
 * plus `studio-model.json` (name, kind, source, every file's size and sha256 as installed).
 * Installs and imports are staged in `<modelsDir>/.staging-<name>/` (where interrupted downloads
 * keep their .part files for resuming) and renamed into place only when complete.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { StudioError } from '@synthetic-studio/shared';
import { fileUrl, findManifest, loadManifests, ModelKindName, ModelManifest } from '../manifest.js';
import { downloadFile, DownloadOptions } from './download.js';
import { listFiles, sha256File } from './hash.js';

export const RECORD_FILE = 'studio-model.json';

export interface InstalledRecord {
  name: string;
  kind: ModelKindName;
  source: string;
  installedAt: string;
  files: { path: string; size: number; sha256: string }[];
}

export interface InstalledModel { name: string; dir: string; record: InstalledRecord | null }

export interface FileProblem { path: string; problem: 'missing' | 'size' | 'sha256'; expected: string; actual: string }

/** Validates a model folder's sub-models (signatures); returns its kind. Supplied by the runtime layer. */
export type FolderValidator = (dir: string) => Promise<{ kind: ModelKindName }>;

export interface PullOptions extends Pick<DownloadOptions, 'retries' | 'backoffMs' | 'onProgress' | 'signal' | 'onRequest' | 'idleTimeoutMs'> {
  /** Replace the manifest's baseUrl (mirrors, tests). */
  baseUrl?: string;
  validate?: FolderValidator;
  /** Notes about unchecked hashes etc. */
  onNote?: (msg: string) => void;
}

const ignoreInternal = (rel: string) => rel === RECORD_FILE || rel.endsWith('.part');

export class ModelStore {
  readonly manifests: ModelManifest[];

  constructor(readonly modelsDir: string, manifests?: ModelManifest[]) {
    this.manifests = manifests ?? loadManifests();
  }

  dirOf(name: string): string {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) throw new StudioError('E_VALIDATION', `invalid model name '${name}'`);
    return join(this.modelsDir, name);
  }

  /** A name of an installed model, or a path to a model folder. */
  resolve(nameOrDir: string): { dir: string; name: string; installed: boolean } {
    if (/^[a-z0-9][a-z0-9._-]*$/i.test(nameOrDir) && existsSync(join(this.modelsDir, nameOrDir))) return { dir: join(this.modelsDir, nameOrDir), name: nameOrDir, installed: true };
    const dir = resolve(nameOrDir);
    if (existsSync(dir) && statSync(dir).isDirectory()) return { dir, name: basename(dir), installed: false };
    throw new StudioError('E_MODEL_MISSING', `no installed model or folder named '${nameOrDir}' (models folder: ${this.modelsDir})`);
  }

  readRecord(dir: string): InstalledRecord | null {
    const p = join(dir, RECORD_FILE);
    if (!existsSync(p)) return null;
    try { return JSON.parse(readFileSync(p, 'utf8')) as InstalledRecord; } catch { throw new StudioError('E_MODEL_CORRUPT', `${p} is not valid JSON`); }
  }

  installed(): InstalledModel[] {
    if (!existsSync(this.modelsDir)) return [];
    return readdirSync(this.modelsDir)
      .filter((n) => !n.startsWith('.') && statSync(join(this.modelsDir, n)).isDirectory())
      .sort()
      .map((name) => ({ name, dir: join(this.modelsDir, name), record: this.readRecord(join(this.modelsDir, name)) }));
  }

  /** Compare a folder's files with its manifest (known hashes/sizes) and install record. */
  async verifyFiles(dir: string, name = basename(dir)): Promise<{ checked: number; problems: FileProblem[]; unchecked: string[] }> {
    const record = this.readRecord(dir);
    const manifest = findManifest(record?.name ?? name, this.manifests);
    const expected = new Map<string, { size: number | 'unknown'; sha256: string | 'unknown' }>();
    for (const f of record?.files ?? []) expected.set(f.path, { size: f.size, sha256: f.sha256 });
    for (const f of manifest?.files ?? []) {
      const prev = expected.get(f.path);
      expected.set(f.path, { size: f.size !== 'unknown' ? f.size : prev?.size ?? 'unknown', sha256: f.sha256 !== 'unknown' ? f.sha256 : prev?.sha256 ?? 'unknown' });
    }
    const problems: FileProblem[] = [];
    const unchecked: string[] = [];
    let checked = 0;
    if (expected.size === 0) for (const rel of listFiles(dir, ignoreInternal)) unchecked.push(rel);
    for (const [path, exp] of expected) {
      const p = join(dir, path);
      if (!existsSync(p)) { problems.push({ path, problem: 'missing', expected: 'present', actual: 'missing' }); continue; }
      const size = statSync(p).size;
      if (exp.size !== 'unknown' && size !== exp.size) { problems.push({ path, problem: 'size', expected: String(exp.size), actual: String(size) }); continue; }
      if (exp.sha256 === 'unknown') { unchecked.push(path); continue; }
      const h = await sha256File(p);
      checked++;
      if (h !== exp.sha256) problems.push({ path, problem: 'sha256', expected: exp.sha256, actual: h });
    }
    return { checked, problems, unchecked };
  }

  private async writeRecord(dir: string, name: string, kind: ModelKindName, source: string): Promise<InstalledRecord> {
    const files = [];
    for (const rel of listFiles(dir, ignoreInternal)) files.push({ path: rel, size: statSync(join(dir, rel)).size, sha256: await sha256File(join(dir, rel)) });
    const record: InstalledRecord = { name, kind, source, installedAt: new Date().toISOString(), files };
    writeFileSync(join(dir, RECORD_FILE), JSON.stringify(record, null, 2) + '\n');
    return record;
  }

  /** Move a complete staging folder into place, replacing an older install. */
  private commit(staging: string, dest: string): void {
    if (existsSync(dest)) {
      const old = `${dest}.old-${process.pid}-${Date.now()}`;
      renameSync(dest, old);
      renameSync(staging, dest);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(staging, dest);
  }

  /** Validate and copy a model folder into the store under `name` (default: the folder name). */
  async importFolder(src: string, validate: FolderValidator, name = basename(resolve(src)).toLowerCase()): Promise<InstalledRecord> {
    const { kind } = await validate(src); // refuses a mismatch before anything is copied
    const dest = this.dirOf(name);
    const staging = join(this.modelsDir, `.staging-${name}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(this.modelsDir, { recursive: true });
    cpSync(src, staging, { recursive: true, filter: (p) => !p.endsWith('.part') && basename(p) !== RECORD_FILE });
    const record = await this.writeRecord(staging, name, kind, `import:${resolve(src)}`);
    this.commit(staging, dest);
    return record;
  }

  /** Download a manifest's files into staging (resuming), check them, validate, install atomically. */
  async pull(name: string, o: PullOptions = {}): Promise<InstalledRecord> {
    const m = findManifest(name, this.manifests);
    if (!m) throw new StudioError('E_MODEL_MISSING', `no manifest named '${name}'; known: ${this.manifests.map((x) => x.name).join(', ') || 'none'}`);
    const staging = join(this.modelsDir, `.staging-${name}`);
    mkdirSync(staging, { recursive: true });
    for (const f of m.files) {
      const url = fileUrl(m, f, o.baseUrl ?? m.baseUrl);
      if (!url) throw new StudioError('E_MODEL_MISSING', `${name}: no download source for ${f.path} (${m.notes ?? 'export it yourself and use `models import`'})`);
      const dest = join(staging, f.path);
      if (existsSync(dest) && (f.sha256 === 'unknown' || (await sha256File(dest)) === f.sha256)) continue; // done in an earlier run
      if (f.sha256 === 'unknown') o.onNote?.(`${f.path}: no known sha256; size/transfer checks only`);
      await downloadFile({ url, dest, size: f.size, sha256: f.sha256, retries: o.retries, backoffMs: o.backoffMs, onProgress: o.onProgress, signal: o.signal, onRequest: o.onRequest, idleTimeoutMs: o.idleTimeoutMs });
    }
    for (const [rel, obj] of Object.entries(m.configs ?? {})) {
      mkdirSync(join(staging, rel, '..'), { recursive: true });
      writeFileSync(join(staging, rel), JSON.stringify(obj, null, 2) + '\n');
    }
    if (o.validate) {
      const { kind } = await o.validate(staging);
      if (kind !== m.kind) throw new StudioError('E_MODEL_SIGNATURE', `${name}: the downloaded UNet is a ${kind} model, the manifest says ${m.kind}`);
    }
    const record = await this.writeRecord(staging, name, m.kind, m.source);
    this.commit(staging, this.dirOf(name));
    return record;
  }

  /** Re-download every file of an installed model that fails its size/hash check. */
  async repair(name: string, o: PullOptions = {}): Promise<{ repaired: string[] }> {
    const dir = this.dirOf(name);
    if (!existsSync(dir)) return this.pull(name, o).then((r) => ({ repaired: r.files.map((f) => f.path) }));
    const m = findManifest(name, this.manifests);
    const { problems } = await this.verifyFiles(dir, name);
    if (problems.length === 0) return { repaired: [] };
    if (!m) throw new StudioError('E_MODEL_CORRUPT', `${name}: ${problems.length} file(s) fail their check and there is no manifest to re-download them from; re-import the model`);
    const repaired: string[] = [];
    for (const p of problems) {
      const f = m.files.find((x) => x.path === p.path);
      const url = f ? fileUrl(m, f, o.baseUrl ?? m.baseUrl) : null;
      if (!f || !url) throw new StudioError('E_MODEL_CORRUPT', `${name}: ${p.path} fails its check (${p.problem}) and has no download source`);
      const tmp = join(dir, `${p.path}.repair`);
      rmSync(`${tmp}.part`, { force: true });
      // hash known in the record but not the manifest: use the record's (it was measured at install)
      const want = f.sha256 !== 'unknown' ? f.sha256 : p.problem === 'sha256' ? p.expected : 'unknown';
      await downloadFile({ url, dest: tmp, size: f.size, sha256: want, retries: o.retries, backoffMs: o.backoffMs, onRequest: o.onRequest, signal: o.signal });
      renameSync(tmp, join(dir, p.path));
      repaired.push(p.path);
    }
    return { repaired };
  }

  remove(name: string): boolean {
    const dir = this.dirOf(name);
    const had = existsSync(dir);
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(this.modelsDir, `.staging-${name}`), { recursive: true, force: true });
    return had;
  }
}

/** Write a manifest for a local folder (exact sizes and hashes) — for mirrors, tests and docs. */
export async function manifestFromFolder(dir: string, m: Omit<ModelManifest, 'files'>): Promise<ModelManifest> {
  const files = [];
  for (const rel of listFiles(dir, ignoreInternal)) files.push({ path: rel, size: statSync(join(dir, rel)).size, sha256: await sha256File(join(dir, rel)) });
  return { ...m, files };
}
