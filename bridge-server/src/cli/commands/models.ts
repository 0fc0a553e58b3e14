/**
 * `synthetic-studio models …`: list, verify, import, pull, repair, remove and build-fixtures.
 * The models folder is --models-dir, else $SYNTHETIC_STUDIO_MODELS, else the config's modelsDir.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { buildFixtures, loadManifests, ModelStore, parseManifest, type ModelManifest } from '@synthetic-studio/models';
import { isStudioError, StudioError, toStudioError } from '@synthetic-studio/shared';
import { loadConfig } from '../../config/index.js';
import { DiffusionRuntime, validateModelFolder } from '../../diffusion/index.js';
import { parseIntOption } from '../options.js';

interface CommonOptions { modelsDir?: string; configDir?: string; manifest?: string[] }

/** Where installed models live for this invocation. */
export function resolveModelsDir(o: CommonOptions, env: Record<string, string | undefined> = process.env): string {
  if (o.modelsDir) return path.resolve(o.modelsDir);
  if (env.SYNTHETIC_STUDIO_MODELS?.trim()) return path.resolve(env.SYNTHETIC_STUDIO_MODELS);
  return loadConfig({ configDir: o.configDir }).modelsDir;
}

/** Where command output goes (tests pass their own sinks). */
export interface CommandIO { out(text: string): void; err(text: string): void }
const stdio: CommandIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

async function withRuntime<T>(fn: (rt: DiffusionRuntime) => Promise<T>): Promise<T> {
  const rt = new DiffusionRuntime({ mode: 'in-process' });
  try {
    return await fn(rt);
  } finally {
    await rt.dispose();
  }
}

/** The shipped manifests plus any given with --manifest (mirrors, private models). */
function storeFor(o: CommonOptions & { manifest?: string[] }): ModelStore {
  const extra = (o.manifest ?? []).map((f) => {
    let json: unknown;
    try { json = JSON.parse(readFileSync(f, 'utf8')); } catch (e) { throw new StudioError('E_VALIDATION', `cannot read manifest ${f}: ${(e as Error).message}`); }
    return parseManifest(json, f);
  });
  const shipped = loadManifests().filter((m) => !extra.some((x) => x.name === m.name));
  return new ModelStore(resolveModelsDir(o), [...extra, ...shipped]);
}

const validator = (dir: string) => withRuntime((rt) => validateModelFolder(dir, rt));

function fmtBytes(n: number | 'unknown'): string {
  if (n === 'unknown') return 'size unknown';
  const u = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i ? 1 : 0)} ${u[i]}`;
}

function manifestSize(m: ModelManifest): string {
  if (m.files.some((f) => f.size === 'unknown')) return 'size unknown';
  return fmtBytes(m.files.reduce((s, f) => s + (f.size as number), 0));
}

export function registerModelsCommand(program: Command, io: CommandIO = stdio): void {
  const out = (s: string) => io.out(s + '\n');
  /** Run an action, printing StudioErrors as `error CODE: message` and setting a failing exit code. */
  const guarded = <A extends unknown[]>(fn: (...a: A) => Promise<void>) => async (...a: A): Promise<void> => {
    try {
      await fn(...a);
    } catch (e) {
      const err = toStudioError(e);
      io.err(`error ${err.code}: ${err.message}\n${isStudioError(e) && err.code !== 'E_INTERNAL' ? `hint: ${err.hint}\n` : ''}`);
      process.exitCode = 1;
    }
  };
  const models = program.command('models').description('Install, check and remove diffusion models (SD-1.5 inpainting, IC-Light, TAESD, …).');
  const common = (c: Command) => c
    .option('--models-dir <dir>', 'models folder (default: $SYNTHETIC_STUDIO_MODELS or the config\'s modelsDir)')
    .option('--config-dir <dir>', 'config folder')
    .option('--manifest <file>', 'also use this manifest JSON (repeatable)', (v: string, prev: string[] = []) => [...prev, v]);

  common(models.command('list').description('List installed models and the known models that can be installed.').option('--json', 'machine-readable output'))
    .action(guarded(async (o: CommonOptions & { json?: boolean }) => {
      const store = storeFor(o);
      const installed = store.installed();
      if (o.json) {
        out(JSON.stringify({ modelsDir: store.modelsDir, installed: installed.map((m) => ({ name: m.name, kind: m.record?.kind ?? null, dir: m.dir })), known: store.manifests.map((m) => ({ name: m.name, kind: m.kind, downloadable: !!m.baseUrl, verified: m.verified, license: m.license })) }, null, 2));
        return;
      }
      out(`Models folder: ${store.modelsDir}`);
      out(installed.length ? 'Installed:' : 'Installed: none');
      for (const m of installed) out(`  ${m.name.padEnd(22)} ${(m.record?.kind ?? 'unrecorded').padEnd(12)} ${m.record ? fmtBytes(m.record.files.reduce((s, f) => s + f.size, 0)) : ''}`);
      out('Known:');
      for (const m of store.manifests) {
        const how = m.baseUrl ? `pull (${m.verified ? 'verified source' : 'unverified source'}, ${manifestSize(m)})` : 'import only (no published ONNX)';
        out(`  ${m.name.padEnd(22)} ${m.kind.padEnd(12)} ${how}; licence: ${m.license}`);
      }
    }));

  common(models.command('verify <nameOrDir>').description('Check file sizes and sha256 hashes, then open every sub-model and check its inputs/outputs.').option('--no-signatures', 'hashes only'))
    .action(guarded(async (nameOrDir: string, o: CommonOptions & { signatures: boolean }) => {
      const store = storeFor(o);
      const { dir, name } = store.resolve(nameOrDir);
      const files = await store.verifyFiles(dir, name);
      out(`${dir}`);
      out(`  hashes: ${files.checked} checked, ${files.unchecked.length} without a known hash, ${files.problems.length} failing`);
      for (const p of files.problems) out(`  FAIL ${p.path}: ${p.problem} (expected ${p.expected}, found ${p.actual})`);
      let ok = files.problems.length === 0;
      if (o.signatures) {
        try {
          const v = await validator(dir);
          out(`  signatures: ok — kind ${v.kind}${v.unetInfo ? `, UNet ${v.unetInfo.inChannels} channels (${v.unetInfo.channelsFrom}), timestep rank ${v.unetInfo.timestepRank}, ${v.unetInfo.floatType}` : ''}, runs on ${v.provider}`);
        } catch (e) {
          ok = false;
          const err = toStudioError(e);
          out(`  signatures: FAIL ${err.code}: ${err.message}`);
        }
      }
      out(ok ? 'OK' : 'FAILED (run `synthetic-studio models repair <name>` for hash failures)');
      if (!ok) process.exitCode = 1;
    }));

  common(models.command('import <dir>').description('Validate every sub-model of an exported model folder and copy it into the models folder.').option('--name <name>', 'name to install under (default: folder name)'))
    .action(guarded(async (dir: string, o: CommonOptions & { name?: string }) => {
      const store = storeFor(o);
      const rec = await store.importFolder(path.resolve(dir), validator, o.name);
      out(`Imported ${rec.name} (${rec.kind}, ${rec.files.length} files, ${fmtBytes(rec.files.reduce((s, f) => s + f.size, 0))}) into ${store.dirOf(rec.name)}`);
    }));

  common(models.command('pull <name>').description('Download a known model (resumable, retried, hash-checked) and install it atomically.').option('--base-url <url>', 'download from this mirror instead').option('--retries <n>', 'retries per file', parseIntOption, 4))
    .action(guarded(async (name: string, o: CommonOptions & { baseUrl?: string; retries: number }) => {
      const store = storeFor(o);
      let last = 0;
      const rec = await store.pull(name, {
        baseUrl: o.baseUrl, retries: o.retries, validate: validator, onNote: (m) => out(`note: ${m}`),
        onProgress: (p) => { const now = Date.now(); if (now - last > 1000) { last = now; io.err(`  ${path.basename(p.path)} ${fmtBytes(p.received)}${p.total ? ` / ${fmtBytes(p.total)}` : ''}\r`); } },
      });
      out(`Installed ${rec.name} (${rec.kind}) into ${store.dirOf(rec.name)}`);
    }));

  common(models.command('repair <name>').description('Re-download the files of an installed model that fail their size or hash check.').option('--base-url <url>', 'download from this mirror instead'))
    .action(guarded(async (name: string, o: CommonOptions & { baseUrl?: string }) => {
      const store = storeFor(o);
      const r = await store.repair(name, { baseUrl: o.baseUrl });
      out(r.repaired.length ? `Repaired ${r.repaired.join(', ')}` : `${name}: every file passes its check; nothing to repair`);
    }));

  common(models.command('remove <name>').description('Delete an installed model.'))
    .action(guarded(async (name: string, o: CommonOptions) => {
      const store = storeFor(o);
      out(store.remove(name) ? `Removed ${name}` : `${name} was not installed`);
    }));

  models.command('build-fixtures <dir>').description('Write tiny random-weight test models (sd, sd-inpaint, ic-light-fc, taesd) with the real ONNX signatures.').option('--seed <n>', 'weight seed', parseIntOption, 1234)
    .action(guarded(async (dir: string, o: { seed: number }) => {
      const paths = buildFixtures(path.resolve(dir), { seed: o.seed });
      for (const [k, p] of Object.entries(paths)) out(`${k.padEnd(12)} ${p}`);
    }));
}
