/// <reference lib="dom" />
// Entry of the browser page served by the bridge: the browser host + the shared panel.
import { BridgeHttp, createPanel, mountPanel, TOKEN_KEY, type PanelStorage } from '@synthetic-studio/shared/panel';
import { BrowserHostAdapter } from './browser-host-adapter.js';
import { mountBrowserHost } from './browser-host-view.js';

function pageStorage(): PanelStorage {
  try {
    const s = window.localStorage;
    s.getItem(TOKEN_KEY);
    return s;
  } catch {
    const m = new Map<string, string>();
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
  }
}

const storage = pageStorage();
// `http://127.0.0.1:7788/#token=…` pairs without typing a code (the CLI may print such a link).
const fromHash = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
if (fromHash) {
  storage.setItem(TOKEN_KEY, decodeURIComponent(fromHash[1]!));
  history.replaceState(null, '', location.pathname + location.search);
}

const http = new BridgeHttp(location.origin, storage, undefined);
const host = new BrowserHostAdapter(http);
const panel = createPanel({ host, bridgeUrl: location.origin, storage, client: { name: 'synthetic-studio-browser', version: '0.1.0' } });
mountBrowserHost(document.getElementById('host')!, host, panel);
mountPanel(document.getElementById('panel')!, panel);
// For debugging from the console (and the end-to-end test's diagnostics).
(window as unknown as { studio: unknown }).studio = { panel, host };
