import type { Capabilities, HostName, JobOutput, Rational } from '../protocol/index.js';

/** What the host says is selected: everything a JobRequest's source and placement need. */
export interface HostSelection {
  /** Absolute path of the source media on disk. */
  mediaPath: string;
  /** Half-open range in source frames: [sourceIn, sourceOut). */
  sourceIn: number;
  sourceOut: number;
  /** The source's own frame rate (not the sequence's). */
  sourceFps: Rational;
  /** Source start timecode, e.g. "01:00:00:00" (";" before frames for drop-frame). */
  sourceTimecode?: string;
  frameWidth: number;
  frameHeight: number;
  /** Where the clip sits on the timeline, so a result can be placed above it. */
  placement?: {
    /** 0-based video track index (Premiere) or the host's own numbering, see `trackBase`. */
    track: number;
    trackBase: 0 | 1;
    /** Timeline start: Premiere ticks (decimal string) or Resolve record frame. */
    start: string | number;
    sequenceFps?: Rational;
  };
  /** Display name of the clip for the panel. */
  clipName?: string;
}

export interface ImportOptions {
  /** Bin / Media Pool folder name; the panel uses "Synthetic Studio". */
  bin: string;
  /** Place the result on the track above the source, aligned to it. */
  placeAbove: boolean;
  /** The selection the job was made from (for placement). */
  selection?: HostSelection;
}

export interface ImportReport {
  imported: string[];
  placed?: { track: number; start: string | number };
  /** Why placement did not happen, in plain language. */
  warnings: string[];
}

export interface HostCapabilities {
  host: HostName;
  /** Can import into a bin / media pool. */
  canImport: boolean;
  canPlace: boolean;
  /** Can reveal a file in Finder/Explorer. */
  canReveal: boolean;
  /** Selection changes are pushed (else the panel polls). */
  selectionEvents: boolean;
}

/**
 * The only way the panel reaches a host. Each host (Premiere UXP, Resolve Electron, browser)
 * implements it; the panel never calls a host API directly.
 */
export interface HostAdapter {
  readonly capabilities: HostCapabilities;
  /** The current selection, or null with a reason the panel can show. */
  getSelection(): Promise<{ selection: HostSelection } | { selection: null; reason: string }>;
  importResult(outputs: JobOutput[], options: ImportOptions): Promise<ImportReport>;
  /** Subscribe to selection changes; returns an unsubscribe function. */
  onSelectionChanged(listener: () => void): () => void;
  reveal?(path: string): Promise<void>;
}

/** Bridge capabilities as the panel sees them (re-exported for host code). */
export type BridgeCapabilities = Capabilities;
