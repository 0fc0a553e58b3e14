/// <reference lib="dom" />
// Plugin entry, bundled to CommonJS (main.js) and loaded by index.html. `premierepro` is the
// host's runtime module (external in the bundle); everything else, the shared panel included, is
// bundled in.
import ppro from 'premierepro';
import { createPanel, mountPanel, type Panel, type PanelStorage, type MountedPanel } from '@synthetic-studio/shared/panel/index.js';
import { PremiereHost } from '../premiere/index.js';
import { bridgeUrl, readEndpoint, writeEndpoint } from '../bridge-endpoint.js';
import { BRIDGE_SUBPROTOCOL, UxpBridgeSocket } from './uxp-runtime.js';

function start(): void {
  const root = document.getElementById('root');
  const secureBox = document.getElementById('secure') as HTMLInputElement | null;
  if (!root) throw new Error('index.html has no #root');
  const storage: PanelStorage = localStorage;
  const host = new PremiereHost(ppro);

  let panel: Panel | null = null;
  let mounted: MountedPanel | null = null;
  const open = (): void => {
    mounted?.unmount();
    panel?.dispose();
    const endpoint = readEndpoint(storage);
    if (secureBox) secureBox.checked = endpoint.secure;
    panel = createPanel({ host, bridgeUrl: bridgeUrl(endpoint), storage, WebSocketImpl: UxpBridgeSocket, protocols: [BRIDGE_SUBPROTOCOL], client: { name: 'premiere-panel', version: '0.1.0' } });
    mounted = mountPanel(root, panel);
  };
  secureBox?.addEventListener('change', () => {
    writeEndpoint(storage, { secure: secureBox.checked });
    open();
  });
  open();
}

start();
