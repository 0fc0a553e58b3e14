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
// A test that hangs fails after TEST_TIMEOUT_MS (the slowest takes well under 30 s here); a run
// that still does not end (e.g. a leaked child process keeps a test file's process alive) is
// stopped after RUN_BUDGET_S, so CI fails with a message instead of stalling.
const TEST_TIMEOUT_MS = Number(process.env.SYNTHETIC_STUDIO_TEST_TIMEOUT_MS) || 180_000;
const RUN_BUDGET_S = Number(process.env.SYNTHETIC_STUDIO_TEST_BUDGET_S) || 19 * 60;
const args = ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-timeout=${TEST_TIMEOUT_MS}`, '--test-reporter=spec', ...files.map((f) => relative(root, f))];
// its own process group, so the watchdog can stop the runner together with every test process
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', detached: true, env: { ...process.env, SYNTHETIC_STUDIO_TEST: '1' } });
const stopAll = (signal) => { try { process.kill(-child.pid, signal); } catch { /* already gone */ } };
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => stopAll(s));
const watchdog = setTimeout(() => {
  console.error(`\ntest run exceeded ${RUN_BUDGET_S} s: stopping it (a test or a process it started did not finish)`);
  stopAll('SIGTERM');
  setTimeout(() => stopAll('SIGKILL'), 5000).unref();
  process.exitCode = 1;
}, RUN_BUDGET_S * 1000);
child.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  process.exit(process.exitCode || (signal ? 1 : code ?? 1));
});
