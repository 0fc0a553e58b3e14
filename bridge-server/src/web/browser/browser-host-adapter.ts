import type { HostAdapter, HostCapabilities, HostSelection, ImportOptions, ImportReport, JobOutput } from '@synthetic-studio/shared';
import type { BridgeHttp } from '@synthetic-studio/shared/panel';

/** The probe fields the browser host needs (the bridge's /api/probe returns the full MediaInfo). */
export interface ProbeSummary {
  path: string;
  width: number;
  height: number;
  fps: { num: number; den: number };
  frameCount: number;
  startTimecode: string | null;
  vfr: boolean;
}

export interface BrowserResult {
  path: string;
  kind: JobOutput['kind'];
  frames: number;
  /** Link that downloads the file through the bridge. */
  url: string;
}

export interface BrowserHostState {
  path: string | null;
  info: ProbeSummary | null;
  in: number;
  out: number;
  /** Frame shown by the scrubber. */
  cursor: number;
  loading: boolean;
  error: { code: string; message: string } | null;
  results: BrowserResult[];
}

/**
 * The browser as a host: the user types or picks a media path on the bridge machine, scrubs to
 * set in/out, and results are listed with links (a browser has no bin or timeline).
 */
export class BrowserHostAdapter implements HostAdapter {
  readonly capabilities: HostCapabilities = { host: 'browser', canImport: true, canPlace: false, canReveal: false, selectionEvents: true };
  private state: BrowserHostState = { path: null, info: null, in: 0, out: 0, cursor: 0, loading: false, error: null, results: [] };
  private readonly selectionListeners = new Set<() => void>();
  private readonly stateListeners = new Set<(s: BrowserHostState) => void>();

  constructor(private readonly http: BridgeHttp) {}

  get current(): BrowserHostState {
    return this.state;
  }

  subscribe(fn: (s: BrowserHostState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  private set(patch: Partial<BrowserHostState>, selectionChanged: boolean): void {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.stateListeners]) l(this.state);
    if (selectionChanged) for (const l of [...this.selectionListeners]) l();
  }

  /** Open a clip by its path on the bridge machine: probe it and select its whole length. */
  async open(path: string): Promise<boolean> {
    const p = path.trim();
    if (!p) return false;
    this.set({ loading: true, error: null }, false);
    try {
      const info = await this.http.getJson<ProbeSummary>('/api/probe', { path: p });
      this.set({ path: p, info, in: 0, out: info.frameCount, cursor: 0, loading: false }, true);
      return true;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      this.set({ loading: false, error: { code: err.code ?? 'E_INTERNAL', message: err.message ?? String(e) } }, false);
      return false;
    }
  }

  setCursor(frame: number): void {
    const info = this.state.info;
    if (!info) return;
    this.set({ cursor: Math.max(0, Math.min(info.frameCount - 1, Math.round(frame))) }, false);
  }

  /** In point at `frame` (default: the scrubber); the out point moves if it would not be after it. */
  setIn(frame = this.state.cursor): void {
    const info = this.state.info;
    if (!info) return;
    const f = Math.max(0, Math.min(info.frameCount - 1, Math.round(frame)));
    this.set({ in: f, out: this.state.out <= f ? Math.min(info.frameCount, f + 1) : this.state.out }, true);
  }

  /** Out point after `frame` (half-open: the scrubbed frame is the last one included). */
  setOut(frame = this.state.cursor): void {
    const info = this.state.info;
    if (!info) return;
    const out = Math.max(1, Math.min(info.frameCount, Math.round(frame) + 1));
    this.set({ out, in: this.state.in >= out ? out - 1 : this.state.in }, true);
  }

  resetRange(): void {
    if (this.state.info) this.set({ in: 0, out: this.state.info.frameCount }, true);
  }

  async getSelection(): Promise<{ selection: HostSelection } | { selection: null; reason: string }> {
    const { path, info } = this.state;
    if (!path || !info) return { selection: null, reason: 'Type or pick a media file on the bridge machine above.' };
    const name = path.split(/[\\/]/).pop() ?? path;
    return {
      selection: {
        mediaPath: path,
        sourceIn: this.state.in,
        sourceOut: this.state.out,
        sourceFps: info.fps,
        ...(info.startTimecode ? { sourceTimecode: info.startTimecode } : {}),
        frameWidth: info.width,
        frameHeight: info.height,
        clipName: name,
      },
    };
  }

  /** "Import" = list the results with download links (a browser has no bin or timeline). */
  async importResult(outputs: JobOutput[], options: ImportOptions): Promise<ImportReport> {
    const added = outputs.map((o) => ({ path: o.path, kind: o.kind, frames: o.frames, url: this.http.url('/api/outputs/file', { path: o.path }) }));
    this.set({ results: [...added, ...this.state.results.filter((r) => !added.some((a) => a.path === r.path))] }, false);
    return {
      imported: outputs.map((o) => o.path),
      warnings: options.placeAbove ? ['The browser cannot place clips on a timeline; the result is listed under Results.'] : [],
    };
  }

  onSelectionChanged(listener: () => void): () => void {
    this.selectionListeners.add(listener);
    return () => this.selectionListeners.delete(listener);
  }
}
