// A WebSocket-shaped object for the panel whose socket lives in main.js (see main/socket-relay.ts):
// one relayed socket per instance, the browser's readyState rules, on* handlers and
// addEventListener, open/message/error/close events with the bridge's close code and reason.
import type { RelayEvent, ResolvePreloadApi } from '../plugin/ipc.js';

type SocketApi = Pick<ResolvePreloadApi, 'socketOpen' | 'socketSend' | 'socketClose'>;

export interface RelaySocketEvent {
  type: 'open' | 'message' | 'error' | 'close';
  target: unknown;
  data?: string;
  message?: string;
  code?: number;
  reason?: string;
  wasClean?: boolean;
}
type Listener = (ev: RelaySocketEvent) => void;

/** A WebSocket constructor for `createPanel({ WebSocketImpl })` (it fits WebSocketConstructor) backed by the preload API. */
export function relayWebSocket(api: SocketApi): new (url: string, protocols?: string | string[]) => RelayWebSocket {
  return class extends RelayWebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(api, url, protocols);
    }
  };
}

export class RelayWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  readyState = 0;
  protocol = '';
  readonly url: string;
  // Typed as the panel's WebSocketLike; they receive RelaySocketEvents.
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly id: string;

  constructor(
    private readonly api: SocketApi,
    url: string,
    protocols?: string | string[],
  ) {
    const list = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : [...protocols];
    // Like the browser constructor: a malformed URL throws at once.
    const u = new URL(url);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new SyntaxError(`Not a websocket URL: ${url}`);
    this.url = u.href;
    this.id = api.socketOpen(this.url, list.map(String), (ev) => this.receive(ev));
  }

  send(data: string): void {
    if (this.readyState === 0) throw new Error('InvalidStateError: the socket is still connecting.');
    if (this.readyState === 1) this.api.socketSend(this.id, String(data));
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    if (code === undefined) this.api.socketClose(this.id);
    else this.api.socketClose(this.id, code, reason ?? '');
  }

  addEventListener(type: string, fn: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(fn);
  }

  removeEventListener(type: string, fn: Listener): void {
    this.listeners.get(type)?.delete(fn);
  }

  private receive(ev: RelayEvent): void {
    switch (ev.type) {
      case 'open':
        if (this.readyState !== 0) return;
        this.readyState = 1;
        this.protocol = ev.protocol;
        return this.dispatch({ type: 'open', target: this });
      case 'message':
        if (this.readyState !== 1) return;
        return this.dispatch({ type: 'message', target: this, data: ev.data });
      case 'error':
        return this.dispatch({ type: 'error', target: this, message: ev.message });
      case 'close':
        if (this.readyState === 3) return;
        this.readyState = 3;
        return this.dispatch({ type: 'close', target: this, code: ev.code, reason: ev.reason, wasClean: ev.wasClean });
    }
  }

  private dispatch(ev: RelaySocketEvent): void {
    const handler = this[`on${ev.type}`] as ((e: RelaySocketEvent) => void) | null;
    for (const fn of [...(handler ? [handler] : []), ...(this.listeners.get(ev.type) ?? [])]) {
      try {
        fn.call(this, ev);
      } catch (e) {
        // A throwing handler must not stop the others (as in a browser); report it asynchronously.
        setTimeout(() => {
          throw e;
        }, 0);
      }
    }
  }
}
