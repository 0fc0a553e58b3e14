import type { ErrorCode, HostSelection, ImportOptions, ImportReport, JobOutput } from '@synthetic-studio/shared';

/** Plugin id: the manifest's <Id>, and the string passed to Initialize (they must match). */
export const PLUGIN_ID = 'com.syntheticstudio.resolve';

/** IPC channels between the panel page (through preload.js) and main.js. Plain data only. */
export const IPC = {
  getSelection: 'synthetic-studio:get-selection',
  importResult: 'synthetic-studio:import-result',
  info: 'synthetic-studio:info',
  reveal: 'synthetic-studio:reveal',
  bridgeConfig: 'synthetic-studio:bridge-config',
  bridgeFetch: 'synthetic-studio:bridge-fetch',
} as const;

/**
 * The bridge websocket, relayed by main.js (Node sends no Origin; a file:// page would send
 * "null", which the bridge refuses). Fire-and-forget messages, not invoke: page -> main on
 * open/send/close/reset, main -> page on `event`. Arguments are strings and numbers only.
 */
export const SOCKET_IPC = {
  open: 'synthetic-studio:socket-open',
  send: 'synthetic-studio:socket-send',
  close: 'synthetic-studio:socket-close',
  /** Sent by preload.js when a page loads: sockets of the page before a reload are closed. */
  reset: 'synthetic-studio:socket-reset',
  event: 'synthetic-studio:socket-event',
} as const;

/** What happened on a relayed socket, main -> page. Text frames only (the bridge speaks JSON). */
export type RelayEvent =
  | { id: string; type: 'open'; protocol: string }
  | { id: string; type: 'message'; data: string }
  | { id: string; type: 'error'; message: string }
  | { id: string; type: 'close'; code: number; reason: string; wasClean: boolean };

/** Errors cross IPC as values: Electron keeps only the message of a thrown error. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } };

export type SelectionResult = { selection: HostSelection } | { selection: null; reason: string };

export interface SelectionRequest {
  /** 1-based video track for "clip under the playhead" when Resolve has no selection API. */
  fallbackTrack?: number;
}

export interface HostInfo {
  product: string;
  version: string;
  studio: boolean;
  /** Which WorkflowIntegration API is in use. */
  api: 'promise' | 'classic';
  /** Whether Timeline.GetSelectedClips exists in this build. */
  timelineSelection: boolean;
  page: string | null;
}

export interface BridgeConfig {
  /** e.g. "http://127.0.0.1:7788" */
  url: string;
  token?: string;
}

/** An HTTP request to the bridge, made by main.js (a file:// page cannot pass the bridge's CORS/origin rules). */
export interface BridgeFetchRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface BridgeFetchResponse {
  status: number;
  body: string;
}

/** What preload.js exposes on `window.syntheticStudioResolve`. */
export interface ResolvePreloadApi {
  getSelection(request: SelectionRequest): Promise<Envelope<SelectionResult>>;
  importResult(outputs: JobOutput[], options: ImportOptions): Promise<Envelope<ImportReport>>;
  info(): Promise<Envelope<HostInfo>>;
  reveal(path: string): Promise<Envelope<null>>;
  bridgeConfig(): Promise<Envelope<BridgeConfig>>;
  bridgeFetch(request: BridgeFetchRequest): Promise<Envelope<BridgeFetchResponse>>;
  /**
   * Open a relayed bridge socket; returns its id at once. `listener` gets every RelayEvent of this
   * socket, ending with exactly one `close`. Only ws:/wss: URLs on the linked bridge's host connect.
   */
  socketOpen(url: string, protocols: string[], listener: (event: RelayEvent) => void): string;
  socketSend(id: string, data: string): void;
  socketClose(id: string, code?: number, reason?: string): void;
}

export const PRELOAD_GLOBAL = 'syntheticStudioResolve';
