/** Engine-level tensor and session types (independent of onnxruntime's classes so they cross threads). */
export type TensorType = 'float32' | 'float16' | 'int32' | 'int64' | 'bool' | 'uint8';
export type TensorArray = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array;

export interface TensorData {
  type: TensorType;
  dims: number[];
  data: TensorArray;
}

export interface TensorInfo {
  name: string;
  type: TensorType | string;
  /** Symbolic dims are strings; rank-0 tensors have []. */
  shape: (number | string)[];
}

export type ExecutionProvider = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'tensorrt';
export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';

export interface SessionOptions {
  /** Preference order; 'cpu' is always appended as the last resort. Default ['cpu']. */
  providers?: ExecutionProvider[];
  intraOpThreads?: number;
  interOpThreads?: number;
  graphOptimization?: GraphOptimization;
  /** false lowers retained memory when shapes vary (video jobs). */
  memArena?: boolean;
  /** Let onnxruntime's threads spin-wait between runs (lower latency, burns CPU). Default false. */
  spinWait?: boolean;
}

export interface ProviderAttempt {
  provider: ExecutionProvider;
  ok: boolean;
  error?: string;
}

export interface RunStats {
  runs: number;
  /** Milliseconds spent inside onnxruntime's run() (measured next to the call). */
  runMs: number;
}

/** One loaded model, in-process or in a worker thread. */
export interface ModelSession {
  readonly path: string;
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  /** The execution provider that actually runs this session. */
  readonly provider: ExecutionProvider;
  /** Every provider tried, in order, with the failure message of those that did not load. */
  readonly attempts: ProviderAttempt[];
  readonly stats: RunStats;
  run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>>;
  release(): Promise<void>;
}
