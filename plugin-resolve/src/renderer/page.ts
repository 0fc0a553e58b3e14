/// <reference lib="dom" />
// The panel page inside Resolve's Workflow Integration window (sandboxed renderer). It talks to
// Resolve only through window.syntheticStudioResolve (preload.js). The bridge websocket and HTTP
// calls to the bridge go through main.js: a file:// page sends `Origin: null`, which the bridge
// refuses, and has no CORS; main.js (Node) sends no Origin. Preview <img>s load directly (an
// image GET carries no Origin).
import { createPanel, mountPanel, TOKEN_KEY, type FetchLike, type PanelStorage } from '@synthetic-studio/shared/panel/index.js';
import { PRELOAD_GLOBAL, type ResolvePreloadApi } from '../plugin/ipc.js';
import { relayWebSocket } from './relay-socket.js';
import { ResolveHost } from './resolve-host.js';

export interface ResolvePageOptions {
  root: HTMLElement;
  api: ResolvePreloadApi;
  storage?: PanelStorage;
}

/** Fetch over IPC, shaped like the subset of fetch the panel uses. */
export function ipcFetch(api: ResolvePreloadApi): FetchLike {
  return async (url, init) => {
    const env = await api.bridgeFetch({ url, ...(init?.method ? { method: init.method } : {}), ...(init?.headers ? { headers: init.headers } : {}), ...(init?.body !== undefined ? { body: init.body } : {}) });
    if (!env.ok) throw new Error(env.error.message);
    const { status, body } = env.value;
    return { ok: status >= 200 && status < 300, status, text: async () => body, json: async () => JSON.parse(body) as unknown };
  };
}

function trackPicker(host: ResolveHost, onChange: () => void): HTMLElement {
  const wrap = document.createElement('label');
  wrap.className = 'ss-resolve-track';
  wrap.append('Clip under the playhead on ');
  const select = document.createElement('select');
  select.setAttribute('aria-label', 'Video track for the clip under the playhead');
  const none = document.createElement('option');
  none.value = '';
  none.textContent = "Resolve's current clip";
  select.append(none);
  for (let t = 1; t <= 8; t++) {
    const o = document.createElement('option');
    o.value = String(t);
    o.textContent = `V${t}`;
    select.append(o);
  }
  select.addEventListener('change', () => {
    host.setFallbackTrack(select.value ? Number(select.value) : undefined);
    onChange();
  });
  wrap.append(select);
  return wrap;
}

/** Build and mount the panel on the Resolve host. */
export async function startResolvePage(options: ResolvePageOptions): Promise<void> {
  const { api, root } = options;
  const host = new ResolveHost(api);
  const storage = options.storage ?? window.localStorage;
  const cfg = await api.bridgeConfig();
  const bridge = cfg.ok ? cfg.value : { url: 'http://127.0.0.1:7788' };
  // The installer links the plugin to this machine's bridge token file: no pairing step needed,
  // and a re-created token is picked up at the next start.
  if (bridge.token && storage.getItem(TOKEN_KEY) !== bridge.token) storage.setItem(TOKEN_KEY, bridge.token);
  const panel = createPanel({
    host,
    bridgeUrl: bridge.url,
    storage,
    fetchImpl: ipcFetch(api),
    // One relayed socket per connection attempt; the panel reconnects as with any socket.
    WebSocketImpl: relayWebSocket(api),
    client: { name: 'synthetic-studio-resolve', version: '0.1.0' },
  });
  const info = await api.info();
  // Builds without Timeline.GetSelectedClips get a visible "clip under the playhead" rule.
  if (!info.ok || !info.value.timelineSelection) root.append(trackPicker(host, () => void panel.refreshSelection()));
  mountPanel(root, panel);
}

const api = (globalThis as Record<string, unknown>)[PRELOAD_GLOBAL] as ResolvePreloadApi | undefined;
const root = typeof document !== 'undefined' ? document.getElementById('app') : null;
if (api && root) {
  startResolvePage({ api, root }).catch((e: unknown) => {
    root.textContent = `Synthetic Studio could not start: ${e instanceof Error ? e.message : String(e)}`;
  });
}
