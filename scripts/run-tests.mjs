#!/usr/bin/env node
// Runs every workspace's tests with node's built-in test runner (TypeScript through tsx).
// Usage: npm test [-- <path filter> ...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const workspaces = ['shared', 'models', 'bridge-server', 'plugin-premiere', 'plugin-resolve'];
const filters = process.argv.slice(2);

function collect(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (/\.test\.(ts|mts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

let files = workspaces.flatMap((w) => collect(join(root, w, 'test'), []));
if (filters.length) files = files.filter((f) => filters.some((x) => relative(root, f).includes(x)));
files.sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files.map((f) => relative(root, f))];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, SYNTHETIC_STUDIO_TEST: '1' } });
child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 1));
