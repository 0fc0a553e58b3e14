// Test doubles for the panel: an in-memory HostAdapter, a scripted bridge behind a fake WebSocket
// (it speaks the real protocol schemas: every message it receives is validated with the shared
// parser), and manual timers.
import { parseClientMessage, serverMessage, type Capabilities, type ClientMessage, type JobOutput, type JobRecord, type ServerMessage } from '../../src/index.js';
import type { HostAdapter, HostSelection, ImportOptions, ImportReport } from '../../src/host/index.js';
import type { Timers, WebSocketLike } from '../../src/panel/index.js';

export class ManualTimers implements Timers {
  now = 0;
  private seq = 0;
  private items = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.items.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.items.delete(h as number);
  }
  /** Delays of pending timers (for backoff checks). */
  pending(): number[] {
    return [...this.items.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.items.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.items.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

export const CAPS: Capabilities = {
  server: { name: 'synthetic-studio-bridge', version: '0.1.0' },
  protocol: 1,
  tasks: [
    { name: 'copy', engines: ['classical'], label: 'Copy' },
    { name: 'inpaint', engines: ['classical', 'diffusion'], label: 'Remove / replace' },
    { name: 'relight', engines: ['classical'], label: 'Relight' },
  ],
  executionProviders: ['cpu'],
  models: [
    { name: 'sd15-inpaint', kind: 'sd-inpaint', path: '/m/sd15', installed: true },
    { name: 'sd21-inpaint', kind: 'sd-inpaint', path: '/m/sd21', installed: false },
    { name: 'iclight', kind: 'ic-light-fc', path: '/m/ic', installed: true },
  ],
  formats: ['prores', 'png16'],
  limits: { maxPixels: 8_294_400, maxMessageBytes: 1_048_576 },
};

/** The bridge's side of the conversation, scripted like the spine's ws-connection. */
export class FakeBridge {
  running = true;
  token = 'tok-123456789abcdef';
  pairingCode = 'K7P2Q9';
  capabilities = CAPS;
  received: ClientMessage[] = [];
  /** What jobs.list answers (newest first). */
  records: JobRecord[] = [];
  sockets: FakeSocket[] = [];
  private jobSeq = 0;
  /** Install as WebSocketImpl. */
  readonly WebSocket = (() => {
    const bridge = this;
    return class extends FakeSocket {
      constructor(url: string) {
        super(url, bridge);
      }
    };
  })();

  handle(sock: FakeSocket, raw: string): void {
    const msg = parseClientMessage(raw);
    this.received.push(msg);
    const replyTo = msg.id;
    switch (msg.type) {
      case 'hello':
        sock.authed = msg.token === this.token;
        if (!sock.authed) {
          sock.deliver(serverMessage('error', { replyTo, error: { code: msg.token ? 'E_AUTH_INVALID' : 'E_AUTH_REQUIRED', message: 'auth' } }));
          sock.deliver(serverMessage('welcome', { replyTo, authenticated: false }));
        } else sock.deliver(serverMessage('welcome', { replyTo, authenticated: true, capabilities: this.capabilities }));
        return;
      case 'pair':
        if (msg.code === this.pairingCode) sock.deliver(serverMessage('paired', { replyTo, token: this.token }));
        else sock.deliver(serverMessage('error', { replyTo, error: { code: 'E_AUTH_INVALID', message: 'wrong code' } }));
        return;
      default:
        if (!sock.authed) return sock.deliver(serverMessage('error', { replyTo, error: { code: 'E_AUTH_REQUIRED', message: 'auth' } }));
    }
    switch (msg.type) {
      case 'job.submit': {
        const jobId = `job-${++this.jobSeq}`;
        sock.deliver(serverMessage('job.accepted', { replyTo, jobId, position: 0, request: msg.request }));
        return;
      }
      case 'job.cancel':
        sock.deliver(serverMessage('job.state', { replyTo, jobId: msg.jobId, state: 'cancelled' }));
        return;
      case 'jobs.list':
        sock.deliver(serverMessage('jobs', { replyTo, jobs: this.records }));
        return;
      case 'capabilities.get':
        sock.deliver(serverMessage('capabilities', { replyTo, capabilities: this.capabilities }));
        return;
      default:
        sock.deliver(serverMessage('pong', { replyTo }));
    }
  }

  /** Push an event to every open socket. */
  broadcast(m: ServerMessage): void {
    for (const s of this.sockets) if (s.readyState === 1) s.deliver(m);
  }

  submitted(): Extract<ClientMessage, { type: 'job.submit' }>[] {
    return this.received.filter((m): m is Extract<ClientMessage, { type: 'job.submit' }> => m.type === 'job.submit');
  }

  /** Drop every connection (bridge crash). */
  dropAll(): void {
    for (const s of this.sockets) s.serverClose();
  }
}

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  authed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null = null;
  constructor(readonly url: string, private readonly bridge: FakeBridge) {
    bridge.sockets.push(this);
    queueMicrotask(() => {
      if (!bridge.running) {
        this.readyState = 3;
        this.onerror?.({});
        this.onclose?.({ code: 1006 });
        return;
      }
      this.readyState = 1;
      this.onopen?.({});
    });
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    queueMicrotask(() => this.bridge.handle(this, data));
  }
  deliver(m: ServerMessage): void {
    queueMicrotask(() => { if (this.readyState === 1) this.onmessage?.({ data: JSON.stringify(m) }); });
  }
  close(): void {
    this.readyState = 3;
  }
  serverClose(): void {
    if (this.readyState !== 1) return;
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
}

export class MemoryHost implements HostAdapter {
  readonly capabilities = { host: 'premiere' as const, canImport: true, canPlace: true, canReveal: true, selectionEvents: true };
  selection: HostSelection | null = {
    mediaPath: '/media/shot 01.mov',
    sourceIn: 10,
    sourceOut: 34,
    sourceFps: { num: 24000, den: 1001 },
    sourceTimecode: '01:00:00:00',
    frameWidth: 320,
    frameHeight: 180,
    placement: { track: 0, trackBase: 0, start: '254016000000' },
    clipName: 'shot 01',
  };
  imports: { outputs: JobOutput[]; options: ImportOptions }[] = [];
  revealed: string[] = [];
  private listeners = new Set<() => void>();
  async getSelection() {
    return this.selection ? { selection: this.selection } : { selection: null, reason: 'Select one clip on the timeline.' };
  }
  async importResult(outputs: JobOutput[], options: ImportOptions): Promise<ImportReport> {
    this.imports.push({ outputs, options });
    return { imported: outputs.map((o) => o.path), ...(options.placeAbove ? { placed: { track: 1, start: '254016000000' } } : {}), warnings: [] };
  }
  onSelectionChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  select(s: HostSelection | null): void {
    this.selection = s;
    for (const l of this.listeners) l();
  }
  async reveal(path: string): Promise<void> {
    this.revealed.push(path);
  }
}

/** Let queued microtasks (socket delivery, promise continuations) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
