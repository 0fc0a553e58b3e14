#!/usr/bin/env node
// Builds every bundle the workspaces declare. Data-driven: each workspace may have a
// `build.config.mjs` whose default export is an array of esbuild options (or a function, possibly
// async, returning one); each entry may carry a `name` used for filtering and in the log.
// Paths in the options are relative to that workspace. Usage: npm run build [-- <name filter> ...]
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;

const jobs = [];
for (const ws of workspaces) {
  const file = join(root, ws, 'build.config.mjs');
  if (!existsSync(file)) continue;
  const mod = await import(pathToFileURL(file).href);
  const value = typeof mod.default === 'function' ? await mod.default({ root, workspace: join(root, ws) }) : mod.default;
  for (const [i, entry] of (Array.isArray(value) ? value : [value]).entries()) {
    const { name = `${ws}#${i}`, ...options } = entry;
    jobs.push({ name, ws, options: { absWorkingDir: resolve(root, ws), logLevel: 'warning', ...options } });
  }
}
const selected = filters.length ? jobs.filter((j) => filters.some((f) => j.name.includes(f) || j.ws.includes(f))) : jobs;
if (selected.length === 0) {
  console.error(filters.length ? `no build entries matched ${filters.join(' ')}` : 'no workspace declares a build.config.mjs');
  process.exit(1);
}
let failed = 0;
for (const job of selected) {
  const t0 = performance.now();
  try {
    const result = await esbuild.build({ metafile: true, ...job.options });
    const outputs = Object.entries(result.metafile.outputs).filter(([f]) => !f.endsWith('.map'));
    const bytes = outputs.reduce((a, [, o]) => a + o.bytes, 0);
    console.log(`built ${job.name}: ${outputs.map(([f]) => f).join(', ')} (${(bytes / 1024).toFixed(0)} KiB, ${Math.round(performance.now() - t0)} ms)`);
  } catch (e) {
    failed++;
    console.error(`FAILED ${job.name}: ${e instanceof Error ? e.message : e}`);
  }
}
process.exit(failed ? 1 : 0);
