// The built main.js and preload.js, loaded the way Resolve's Electron would load them, with the
// Electron surfaces they use replaced by a small recorder and WorkflowIntegration.node by the
// Resolve double: handlers, window options, the IPC round trip and the Origin stripping.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildResolvePlugin } from '../../src/install/build-plugin.js';
import { IPC, PRELOAD_GLOBAL, type ResolvePreloadApi } from '../../src/plugin/ipc.js';
import { makeDouble } from '../doubles/load-fixture.js';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

describe('built plugin bundles (main.js + preload.js)', () => {
  let dir: string;
  let pluginDir: string;
  const handlers = new Map<string, Handler>();
  const windows: Array<{ options: Record<string, unknown>; loaded?: string }> = [];
  const headerHooks: Array<{ urls: string[]; fn: (d: { requestHeaders: Record<string, string> }, cb: (r: { requestHeaders: Record<string, string> }) => void) => void }> = [];
  const exposed = new Map<string, unknown>();
  const double = makeDouble('timeline-24');
  let quits = 0;
  const originalLoad = (Module as unknown as { _load: (req: string, parent: unknown, isMain: boolean) => unknown })._load;

  const electron = {
    app: { whenReady: () => Promise.resolve(), on: () => {}, quit: () => void quits++ },
    BrowserWindow: class {
      webContents = { session: { webRequest: { onBeforeSendHeaders: (filter: { urls: string[] }, fn: (typeof headerHooks)[number]['fn']) => void headerHooks.push({ urls: filter.urls, fn }) } } };
      private readonly rec: (typeof windows)[number];
      constructor(options: Record<string, unknown>) {
        this.rec = { options };
        windows.push(this.rec);
      }
      loadFile(p: string) {
        this.rec.loaded = p;
        return Promise.resolve();
      }
      on() {}
    },
    ipcMain: { handle: (channel: string, fn: Handler) => void handlers.set(channel, fn) },
    shell: { showItemInFolder: () => {} },
    // Preload side: invoke goes to the main handlers, both ways through structured cloning.
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        const h = handlers.get(channel);
        if (!h) throw new Error(`No handler registered for '${channel}'`);
        return structuredClone(await h({}, ...structuredClone(args)));
      },
    },
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ss-resolve-bundle-'));
    pluginDir = await buildResolvePlugin(join(dir, 'com.syntheticstudio.resolve'));
    writeFileSync(join(dir, 'token'), 'tok-123\n');
    writeFileSync(join(pluginDir, 'bridge.json'), JSON.stringify({ url: 'http://127.0.0.1:47788', tokenFile: join(dir, 'token') }));
    (Module as unknown as { _load: typeof originalLoad })._load = function (req, parent, isMain) {
      if (req === 'electron') return electron;
      if (req === './WorkflowIntegration.node') return double.module;
      return originalLoad.call(this, req, parent, isMain);
    };
    const req = createRequire(join(pluginDir, 'main.js'));
    req(join(pluginDir, 'main.js'));
    req(join(pluginDir, 'preload.js'));
    await new Promise((r) => setImmediate(r)); // app.whenReady().then(...)
  });
  after(() => {
    (Module as unknown as { _load: typeof originalLoad })._load = originalLoad;
    rmSync(dir, { recursive: true, force: true });
  });

  it('main.js registers every IPC channel and opens a sandboxed, context-isolated window with preload.js', () => {
    assert.deepEqual([...handlers.keys()].sort(), Object.values(IPC).sort());
    assert.equal(windows.length, 1);
    const prefs = windows[0]!.options.webPreferences as Record<string, unknown>;
    assert.deepEqual(prefs, { preload: join(pluginDir, 'preload.js'), contextIsolation: true, sandbox: true, nodeIntegration: false });
    assert.equal(windows[0]!.loaded, join(pluginDir, 'index.html'));
  });

  it('strips the Origin header only on requests to the linked bridge', () => {
    assert.equal(headerHooks.length, 1);
    assert.deepEqual(headerHooks[0]!.urls, ['ws://127.0.0.1:47788/*', 'wss://127.0.0.1:47788/*', 'http://127.0.0.1:47788/*', 'https://127.0.0.1:47788/*']);
    let seen: Record<string, string> = {};
    headerHooks[0]!.fn({ requestHeaders: { Origin: 'null', 'User-Agent': 'x' } }, (r) => (seen = r.requestHeaders));
    assert.deepEqual(seen, { 'User-Agent': 'x' });
  });

  it('preload.js exposes the API; a call crosses IPC to main.js, which asks Resolve (Promise API)', async () => {
    const api = exposed.get(PRELOAD_GLOBAL) as ResolvePreloadApi;
    assert.deepEqual(Object.keys(api).sort(), ['bridgeConfig', 'bridgeFetch', 'getSelection', 'importResult', 'info', 'reveal']);
    const sel = await api.getSelection({});
    assert.ok(sel.ok && sel.value.selection);
    assert.deepEqual([sel.value.selection.sourceIn, sel.value.selection.sourceOut, sel.value.selection.placement?.start], [24, 72, 86400]);
    const info = await api.info();
    assert.ok(info.ok && info.value.api === 'promise');
    assert.deepEqual(await api.bridgeConfig(), { ok: true, value: { url: 'http://127.0.0.1:47788', token: 'tok-123' } });
    assert.equal(double.callbacks.has('ResolveQuit'), true, 'quits with Resolve');
    double.emit('ResolveQuit');
    assert.equal(quits, 1);
  });

  it('bridgeFetch refuses anything but the linked bridge', async () => {
    const api = exposed.get(PRELOAD_GLOBAL) as ResolvePreloadApi;
    const r = await api.bridgeFetch({ url: 'http://example.com/steal' });
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.error.code, 'E_HOST_REFUSED');
  });
});
