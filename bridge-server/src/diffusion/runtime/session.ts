/**
 * Loading ONNX models as ModelSessions, either in-process or inside an inference worker thread
 * (the default for the server: onnxruntime's run() is synchronous native work scheduled on the
 * calling thread and would otherwise block the event loop for a whole UNet step).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { StudioError } from '@synthetic-studio/shared';
import { createWithFallback, OrtSessionLike, SessionFactory } from './providers.js';
import { ORT_WORKER_SOURCE } from './ort-worker-source.js';
import type { ModelSession, ProviderAttempt, ExecutionProvider, RunStats, SessionOptions, TensorData, TensorInfo } from './types.js';

const require = createRequire(import.meta.url);

function toOrtTensor(t: TensorData): ort.Tensor {
  return new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
}

function fromOrtTensor(t: ort.Tensor): TensorData {
  let data = t.data as TensorData['data'];
  const F16 = (globalThis as { Float16Array?: new (...a: unknown[]) => unknown }).Float16Array;
  if (F16 && (data as unknown) instanceof F16) data = new Uint16Array((data as Uint16Array).buffer, (data as Uint16Array).byteOffset, (data as Uint16Array).length);
  return { type: t.type as TensorData['type'], dims: Array.from(t.dims), data };
}

function metadata(s: OrtSessionLike, which: 'input' | 'output'): TensorInfo[] {
  const names = which === 'input' ? s.inputNames : s.outputNames;
  const meta = (which === 'input' ? s.inputMetadata : s.outputMetadata) as { name: string; type?: string; shape?: (number | string)[] }[] | undefined;
  return names.map((name, i) => {
    const m = meta?.find((x) => x.name === name) ?? meta?.[i];
    return { name, type: m?.type ?? 'unknown', shape: m?.shape ? Array.from(m.shape) : [] };
  });
}

/** Map onnxruntime's load failures to StudioErrors: a missing file, or one that exists but cannot be parsed/loaded. */
export function loadError(path: string, e: unknown, attempts: ProviderAttempt[]): StudioError {
  const msg = e instanceof Error ? e.message : String(e);
  if (!existsSync(path)) return new StudioError('E_MODEL_MISSING', `model file not found: ${path}`, { path });
  return new StudioError('E_MODEL_CORRUPT', `cannot load ${path}: ${msg}`, { path, attempts });
}

class InProcessSession implements ModelSession {
  readonly stats: RunStats = { runs: 0, runMs: 0 };
  constructor(
    readonly path: string,
    private readonly session: OrtSessionLike,
    readonly provider: ExecutionProvider,
    readonly attempts: ProviderAttempt[],
    readonly inputs: TensorInfo[] = metadata(session, 'input'),
    readonly outputs: TensorInfo[] = metadata(session, 'output'),
  ) {}

  async run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
    const f: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) f[k] = toOrtTensor(v);
    const t0 = performance.now();
    const res = (await this.session.run(f)) as Record<string, ort.Tensor>;
    this.stats.runMs += performance.now() - t0;
    this.stats.runs++;
    const out: Record<string, TensorData> = {};
    for (const [k, v] of Object.entries(res)) out[k] = fromOrtTensor(v);
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Execution providers compiled into the installed onnxruntime-node (CUDA may still fail to load). */
export function availableProviders(): string[] {
  try {
    return ort.listSupportedBackends().map((b: { name: string }) => b.name);
  } catch {
    return ['cpu'];
  }
}

const defaultFactory: SessionFactory = (path, options) => ort.InferenceSession.create(path, options) as unknown as Promise<OrtSessionLike>;

/** Open a model in this thread, with provider fallback. `factory` is injectable for tests. */
export async function openSession(path: string, opts: SessionOptions = {}, factory: SessionFactory = defaultFactory): Promise<ModelSession> {
  if (!existsSync(path)) throw new StudioError('E_MODEL_MISSING', `model file not found: ${path}`, { path });
  try {
    const { session, provider, attempts } = await createWithFallback(factory, path, opts, factory === defaultFactory ? availableProviders() : undefined);
    return new InProcessSession(path, session, provider, attempts);
  } catch (e) {
    throw loadError(path, e, (e as { attempts?: ProviderAttempt[] }).attempts ?? []);
  }
}

interface Pending { resolve(v: any): void; reject(e: Error): void }

/**
 * A worker thread owning onnxruntime sessions. One worker serves many sessions; calls are queued
 * by the worker's event loop, so runs on one worker are sequential.
 */
export class InferenceWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor() {
    // The source is CommonJS: drop an inherited --input-type (e.g. `node --input-type=module -e …`)
    const execArgv: string[] = [];
    for (let i = 0; i < process.execArgv.length; i++) {
      const a = process.execArgv[i];
      if (a === '--input-type') { i++; continue; }
      if (!a.startsWith('--input-type=')) execArgv.push(a);
    }
    this.worker = new Worker(ORT_WORKER_SOURCE, { eval: true, execArgv, workerData: { ortPath: require.resolve('onnxruntime-node') } });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; ok: boolean; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m); else p.reject(new Error(m.error));
    });
    this.worker.on('error', (e) => this.failAll(Object.assign(e, { workerFailure: true })));
    this.worker.on('exit', () => this.failAll(Object.assign(new Error('inference worker exited'), { workerFailure: true })));
  }

  private failAll(e: Error): void {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  call<T>(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.closed) return Promise.reject(new Error('inference worker is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...msg, id }, transfer);
    }).finally(() => { if (this.pending.size === 0 && !this.closed) this.worker.unref(); });
  }

  /** Open a model inside this worker, with provider fallback. */
  async open(path: string, opts: SessionOptions = {}): Promise<ModelSession> {
    if (!existsSync(path)) throw new StudioError('E_MODEL_MISSING', `model file not found: ${path}`, { path });
    const factory: SessionFactory = async (p, options) => {
      const r = await this.call<{ sessionId: number; inputNames: string[]; outputNames: string[]; inputMetadata: unknown[]; outputMetadata: unknown[] }>({ op: 'create', path: p, options });
      return { ...r, sessionId: r.sessionId, run: () => Promise.reject(new Error('unused')), release: () => this.call({ op: 'release', sessionId: r.sessionId }) } as OrtSessionLike & { sessionId: number };
    };
    try {
      const { session, provider, attempts } = await createWithFallback(factory, path, opts, availableProviders());
      return new WorkerSession(this, path, (session as OrtSessionLike & { sessionId: number }).sessionId, provider, attempts, metadata(session, 'input'), metadata(session, 'output'));
    } catch (e) {
      if ((e as { workerFailure?: boolean }).workerFailure || this.closed) throw new StudioError('E_INTERNAL', `the inference worker thread failed: ${(e as Error).message}`, { path });
      throw loadError(path, e, (e as { attempts?: ProviderAttempt[] }).attempts ?? []);
    }
  }

  async terminate(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }
}

class WorkerSession implements ModelSession {
  readonly stats: RunStats = { runs: 0, runMs: 0 };
  constructor(
    private readonly host: InferenceWorker,
    readonly path: string,
    private readonly sessionId: number,
    readonly provider: ExecutionProvider,
    readonly attempts: ProviderAttempt[],
    readonly inputs: TensorInfo[],
    readonly outputs: TensorInfo[],
  ) {}

  async run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
    // copy into fresh buffers we can transfer (the caller keeps its arrays)
    const sent: Record<string, TensorData> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [k, t] of Object.entries(feeds)) {
      const data = t.data.slice() as TensorData['data'];
      sent[k] = { type: t.type, dims: t.dims, data };
      transfer.push(data.buffer as ArrayBuffer);
    }
    const r = await this.host.call<{ outputs: Record<string, TensorData>; runMs: number }>({ op: 'run', sessionId: this.sessionId, feeds: sent }, transfer);
    this.stats.runs++;
    this.stats.runMs += r.runMs;
    return r.outputs;
  }

  async release(): Promise<void> {
    await this.host.call({ op: 'release', sessionId: this.sessionId });
  }
}
