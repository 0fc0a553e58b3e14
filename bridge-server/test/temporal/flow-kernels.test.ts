import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HEADER, HEADER_WORDS } from '../../src/temporal/flow-dis-bands.js';
import { disKernelModule } from '../../src/temporal/flow-kernels.js';
import { KernelArena } from '../../src/temporal/wasm-arena.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const source = join(root, 'bridge-server/wasm/dis-kernels.ts');

test('the committed kernel binaries are the build of their AssemblyScript sources', () => {
  const out = mkdtempSync(join(tmpdir(), 'wasm-'));
  try {
    execFileSync(process.execPath, [join(root, 'scripts/build-wasm.mjs'), '--out', out], { stdio: 'pipe' });
    const built = readdirSync(out).filter((f) => f.endsWith('.wasm'));
    assert.ok(built.includes('dis-kernels.wasm'));
    for (const f of built) {
      const committed = readFileSync(join(root, 'bridge-server/src/temporal', f));
      assert.ok(readFileSync(join(out, f)).equals(committed), `bridge-server/src/temporal/${f} is stale: run \`npm run build:wasm\``);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the level header layout is the same on both sides', () => {
  // every H_NAME = k constant of the kernel source against HEADER.NAME
  const src = readFileSync(source, 'utf8');
  const found = new Map<string, number>();
  for (const m of src.matchAll(/\bH_([A-Z0-9_]+) = (\d+)/g)) found.set(m[1], Number(m[2]));
  assert.equal(found.size, Object.keys(HEADER).length);
  for (const [k, v] of Object.entries(HEADER)) assert.equal(found.get(k), v, `H_${k}`);
  assert.ok(Math.max(...Object.values(HEADER)) < HEADER_WORDS);
  // the kernels import only the memory
  assert.deepEqual(WebAssembly.Module.imports(disKernelModule()).map((i) => `${i.module}.${i.name}:${i.kind}`), ['env.memory:memory']);
});

test('arena arrays are 16-byte aligned, survive growth and are reused after a reset', () => {
  const A = new KernelArena();
  const a = A.float32(3);
  a.set([1, 2, 3]);
  const b = A.uint8(5);
  const big = A.float32(1 << 20); // grows the memory
  big[big.length - 1] = 7;
  assert.deepEqual([...a], [1, 2, 3]);
  for (const v of [a, b, big]) assert.equal(v.byteOffset % 16, 0);
  assert.ok(b.byteOffset >= a.byteOffset + 12 && big.byteOffset >= b.byteOffset + 5);
  assert.ok(a.byteOffset > 0, 'address 0 means "no array" to the kernels');
  const used = A.used;
  A.reset();
  const c = A.float32(3);
  assert.equal(c.byteOffset, a.byteOffset);
  assert.ok(A.used < used);
});
