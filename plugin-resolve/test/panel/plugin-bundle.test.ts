// The built main.js and preload.js, loaded the way Resolve's Electron would load them, with the
// Electron surfaces they use replaced by a small recorder (IPC crosses by structured cloning,
// asynchronously) and WorkflowIntegration.node by the Resolve double: handlers, window options,
// the IPC round trip, and the bridge websocket relayed by main.js to a real bridge.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@synthetic-studio/shared';
import { startBridge, type Bridge } from '../../../bridge-server/src/server/index.js';
import { buildResolvePlugin } from '../../src/install/build-plugin.js';
import { IPC, PRELOAD_GLOBAL, SOCKET_IPC, type ResolvePreloadApi } from '../../src/plugin/ipc.js';
import { relayWebSocket, type RelaySocketEvent, type RelayWebSocket } from '../../src/renderer/relay-socket.js';
import { makeDouble } from '../doubles/load-fixture.js';

type Handler = (event: unknown, ...args: unknown[]) => unknown;
type Listener = (event: unknown, ...args: unknown[]) => void;

/** The first event of `type` on a relayed socket (or a failure after 10 s). */
function next(ws: RelayWebSocket, type: 'open' | 'message' | 'error' | 'close', match: (e: RelaySocketEvent) => boolean = () => true): Promise<RelaySocketEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within 10 s`)), 10_000);
    const fn = (e: RelaySocketEvent) => {
      if (!match(e)) return;
      clearTimeout(timer);
      ws.removeEventListener(type, fn);
      resolve(e);
    };
    ws.addEventListener(type, fn);
  });
}

describe('built plugin bundles (main.js + preload.js)', () => {
  let dir: string;
  let pluginDir: string;
  let bridge: Bridge;
  let bridgeClosed = false;
  const handlers = new Map<string, Handler>();
  const mainListeners = new Map<string, Listener>();
  const rendererListeners = new Map<string, Listener[]>();
  const windows: Array<{ options: Record<string, unknown>; loaded?: string }> = [];
  const destroyedHooks: Array<() => void> = [];
  // The window's webContents as main sees it in an IPC event (`event.sender`).
  const sender = {
    id: 1,
    send: (channel: string, ...args: unknown[]) => {
      const copy = structuredClone(args);
      setImmediate(() => rendererListeners.get(channel)?.forEach((fn) => fn({}, ...copy)));
    },
    isDestroyed: () => false,
    once: (_event: string, fn: () => void) => void destroyedHooks.push(fn),
  };
  const exposed = new Map<string, unknown>();
  const double = makeDouble('timeline-24');
  let quits = 0;
  const originalLoad = (Module as unknown as { _load: (req: string, parent: unknown, isMain: boolean) => unknown })._load;

  const electron = {
    app: { whenReady: () => Promise.resolve(), on: () => {}, quit: () => void quits++ },
    BrowserWindow: class {
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
    ipcMain: {
      handle: (channel: string, fn: Handler) => void handlers.set(channel, fn),
      on: (channel: string, fn: Listener) => void mainListeners.set(channel, fn),
    },
    shell: { showItemInFolder: () => {} },
    // Preload side: invoke goes to the main handlers, both ways through structured cloning.
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        const h = handlers.get(channel);
        if (!h) throw new Error(`No handler registered for '${channel}'`);
        return structuredClone(await h({}, ...structuredClone(args)));
      },
      send: (channel: string, ...args: unknown[]) => {
        const copy = structuredClone(args);
        setImmediate(() => {
          const fn = mainListeners.get(channel);
          if (!fn) throw new Error(`No listener registered for '${channel}'`);
          fn({ sender }, ...copy);
        });
      },
      on: (channel: string, fn: Listener) => void rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), fn]),
    },
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ss-resolve-bundle-'));
    pluginDir = await buildResolvePlugin(join(dir, 'com.syntheticstudio.resolve'));
    bridge = await startBridge({ port: 0, configDir: join(dir, 'cfg'), dataDir: join(dir, 'data'), concurrency: 1 });
    writeFileSync(join(dir, 'token'), `${bridge.token}\n`);
    writeFileSync(join(pluginDir, 'bridge.json'), JSON.stringify({ url: bridge.url, tokenFile: join(dir, 'token') }));
    (Module as unknown as { _load: typeof originalLoad })._load = function (req, parent, isMain) {
      if (req === 'electron') return electron;
      if (req === './WorkflowIntegration.node') return double.module;
      return originalLoad.call(this, req, parent, isMain);
    };
    const req = createRequire(join(pluginDir, 'main.js'));
    req(join(pluginDir, 'main.js'));
    await new Promise((r) => setImmediate(r)); // app.whenReady().then(...): handlers, then the window
    req(join(pluginDir, 'preload.js')); // the window's preload runs once the window exists
  });
  after(async () => {
    (Module as unknown as { _load: typeof originalLoad })._load = originalLoad;
    if (!bridgeClosed) await bridge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('main.js registers every IPC channel and opens a sandboxed, context-isolated window with preload.js', () => {
    assert.deepEqual([...handlers.keys()].sort(), Object.values(IPC).sort());
    assert.deepEqual([...mainListeners.keys()].sort(), [SOCKET_IPC.close, SOCKET_IPC.open, SOCKET_IPC.reset, SOCKET_IPC.send].sort());
    assert.equal(windows.length, 1);
    const prefs = windows[0]!.options.webPreferences as Record<string, unknown>;
    assert.deepEqual(prefs, { preload: join(pluginDir, 'preload.js'), contextIsolation: true, sandbox: true, nodeIntegration: false });
    assert.equal(windows[0]!.loaded, join(pluginDir, 'index.html'));
  });

  it('main.js carries ws inside it and no longer rewrites request headers', () => {
    const main = readFileSync(join(pluginDir, 'main.js'), 'utf8');
    // The plugin folder has no node_modules: ws must be bundled, not required at run time.
    assert.doesNotMatch(main, /require\(["']ws["']\)/);
    assert.match(main, /Sec-WebSocket-Key/);
    assert.doesNotMatch(main, /onBeforeSendHeaders/);
  });

  it('preload.js exposes the API; a call crosses IPC to main.js, which asks Resolve (Promise API)', async () => {
    const api = exposed.get(PRELOAD_GLOBAL) as ResolvePreloadApi;
    assert.deepEqual(Object.keys(api).sort(), ['bridgeConfig', 'bridgeFetch', 'getSelection', 'importResult', 'info', 'reveal', 'socketClose', 'socketOpen', 'socketSend']);
    const sel = await api.getSelection({});
    assert.ok(sel.ok && sel.value.selection);
    assert.deepEqual([sel.value.selection.sourceIn, sel.value.selection.sourceOut, sel.value.selection.placement?.start], [24, 72, 86400]);
    const info = await api.info();
    assert.ok(info.ok && info.value.api === 'promise');
    assert.deepEqual(await api.bridgeConfig(), { ok: true, value: { url: bridge.url, token: bridge.token } });
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

  it('the bridge itself refuses a file:// page\'s socket (Origin: null): the relay is what lets the panel in', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${bridge.wsUrl}`, { origin: 'null' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('opened with Origin: null')));
      ws.on('error', () => {});
    });
    assert.equal(status, 403);
  });

  it('a relayed socket opens on the real bridge, says hello with the linked token, and keeps the close code', async () => {
    const api = exposed.get(PRELOAD_GLOBAL) as ResolvePreloadApi;
    const cfg = await api.bridgeConfig();
    assert.ok(cfg.ok && cfg.value.token);
    const RelaySocket = relayWebSocket(api);
    const ws = new RelaySocket(bridge.wsUrl);
    assert.equal(ws.readyState, 0);
    assert.throws(() => ws.send('too early'), /InvalidStateError/);
    await next(ws, 'open');
    assert.equal(ws.readyState, 1);
    const welcome = next(ws, 'message', (e) => JSON.parse(e.data ?? '{}').replyTo === 'h1');
    ws.send(JSON.stringify({ v: PROTOCOL_VERSION, id: 'h1', type: 'hello', token: cfg.value.token, client: { name: 'relay-test', version: '0', host: 'resolve' } }));
    const msg = JSON.parse((await welcome).data!) as { type: string; authenticated: boolean };
    assert.deepEqual([msg.type, msg.authenticated], ['welcome', true]);
    // Two sockets at once are two bridge connections with their own ids.
    const other = new RelaySocket(bridge.wsUrl);
    await next(other, 'open');
    // The page's close code and reason come back from the bridge's close frame.
    const closed = next(ws, 'close');
    ws.close(4001, 'panel says bye');
    assert.equal(ws.readyState, 2);
    const c = await closed;
    assert.deepEqual([c.code, c.reason, c.wasClean, ws.readyState, other.readyState], [4001, 'panel says bye', true, 3, 1]);
    // The bridge going away: its close code (1001) reaches the page.
    const otherClosed = next(other, 'close');
    await bridge.close();
    bridgeClosed = true;
    const o = await otherClosed;
    assert.deepEqual([o.code, o.reason], [1001, 'bridge shutting down']);
    // Nothing listens now: like a browser socket, error then an abnormal close.
    const dead = new RelaySocket(bridge.wsUrl);
    const events: string[] = [];
    dead.onerror = () => void events.push('error');
    const deadClose = next(dead, 'close');
    assert.equal((await deadClose).code, 1006);
    assert.deepEqual([events, dead.readyState], [['error'], 3]);
  });

  it('main.js relays only to the linked bridge', async () => {
    const api = exposed.get(PRELOAD_GLOBAL) as ResolvePreloadApi;
    const ws = new (relayWebSocket(api))('ws://example.com/ws');
    let opened = false;
    ws.onopen = () => void (opened = true);
    const err = next(ws, 'error');
    const close = next(ws, 'close');
    assert.match((await err).message ?? '', /only open sockets to the linked bridge/);
    assert.deepEqual([(await close).code, opened], [1006, false]);
    assert.throws(() => new (relayWebSocket(api))('http://example.com/ws'), SyntaxError);
  });
});
