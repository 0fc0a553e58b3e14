#!/usr/bin/env node
// Compiles the AssemblyScript kernels into the WebAssembly modules the bridge loads at run time.
// The binaries are committed (so running needs no compiler); a test rebuilds them into a temporary
// folder and checks they equal the committed ones. Usage: npm run build:wasm [-- --out <dir>]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Every AssemblyScript file in bridge-server/wasm/ is a module; its binary goes beside the temporal engine. */
export const WASM_MODULES = readdirSync(join(root, 'bridge-server/wasm')).filter((f) => f.endsWith('.ts')).sort()
  .map((f) => ({ source: `bridge-server/wasm/${f}`, binary: `bridge-server/src/temporal/${f.replace(/\.ts$/, '.wasm')}` }));
// imported shared memory (threads), 128-bit SIMD, no runtime: the kernels only read and write
// arrays the caller laid out in that memory
const FLAGS = ['-O3', '--runtime', 'stub', '--noAssert', '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
  '--enable', 'simd,threads,nontrapping-f2i,bulk-memory'];

/** Builds every module; outDir replaces the binaries' folders (for the freshness test). Returns the written paths. */
export function buildWasm(outDir) {
  const asc = join(createRequire(import.meta.url).resolve('assemblyscript/package.json'), '..', 'bin', 'asc.js');
  const out = [];
  for (const m of WASM_MODULES) {
    const target = outDir ? join(outDir, m.binary.split('/').pop()) : join(root, m.binary);
    const r = spawnSync(process.execPath, [asc, join(root, m.source), '-o', target, ...FLAGS], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`asc failed for ${m.source}:\n${r.stdout}${r.stderr}`);
    out.push(target);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--out');
  for (const p of buildWasm(i > 0 ? process.argv[i + 1] : undefined)) console.log(`built ${p}`);
}
