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
}

export const PRELOAD_GLOBAL = 'syntheticStudioResolve';
