import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PORT } from '../../../bridge-server/src/config/index.js';
import { BRIDGE_HOST, DEFAULT_BRIDGE_PORT, bridgeOrigins } from '../../src/bridge-endpoint.js';

const pluginRoot = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(fs.readFileSync(path.join(pluginRoot, 'manifest.json'), 'utf8')) as Record<string, unknown>;

// Keys and values as documented for manifest v5 (hosts.md §1.2).
const TOP_LEVEL = new Set(['manifestVersion', 'id', 'name', 'version', 'main', 'host', 'entrypoints', 'requiredPermissions', 'icons', 'strings', 'featureFlags', 'addon']);
const PERMISSIONS = new Set(['clipboard', 'localFileSystem', 'network', 'webview', 'launchProcess', 'allowCodeGenerationFromStrings', 'enableUserInfo', 'ipc', 'enableAddon']);
const SEMVER = /^\d+\.\d+\.\d+$/;

function versionAtLeast(v: string, min: string): boolean {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

describe('manifest.json', () => {
  it('has the v5 shape: required keys, known keys only', () => {
    assert.equal(manifest.manifestVersion, 5);
    for (const k of ['id', 'name', 'version', 'main', 'host', 'entrypoints']) assert.ok(k in manifest, `missing ${k}`);
    for (const k of Object.keys(manifest)) assert.ok(TOP_LEVEL.has(k), `unknown top-level key ${k}`);
    assert.match(manifest.id as string, /^[a-z0-9]+(\.[a-zA-Z0-9-]+)+$/);
    assert.match(manifest.version as string, SEMVER);
    assert.ok(fs.existsSync(path.join(pluginRoot, 'static', manifest.main as string)), 'main must be shipped by the build');
    assert.equal('permissions' in manifest, false, 'v5 uses requiredPermissions, not permissions');
  });

  it('has one host object: premierepro, minVersion 25.6.0 or later', () => {
    const host = manifest.host as Record<string, unknown>;
    assert.equal(Array.isArray(host), false, 'a .ccx needs a single host object, not an array');
    assert.equal(host.app, 'premierepro');
    assert.match(host.minVersion as string, SEMVER);
    assert.ok(versionAtLeast(host.minVersion as string, '25.6.0'));
    assert.equal(host.minVersion, '25.6.0');
  });

  it('has one panel entrypoint with a label', () => {
    const eps = manifest.entrypoints as Array<Record<string, unknown>>;
    const panels = eps.filter((e) => e.type === 'panel');
    assert.equal(panels.length, 1);
    assert.match(panels[0]!.id as string, /^[A-Za-z][A-Za-z0-9]*$/);
    assert.equal(typeof (panels[0]!.label as { default?: unknown }).default, 'string');
    const ids = eps.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('asks for the least permissions: exact bridge origins and the plugin-only file system', () => {
    const perms = manifest.requiredPermissions as Record<string, unknown>;
    for (const k of Object.keys(perms)) assert.ok(PERMISSIONS.has(k), `unknown permission ${k}`);
    assert.deepEqual(Object.keys(perms).sort(), ['localFileSystem', 'network']);
    assert.equal(perms.localFileSystem, 'plugin');
    const domains = (perms.network as { domains: unknown }).domains;
    assert.ok(Array.isArray(domains), 'domains must be a list, not "all"');
    for (const d of domains as string[]) {
      const u = new URL(d);
      assert.ok(['ws:', 'wss:', 'http:', 'https:'].includes(u.protocol), d);
      assert.equal(u.hostname, '127.0.0.1', `${d}: use the literal loopback address`);
      assert.match(d, /^[a-z]+:\/\/127\.0\.0\.1:\d+$/, `${d}: exact scheme://host:port, no wildcard or path`);
    }
    assert.deepEqual([...(domains as string[])].sort(), bridgeOrigins().sort());
  });

  it("matches the bridge's default port and host", () => {
    assert.equal(DEFAULT_BRIDGE_PORT, DEFAULT_PORT);
    assert.equal(BRIDGE_HOST, '127.0.0.1');
    const domains = ((manifest.requiredPermissions as { network: { domains: string[] } }).network.domains);
    for (const scheme of ['ws', 'http', 'wss', 'https']) assert.ok(domains.includes(`${scheme}://127.0.0.1:${DEFAULT_PORT}`), `${scheme} origin`);
  });
});
