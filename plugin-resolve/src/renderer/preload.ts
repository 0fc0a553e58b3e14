// preload.js: runs sandboxed, so it may only require('electron'). It exposes a small API of
// IPC calls on window.syntheticStudioResolve; arguments and results are plain data. The bridge
// websocket is relayed by main.js: the page gets socket ids and RelayEvents, never a socket.
import { IPC, PRELOAD_GLOBAL, SOCKET_IPC, type RelayEvent, type ResolvePreloadApi } from '../plugin/ipc.js';

interface ElectronPreload {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<never>;
    send(channel: string, ...args: unknown[]): void;
    on(channel: string, fn: (event: unknown, ...args: never[]) => void): void;
  };
}

const { contextBridge, ipcRenderer } = require('electron') as ElectronPreload;

// Socket ids are unique per page load, so events for a previous load's sockets are never delivered.
const loadId = Math.random().toString(36).slice(2, 10);
let nextSocket = 0;
const socketListeners = new Map<string, (event: RelayEvent) => void>();
ipcRenderer.on(SOCKET_IPC.event, (_e, event: RelayEvent) => {
  const listener = socketListeners.get(event.id);
  if (!listener) return;
  if (event.type === 'close') socketListeners.delete(event.id);
  listener(event);
});
// This page just loaded: main.js closes the sockets a previous load of this window left open.
ipcRenderer.send(SOCKET_IPC.reset);

const api: ResolvePreloadApi = {
  getSelection: (request) => ipcRenderer.invoke(IPC.getSelection, request),
  importResult: (outputs, options) => ipcRenderer.invoke(IPC.importResult, outputs, options),
  info: () => ipcRenderer.invoke(IPC.info),
  reveal: (path) => ipcRenderer.invoke(IPC.reveal, path),
  bridgeConfig: () => ipcRenderer.invoke(IPC.bridgeConfig),
  bridgeFetch: (request) => ipcRenderer.invoke(IPC.bridgeFetch, request),
  socketOpen: (url, protocols, listener) => {
    const id = `${loadId}-${++nextSocket}`;
    socketListeners.set(id, listener);
    ipcRenderer.send(SOCKET_IPC.open, id, String(url), Array.from(protocols ?? [], String));
    return id;
  },
  socketSend: (id, data) => ipcRenderer.send(SOCKET_IPC.send, String(id), String(data)),
  socketClose: (id, code, reason) =>
    code === undefined ? ipcRenderer.send(SOCKET_IPC.close, String(id)) : ipcRenderer.send(SOCKET_IPC.close, String(id), Number(code), String(reason ?? '')),
};

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, api);
