// The panel's bridge websocket, owned by main.js. A file:// page sends `Origin: null`, which the
// bridge refuses; a socket opened here (Node, `ws`) sends no Origin, like a script's. Frames and
// close/error details go to the page as plain RelayEvents over IPC (see SOCKET_IPC).
import WebSocket from 'ws';
import { SOCKET_IPC, type RelayEvent } from '../plugin/ipc.js';

/** The part of Electron's WebContents (an IPC event's `sender`) the relay uses. */
export interface RelaySender {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', fn: () => void): unknown;
}

/** ws: or wss: URLs on the linked bridge's host only, so the page cannot reach anything else. */
export function relayAllowed(bridgeUrl: string, url: string): boolean {
  try {
    const target = new URL(url);
    return (target.protocol === 'ws:' || target.protocol === 'wss:') && target.host === new URL(bridgeUrl).host;
  } catch {
    return false;
  }
}

export class BridgeSocketRelay {
  /** sender id -> socket id -> socket */
  private readonly sockets = new Map<number, Map<string, WebSocket>>();

  /** `bridgeUrl` is read at each open so an edited bridge.json applies at the next reconnect. */
  constructor(private readonly bridgeUrl: () => string) {}

  /** Sockets open for a sender (tests and diagnostics). */
  count(sender?: RelaySender): number {
    if (sender) return this.sockets.get(sender.id)?.size ?? 0;
    let n = 0;
    for (const m of this.sockets.values()) n += m.size;
    return n;
  }

  open(sender: RelaySender, id: string, url: string, protocols: string[] = []): void {
    const emit = (event: RelayEvent) => {
      if (!sender.isDestroyed()) sender.send(SOCKET_IPC.event, event);
    };
    let mine = this.sockets.get(sender.id);
    if (!mine) {
      mine = new Map();
      this.sockets.set(sender.id, mine);
      sender.once('destroyed', () => this.closeAll(sender));
    }
    if (mine.has(id)) return emit({ id, type: 'error', message: `Socket ${id} is already open.` });
    let allowed = false;
    try {
      allowed = relayAllowed(this.bridgeUrl(), url);
    } catch {
      /* no bridge configured: refused below */
    }
    if (!allowed) {
      // Like a browser socket that cannot connect: error, then an abnormal close.
      queueMicrotask(() => {
        emit({ id, type: 'error', message: `The panel may only open sockets to the linked bridge, not ${url}.` });
        emit({ id, type: 'close', code: 1006, reason: '', wasClean: false });
      });
      return;
    }
    const ws = new WebSocket(url, protocols);
    mine.set(id, ws);
    ws.on('open', () => emit({ id, type: 'open', protocol: ws.protocol }));
    ws.on('message', (data: WebSocket.RawData) => emit({ id, type: 'message', data: rawToString(data) }));
    ws.on('error', (err: Error) => emit({ id, type: 'error', message: err.message }));
    ws.on('close', (code: number, reason: Buffer) => {
      if (mine.get(id) === ws) mine.delete(id);
      emit({ id, type: 'close', code, reason: reason.toString('utf8'), wasClean: code !== 1006 });
    });
  }

  send(sender: RelaySender, id: string, data: string): void {
    const ws = this.sockets.get(sender.id)?.get(id);
    // A browser socket silently drops sends once closing; the page checks readyState itself.
    if (ws?.readyState === WebSocket.OPEN) ws.send(String(data));
  }

  close(sender: RelaySender, id: string, code?: number, reason?: string): void {
    const ws = this.sockets.get(sender.id)?.get(id);
    if (!ws) return;
    try {
      ws.close(code, reason);
    } catch {
      ws.close(); // an invalid code from the page: close normally rather than leave it open
    }
  }

  /** Close every socket of a sender (its page reloaded or its window went away). */
  closeAll(sender: RelaySender): void {
    const mine = this.sockets.get(sender.id);
    if (!mine) return;
    for (const ws of mine.values()) ws.terminate();
    mine.clear();
  }

  dispose(): void {
    for (const mine of this.sockets.values()) for (const ws of mine.values()) ws.terminate();
    this.sockets.clear();
  }
}

/** The part of Electron's ipcMain the relay registers on. */
export interface RelayIpcMain {
  on(channel: string, fn: (event: { sender: RelaySender }, ...args: never[]) => void): void;
}

/** Serve SOCKET_IPC (open/send/close/reset from preload.js) with `relay`. Arguments are re-typed: the page is not trusted. */
export function registerSocketRelay(ipcMain: RelayIpcMain, relay: BridgeSocketRelay): void {
  ipcMain.on(SOCKET_IPC.open, (e, id: string, url: string, protocols: string[]) => relay.open(e.sender, String(id), String(url), Array.isArray(protocols) ? protocols.map(String) : []));
  ipcMain.on(SOCKET_IPC.send, (e, id: string, data: string) => relay.send(e.sender, String(id), String(data)));
  ipcMain.on(SOCKET_IPC.close, (e, id: string, code?: number, reason?: string) =>
    relay.close(e.sender, String(id), typeof code === 'number' ? code : undefined, typeof reason === 'string' ? reason : undefined),
  );
  ipcMain.on(SOCKET_IPC.reset, (e) => relay.closeAll(e.sender));
}

function rawToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
