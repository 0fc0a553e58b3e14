// preload.js: runs sandboxed, so it may only require('electron'). It exposes a small API of
// IPC calls on window.syntheticStudioResolve; arguments and results are plain data.
import { IPC, PRELOAD_GLOBAL, type ResolvePreloadApi } from '../plugin/ipc.js';

interface ElectronPreload {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: { invoke(channel: string, ...args: unknown[]): Promise<never> };
}

const { contextBridge, ipcRenderer } = require('electron') as ElectronPreload;

const api: ResolvePreloadApi = {
  getSelection: (request) => ipcRenderer.invoke(IPC.getSelection, request),
  importResult: (outputs, options) => ipcRenderer.invoke(IPC.importResult, outputs, options),
  info: () => ipcRenderer.invoke(IPC.info),
  reveal: (path) => ipcRenderer.invoke(IPC.reveal, path),
  bridgeConfig: () => ipcRenderer.invoke(IPC.bridgeConfig),
  bridgeFetch: (request) => ipcRenderer.invoke(IPC.bridgeFetch, request),
};

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, api);
