// The shared panel core (no DOM) against a real bridge over a real websocket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import type { HostAdapter, HostSelection, JobOutput } from '@synthetic-studio/shared';
import { createMemoryStorage, createPanel, START_COMMAND, TOKEN_KEY, type Panel, type WebSocketConstructor } from '@synthetic-studio/shared/panel';
import { webBridge } from './helpers.js';

class NoSelectionHost implements HostAdapter {
  readonly capabilities = { host: 'browser' as const, canImport: true, canPlace: false, canReveal: false, selectionEvents: false };
  imported: JobOutput[][] = [];
  selection: HostSelection | null = null;
  async getSelection() {
    return this.selection ? { selection: this.selection } : { selection: null, reason: 'nothing picked' };
  }
  async importResult(outputs: JobOutput[]) {
    this.imported.push(outputs);
    return { imported: outputs.map((o) => o.path), warnings: [] };
  }
  onSelectionChanged() {
    return () => {};
  }
}

function until(panel: Panel, pred: (p: Panel) => boolean, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pred(panel)) return resolve();
    const t = setTimeout(() => { off(); reject(new Error(`timed out; connection = ${JSON.stringify(panel.store.get().connection)}`)); }, ms);
    const off = panel.store.subscribe(() => {
      if (pred(panel)) { clearTimeout(t); off(); resolve(); }
    });
  });
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

test('panel core over a real socket: offline help, then pairing with the printed code, token remembered', async () => {
  const port = await freePort();
  const storage = createMemoryStorage();
  const mk = () => createPanel({
    host: new NoSelectionHost(),
    bridgeUrl: `http://127.0.0.1:${port}`,
    storage,
    WebSocketImpl: WebSocket as unknown as WebSocketConstructor,
    reconnect: { initialMs: 100, maxMs: 200 },
  });
  const panel = mk();
  panel.start();
  await until(panel, (p) => p.store.get().connection.status === 'offline');
  assert.match(panel.store.get().connection.problem!.fix, new RegExp(START_COMMAND));

  const b = await webBridge({ port });
  try {
    await until(panel, (p) => p.store.get().connection.status === 'pairing');
    assert.equal(await panel.pair('000000'), false);
    assert.equal(panel.store.get().connection.problem?.code, 'E_AUTH_INVALID');
    assert.equal(await panel.pair(b.pairingCode), true);
    await until(panel, (p) => p.store.get().connection.status === 'ready');
    assert.equal(storage.getItem(TOKEN_KEY), b.token);
    const caps = panel.store.get().capabilities!;
    assert.deepEqual(caps.tasks.map((t) => t.name), [...b.jobs.tasks.keys()]);
    const tab = panel.store.get().tab;
    if (caps.tasks.length === 0) assert.equal(tab, null);
    else assert.ok(caps.tasks.some((t) => t.name === tab), 'the selected tab is a reported task');
    panel.dispose();

    const again = mk();
    again.start();
    await until(again, (p) => p.store.get().connection.status === 'ready');
    again.dispose();
  } finally {
    await b.dispose();
  }
});
