import { PROTOCOL_VERSION } from '../protocol/common.js';
import type { Capabilities, ClientMessageInput, ServerMessage } from '../protocol/index.js';
import type { HostName } from '../protocol/common.js';
import { describeError, type PlainError } from './error-text.js';
import { TOKEN_KEY, type PanelStorage } from './storage.js';

/**
 * The part of a WebSocket the panel uses. Browser, Electron and UXP sockets all fit (UXP's
 * declarations lack the on* handlers but the runtime has them; hosts.md §1.7), as does a test fake.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/**
 * idle: not started · connecting: socket opening or saying hello · offline: the bridge cannot be
 * reached (retrying) · pairing: connected but needs a token · ready: authenticated · closed: stopped.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'offline' | 'pairing' | 'ready' | 'closed';

export interface ConnectionInfo {
  status: ConnectionStatus;
  /** Set while offline or pairing: what is wrong and what to do. */
  problem?: PlainError;
  /** Reconnect attempts since the last successful connection. */
  attempt: number;
  /** Milliseconds until the next reconnect attempt, while offline. */
  retryInMs?: number;
  /** True once a connection has been authenticated in this session (wording: "lost" vs "not running"). */
  everReady: boolean;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The host's own timers (browser, UXP, Electron and Node all have them). */
export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface BridgeClientOptions {
  wsUrl: string;
  WebSocketImpl: WebSocketConstructor;
  /** Subprotocols to offer; UXP's declaration requires the argument (hosts.md §1.7). */
  protocols?: string | string[];
  client: { name: string; version: string; host: HostName };
  storage: PanelStorage;
  /** Backoff between reconnect attempts: starts at initialMs, doubles up to maxMs. */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Reply timeout for requests. */
  requestTimeoutMs?: number;
  timers?: Timers;
}

/** A reply that carries an error becomes this (thrown by `request`). */
export class BridgeRequestError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: string, message: string, hint?: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'BridgeRequestError';
    this.code = code;
    this.hint = hint;
    this.details = details;
  }
}

type Outgoing = ClientMessageInput extends infer M ? (M extends { v: unknown; id?: unknown } ? Omit<M, 'v' | 'id'> : never) : never;
type Pending = { resolve: (m: ServerMessage) => void; reject: (e: Error) => void; timer: unknown };

const OPEN = 1;

/**
 * Protocol client: one socket, hello with the remembered token, one-time pairing, request/reply
 * correlation by id, and reconnect with exponential backoff whenever the socket drops.
 */
export class BridgeClient {
  private ws: WebSocketLike | null = null;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private retryTimer: unknown = null;
  private stopped = true;
  private info: ConnectionInfo = { status: 'idle', attempt: 0, everReady: false };
  private readonly statusListeners = new Set<(info: ConnectionInfo) => void>();
  private readonly messageListeners = new Set<(m: ServerMessage) => void>();
  private readonly timers: Timers;
  capabilities: Capabilities | null = null;

  constructor(private readonly options: BridgeClientOptions) {
    this.timers = options.timers ?? defaultTimers;
  }

  get connection(): ConnectionInfo {
    return this.info;
  }
  get token(): string | null {
    return this.options.storage.getItem(TOKEN_KEY);
  }

  onStatus(fn: (info: ConnectionInfo) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }
  onMessage(fn: (m: ServerMessage) => void): () => void {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = ws.onerror = ws.onmessage = ws.onopen = null;
      try { ws.close(1000, 'panel closed'); } catch { /* already closed */ }
    }
    this.failPending(new BridgeRequestError('E_CANCELLED', 'The panel closed the connection.'));
    this.setInfo({ status: 'closed', attempt: 0 });
  }

  /** Reconnect now instead of waiting for the backoff timer ("Retry" button). */
  retryNow(): void {
    if (this.stopped || this.info.status !== 'offline') return;
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.open();
  }

  /** Exchange the pairing code the bridge printed for a token, remember it and authenticate. */
  async pair(code: string): Promise<void> {
    const reply = await this.request({ type: 'pair', code: code.trim() });
    if (reply.type !== 'paired') throw new BridgeRequestError('E_PROTOCOL_MALFORMED', `Expected "paired", got "${reply.type}".`);
    this.options.storage.setItem(TOKEN_KEY, reply.token);
    await this.hello();
  }

  /** Use a token pasted by the user (e.g. from the bridge's config folder). */
  async useToken(token: string): Promise<void> {
    this.options.storage.setItem(TOKEN_KEY, token.trim());
    await this.hello();
  }

  forgetToken(): void {
    this.options.storage.removeItem(TOKEN_KEY);
  }

  /** Send a message and wait for the reply that names its id; error replies reject. */
  request(message: Outgoing): Promise<ServerMessage> {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return Promise.reject(new BridgeRequestError('E_BRIDGE_OFFLINE', 'The bridge is not connected.'));
    const id = `p${this.nextId++}`;
    return new Promise<ServerMessage>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(id);
        reject(new BridgeRequestError('E_BUSY', `The bridge did not answer "${message.type}" in time.`));
      }, this.options.requestTimeoutMs ?? 30_000);
      this.pending.set(id, { resolve, reject, timer });
      try {
        ws.send(JSON.stringify({ v: PROTOCOL_VERSION, id, ...message }));
      } catch (e) {
        this.timers.clearTimeout(timer);
        this.pending.delete(id);
        reject(new BridgeRequestError('E_BRIDGE_OFFLINE', e instanceof Error ? e.message : String(e)));
      }
    });
  }

  // ---- internals ---------------------------------------------------------------------------

  private setInfo(patch: Partial<ConnectionInfo>): void {
    const next: ConnectionInfo = { ...this.info, ...patch };
    if (!('problem' in patch)) delete next.problem;
    if (!('retryInMs' in patch)) delete next.retryInMs;
    this.info = next;
    for (const l of [...this.statusListeners]) l(next);
  }

  private open(): void {
    this.retryTimer = null;
    // While waiting for a pairing code keep showing the pairing form across reconnects.
    if (this.info.status !== 'pairing') this.setInfo({ status: 'connecting' });
    let ws: WebSocketLike;
    try {
      const { WebSocketImpl, wsUrl, protocols } = this.options;
      ws = protocols === undefined ? new WebSocketImpl(wsUrl) : new WebSocketImpl(wsUrl, protocols);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.hello().catch(() => { /* outcome already reflected in the status */ });
    };
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onerror = () => { /* onclose follows and decides */ };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.failPending(new BridgeRequestError('E_BRIDGE_OFFLINE', 'The connection to the bridge closed.'));
      if (!this.stopped) this.scheduleReconnect(opened);
    };
  }

  /** `reached`: the socket had opened, so the bridge is up (it may drop unauthenticated sockets). */
  private scheduleReconnect(reached = false): void {
    const attempt = this.info.attempt + 1;
    if (this.info.status === 'pairing' && reached) {
      // The bridge may drop an unauthenticated socket; reconnect quietly behind the pairing form.
      this.info = { ...this.info, attempt };
      this.retryTimer = this.timers.setTimeout(() => this.open(), this.options.reconnect?.initialMs ?? 500);
      return;
    }
    const initial = this.options.reconnect?.initialMs ?? 500;
    const max = this.options.reconnect?.maxMs ?? 5000;
    const delay = Math.min(max, initial * 2 ** Math.min(attempt - 1, 16));
    const problem = this.info.everReady
      ? { ...describeError('E_BRIDGE_OFFLINE'), title: 'Lost the connection to the bridge; reconnecting.' }
      : describeError('E_BRIDGE_OFFLINE');
    this.setInfo({ status: 'offline', attempt, retryInMs: delay, problem });
    this.retryTimer = this.timers.setTimeout(() => this.open(), delay);
  }

  /** Say hello with the remembered token; the welcome decides between ready and pairing. */
  private async hello(): Promise<void> {
    const token = this.token;
    let reply: ServerMessage;
    try {
      reply = await this.request({ type: 'hello', ...(token ? { token } : {}), client: this.options.client });
    } catch (e) {
      const err = e as BridgeRequestError;
      if (err.code === 'E_AUTH_INVALID' || err.code === 'E_AUTH_REQUIRED') {
        if (token && err.code === 'E_AUTH_INVALID') this.forgetToken();
        this.setInfo({ status: 'pairing', problem: describeError(token ? 'E_AUTH_INVALID' : 'E_AUTH_REQUIRED') });
        throw err;
      }
      throw err;
    }
    if (reply.type !== 'welcome') throw new BridgeRequestError('E_PROTOCOL_MALFORMED', `Expected "welcome", got "${reply.type}".`);
    if (!reply.authenticated) {
      if (token) this.forgetToken();
      this.setInfo({ status: 'pairing', problem: describeError(token ? 'E_AUTH_INVALID' : 'E_AUTH_REQUIRED') });
      throw new BridgeRequestError(token ? 'E_AUTH_INVALID' : 'E_AUTH_REQUIRED', 'Not paired.');
    }
    this.capabilities = reply.capabilities ?? null;
    if (!this.capabilities) {
      const caps = await this.request({ type: 'capabilities.get' });
      if (caps.type === 'capabilities') this.capabilities = caps.capabilities;
    }
    this.setInfo({ status: 'ready', attempt: 0, everReady: true });
  }

  private receive(data: unknown): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(typeof data === 'string' ? data : String(data)) as ServerMessage;
    } catch {
      return; // a bridge never sends non-JSON; ignore rather than crash the panel
    }
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
    const replyTo = 'replyTo' in msg ? msg.replyTo : undefined;
    const waiting = replyTo ? this.pending.get(replyTo) : undefined;
    if (replyTo && waiting) {
      this.pending.delete(replyTo);
      this.timers.clearTimeout(waiting.timer);
      if (msg.type === 'error' || msg.type === 'job.error') waiting.reject(new BridgeRequestError(msg.error.code, msg.error.message, msg.error.hint, msg.error.details));
      else waiting.resolve(msg);
    }
    for (const l of [...this.messageListeners]) l(msg);
  }

  private failPending(err: Error): void {
    for (const [id, p] of this.pending) {
      this.timers.clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
}
