import { StudioError, type HostAdapter, type HostCapabilities, type ImportOptions, type ImportReport, type JobOutput } from '@synthetic-studio/shared';
import type { Envelope, ResolvePreloadApi, SelectionRequest, SelectionResult } from '../plugin/ipc.js';

/** The preload calls ResolveHost makes (the socket relay is the panel's, not the host's). */
export type ResolveHostApi = Pick<ResolvePreloadApi, 'getSelection' | 'importResult' | 'reveal'>;

export interface ResolveHostOptions {
  /** Resolve has no selection events (hosts.md 2.3): poll this often while someone listens. */
  pollMs?: number;
  /** 1-based video track for "clip under the playhead" on builds without Timeline.GetSelectedClips. */
  fallbackTrack?: number;
  timers?: { setInterval(fn: () => void, ms: number): unknown; clearInterval(handle: unknown): void };
}

function unwrap<T>(env: Envelope<T>): T {
  if (env.ok) return env.value;
  throw new StudioError(env.error.code, env.error.message);
}

/**
 * The panel's HostAdapter inside Resolve's Workflow Integration window. It only calls the preload
 * API; the Resolve work happens in main.js.
 */
export class ResolveHost implements HostAdapter {
  readonly capabilities: HostCapabilities = { host: 'resolve', canImport: true, canPlace: true, canReveal: true, selectionEvents: false };
  private fallback: number | undefined;
  private readonly listeners = new Set<() => void>();
  private poll: unknown = null;
  private polling = false;
  private lastKey: string | null = null;
  private readonly pollMs: number;
  private readonly timers: NonNullable<ResolveHostOptions['timers']>;

  constructor(
    private readonly api: ResolveHostApi,
    options: ResolveHostOptions = {},
  ) {
    this.fallback = options.fallbackTrack;
    this.pollMs = options.pollMs ?? 1500;
    this.timers = options.timers ?? { setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>) };
  }

  /** Choose the track read for "clip under the playhead" (undefined: Resolve's current video item). */
  setFallbackTrack(track: number | undefined): void {
    this.fallback = track;
    for (const l of this.listeners) l();
  }

  get fallbackTrack(): number | undefined {
    return this.fallback;
  }

  private request(): SelectionRequest {
    return this.fallback !== undefined ? { fallbackTrack: this.fallback } : {};
  }

  async getSelection(): Promise<SelectionResult> {
    const env = await this.api.getSelection(this.request());
    // What the panel last saw: polls report a change against this.
    this.lastKey = JSON.stringify(env);
    return unwrap(env);
  }

  async importResult(outputs: JobOutput[], options: ImportOptions): Promise<ImportReport> {
    // Structured-clone friendly copies: IPC carries plain data only.
    return unwrap(await this.api.importResult(JSON.parse(JSON.stringify(outputs)) as JobOutput[], JSON.parse(JSON.stringify(options)) as ImportOptions));
  }

  async reveal(path: string): Promise<void> {
    unwrap(await this.api.reveal(path));
  }

  onSelectionChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.poll) this.poll = this.timers.setInterval(() => void this.check(), this.pollMs);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.poll) {
        this.timers.clearInterval(this.poll);
        this.poll = null;
      }
    };
  }

  /** One poll: notify listeners when Resolve's answer differs from what the panel last saw. */
  async check(): Promise<void> {
    if (this.polling) return; // a slow Resolve must not stack up polls
    this.polling = true;
    try {
      const key = JSON.stringify(await this.api.getSelection(this.request()));
      if (key !== this.lastKey) {
        this.lastKey = key;
        for (const l of this.listeners) l();
      }
    } finally {
      this.polling = false;
    }
  }
}
