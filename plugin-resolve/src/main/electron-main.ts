// main.js of the Workflow Integration plugin: the Electron main process Resolve launches. Every
// Resolve call happens here (through ResolveService); the sandboxed page reaches it only through
// preload.js and IPC, with plain data both ways (hosts.md 2.2, pitfall 22).
import { join } from 'node:path';
import { toStudioError } from '@synthetic-studio/shared';
import { IPC, PLUGIN_ID, type BridgeFetchRequest, type Envelope } from '../plugin/ipc.js';
import { bridgeFetch, readBridgeConfig } from './bridge-link.js';
import { connectResolve, type ResolveConnection } from './connection.js';
import type { WorkflowIntegrationModule } from './resolve-api.js';
import { ResolveService } from './service.js';
import { BridgeSocketRelay, registerSocketRelay, type RelayIpcMain } from './socket-relay.js';

// The few Electron surfaces used, typed locally (Electron itself is Resolve's, not a dependency).
interface ElectronMain {
  app: { whenReady(): Promise<void>; on(event: string, fn: () => void): void; quit(): void };
  BrowserWindow: new (options: object) => {
    loadFile(path: string): Promise<void>;
    on(event: string, fn: () => void): void;
  };
  ipcMain: RelayIpcMain & { handle(channel: string, fn: (event: unknown, ...args: never[]) => unknown): void };
  shell: { showItemInFolder(path: string): void };
}

const electron = require('electron') as ElectronMain;
const { app, BrowserWindow, ipcMain, shell } = electron;
const linkFile = join(__dirname, 'bridge.json');

let connection: ResolveConnection | null = null;
let connecting: Promise<ResolveConnection> | null = null;

function getConnection(): Promise<ResolveConnection> {
  if (connection) return Promise.resolve(connection);
  connecting ??= (async () => {
    // Copied from the user's own Resolve at install time, never shipped with the plugin.
    const wi = require('./WorkflowIntegration.node') as WorkflowIntegrationModule;
    const c = await connectResolve(wi, PLUGIN_ID, { apiTimeoutSeconds: 30 });
    try {
      wi.RegisterCallback('ResolveQuit', () => app.quit()); // 20.1+; older builds return false
    } catch {
      /* not supported */
    }
    connection = c;
    return c;
  })().finally(() => {
    connecting = null;
  });
  return connecting;
}

const service = new ResolveService(getConnection);
// The panel's bridge websocket: opened here, in Node, which sends no Origin header (a file://
// page would send "null", which the bridge refuses).
const relay = new BridgeSocketRelay(() => readBridgeConfig(linkFile).url);

function envelope<T>(fn: () => T | Promise<T>): Promise<Envelope<T>> {
  return Promise.resolve()
    .then(fn)
    .then(
      (value) => ({ ok: true as const, value }),
      (e: unknown) => {
        const err = toStudioError(e);
        return { ok: false as const, error: { code: err.code, message: err.message } };
      },
    );
}

function registerHandlers(): void {
  ipcMain.handle(IPC.getSelection, (_e, request: { fallbackTrack?: number }) => service.getSelection(request ?? {}));
  ipcMain.handle(IPC.importResult, (_e, outputs: never, options: never) => service.importResult(outputs, options));
  ipcMain.handle(IPC.info, () => service.info());
  ipcMain.handle(IPC.reveal, (_e, path: string) => envelope(() => (shell.showItemInFolder(String(path)), null)));
  ipcMain.handle(IPC.bridgeConfig, () => envelope(() => readBridgeConfig(linkFile)));
  ipcMain.handle(IPC.bridgeFetch, (_e, req: BridgeFetchRequest) => envelope(() => bridgeFetch(readBridgeConfig(linkFile), req)));
  registerSocketRelay(ipcMain, relay);
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 440,
    height: 820,
    useContentSize: true,
    title: 'Synthetic Studio',
    webPreferences: { preload: join(__dirname, 'preload.js'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  void win.loadFile(join(__dirname, 'index.html'));
  win.on('closed', () => app.quit());
}

app.whenReady().then(() => {
  registerHandlers();
  createWindow();
});

app.on('window-all-closed', () => {
  relay.dispose();
  connection?.close();
  connection = null;
  app.quit();
});
