#!/usr/bin/env node
// Runs every bridge-server/bench/*.bench.ts (each exports `async function run()` that prints ratios
// against a baseline measured in the same run), one child process each so benchmarks do not
// disturb each other. Usage: npm run bench [-- <name filter> ...]
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, 'bridge-server', 'bench');
const filters = process.argv.slice(2);

let files = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`no benchmarks matched ${filters.join(' ') || '(none present)'}`);
  process.exit(1);
}

function runOne(file) {
  const url = pathToFileURL(join(benchDir, file)).href;
  const code = `const m = await import(${JSON.stringify(url)}); if (typeof m.run !== 'function') throw new Error('${file} does not export run()'); await m.run();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, stdio: 'inherit' });
    child.on('exit', (c, signal) => resolve(signal ? 1 : c ?? 1));
  });
}

const failed = [];
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  console.log(`\n=== ${name} ===`);
  const t0 = performance.now();
  const code = await runOne(file);
  console.log(`--- ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (code !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
