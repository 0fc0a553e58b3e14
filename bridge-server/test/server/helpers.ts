import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startBridge, type Bridge, type StartBridgeOptions } from '../../src/server/index.js';

/** A bridge on a random port with its own temp config and data folders (spaces and non-ASCII on purpose). */
export async function tempBridge(opts: StartBridgeOptions = {}): Promise<Bridge & { root: string; dispose(): Promise<void> }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge tést '));
  const bridge = await startBridge({ port: 0, configDir: path.join(root, 'config'), dataDir: path.join(root, 'data'), web: false, ...opts });
  return Object.assign(bridge, {
    root,
    async dispose() {
      await bridge.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  });
}

export interface WsClient {
  ws: WebSocket;
  send(msg: unknown): void;
  next(timeoutMs?: number): Promise<any>;
  /** Wait for the first message matching `pred`, skipping others. */
  until(pred: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

export function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const queue: any[] = [];
    const waiters: ((m: any) => void)[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      const w = waiters.shift();
      if (w) w(m);
      else queue.push(m);
    });
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
    ws.once('open', () => {
      const next = (timeoutMs = 5000) =>
        new Promise<any>((res, rej) => {
          if (queue.length) return res(queue.shift());
          const t = setTimeout(() => rej(new Error('timed out waiting for a message')), timeoutMs);
          waiters.push((m) => {
            clearTimeout(t);
            res(m);
          });
        });
      resolve({
        ws,
        send: (msg) => ws.send(typeof msg === 'string' || Buffer.isBuffer(msg) ? msg : JSON.stringify(msg)),
        next,
        async until(pred, timeoutMs = 10000) {
          const end = Date.now() + timeoutMs;
          for (;;) {
            const m = await next(Math.max(1, end - Date.now()));
            if (pred(m)) return m;
          }
        },
        close: () => ws.close(),
      });
    });
  });
}

export const hello = (token?: string, id = 'h') => ({ v: 1, type: 'hello', id, ...(token !== undefined ? { token } : {}), client: { name: 'test', version: '1', host: 'script' } });
