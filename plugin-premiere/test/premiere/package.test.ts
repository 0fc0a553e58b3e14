import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import zlib from 'node:zlib';
// @ts-expect-error plain .mjs build script without declarations
import { buildPlugin, packagePlugin } from '../../scripts/build.mjs';

/** Read a zip through its central directory, inflating and CRC-checking every entry. */
function readZip(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    assert.equal(buf.readUInt32LE(local), 0x04034b50);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const compressed = buf.readUInt32LE(p + 20);
    const raw = buf.subarray(dataStart, dataStart + compressed);
    const data = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    assert.equal(data.length, size, name);
    assert.equal(zlib.crc32(data), crc, `${name} CRC`);
    out.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe('plugin build and .ccx package', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-ppro-pkg-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('bundles to CommonJS with only the host modules left to require()', async () => {
    const dir: string = await buildPlugin({ outDir: path.join(tmp, 'plugin'), minify: false });
    const js = fs.readFileSync(path.join(dir, 'main.js'), 'utf8');
    const required = new Set([...js.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    assert.deepEqual([...required], ['premierepro']);
    assert.doesNotMatch(js, /\bimport\s*\(|^import\s|^export\s/m, 'no ESM syntax left');
    assert.match(js, /Synthetic Studio: place result/, 'the adapter is bundled in');
    assert.match(js, /ss-panel/, 'the shared panel is bundled in');
    assert.ok(fs.existsSync(path.join(dir, 'index.html')));
  });

  it('packages a zip with manifest.json at its root and the same bytes as the build', async () => {
    const dir = path.join(tmp, 'plugin');
    const ccx: string = packagePlugin(dir, path.join(tmp, 'out'));
    assert.equal(path.basename(ccx), 'com.syntheticstudio.premiere_premierepro.ccx');
    const entries = readZip(fs.readFileSync(ccx));
    assert.deepEqual([...entries.keys()], ['manifest.json', 'index.html', 'main.js']);
    for (const [name, data] of entries) assert.ok(data.equals(fs.readFileSync(path.join(dir, name))), name);
    assert.equal(JSON.parse(entries.get('manifest.json')!.toString('utf8')).host.app, 'premierepro');
  });
});
