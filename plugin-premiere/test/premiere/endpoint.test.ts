import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryStorage, createPanel } from '@synthetic-studio/shared/panel/index.js';
import { BRIDGE_SUBPROTOCOL, UxpBridgeSocket } from '../../src/uxp/uxp-runtime.js';
import { bridgeUrl, readEndpoint, writeEndpoint } from '../../src/bridge-endpoint.js';
import { PremiereHost } from '../../src/premiere/index.js';
import { projectWith, sequence25 } from '../double/fixtures.js';
import { createPremiereDouble } from '../double/premierepro-double.js';

/** Records what the panel opens, like UXP's WebSocket would receive it. */
function recordingSocket(opened: Array<{ url: string; protocols: unknown }>) {
  return class {
    readyState = 0;
    onopen = null;
    onmessage = null;
    onerror = null;
    onclose = null;
    constructor(url: string, protocols?: string | string[]) {
      if (protocols === undefined) throw new TypeError('UXP WebSocket(url, protocols): protocols is required');
      opened.push({ url, protocols });
    }
    send(): void {}
    close(): void {}
  };
}

describe('bridge endpoint', () => {
  it('defaults to http/ws and switches to https/wss when the secure option is stored', () => {
    const storage = createMemoryStorage();
    assert.deepEqual(readEndpoint(storage), { secure: false });
    assert.equal(bridgeUrl(readEndpoint(storage)), 'http://127.0.0.1:7788');
    writeEndpoint(storage, { secure: true });
    assert.equal(bridgeUrl(readEndpoint(storage)), 'https://127.0.0.1:7788');
    writeEndpoint(storage, { secure: false });
    assert.equal(storage.getItem('synthetic-studio.secure'), null);
  });

  for (const secure of [false, true]) {
    it(`the panel connects to ${secure ? 'wss' : 'ws'}:// through the UXP socket, offering a subprotocol`, () => {
      const opened: Array<{ url: string; protocols: unknown }> = [];
      const g = globalThis as { WebSocket?: unknown };
      const saved = g.WebSocket;
      g.WebSocket = recordingSocket(opened);
      const panel = createPanel({
        host: new PremiereHost(createPremiereDouble(projectWith(sequence25())).ppro),
        bridgeUrl: bridgeUrl({ secure }),
        storage: createMemoryStorage(),
        WebSocketImpl: UxpBridgeSocket,
        reconnect: { initialMs: 60000 },
      });
      try {
        panel.start();
        assert.deepEqual(opened, [{ url: `${secure ? 'wss' : 'ws'}://127.0.0.1:7788/ws`, protocols: [BRIDGE_SUBPROTOCOL] }]);
      } finally {
        panel.dispose();
        g.WebSocket = saved;
      }
    });
  }
});
