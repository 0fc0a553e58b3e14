import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBridge, type Bridge, type StartBridgeOptions } from '../../src/server/index.js';

/** A bridge with the web routes on a random port, with its own temp config and data folders. */
export async function webBridge(opts: StartBridgeOptions = {}): Promise<Bridge & { root: string; dispose(): Promise<void> }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ss web tést '));
  const bridge = await startBridge({ port: 0, configDir: path.join(root, 'config'), dataDir: path.join(root, 'data'), ...opts });
  return Object.assign(bridge, {
    root,
    async dispose() {
      await bridge.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  });
}

export async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, body };
}
