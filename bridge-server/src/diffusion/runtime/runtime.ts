/**
 * The runtime: one place that opens model files (in a worker thread by default), caches sessions by
 * path + options, and releases them. Jobs keep one runtime for their lifetime and call
 * `release()` for phases that are done (e.g. the text encoder after prompts are encoded).
 */
import { InferenceWorker, openSession } from './session.js';
import type { SessionFactory } from './providers.js';
import type { ModelSession, SessionOptions } from './types.js';

export interface RuntimeOptions extends SessionOptions {
  /** 'worker' (default) keeps the event loop free; 'in-process' is simpler for CLIs and benches. */
  mode?: 'worker' | 'in-process';
  /** Test hook: replaces onnxruntime's InferenceSession.create (in-process mode only). */
  factory?: SessionFactory;
}

export class DiffusionRuntime {
  private readonly cache = new Map<string, Promise<ModelSession>>();
  private worker: InferenceWorker | null = null;

  constructor(readonly options: RuntimeOptions = {}) {}

  get mode(): 'worker' | 'in-process' {
    return this.options.mode ?? 'worker';
  }

  /** Open (or reuse) the session for a model file. */
  open(path: string, overrides: SessionOptions = {}): Promise<ModelSession> {
    const opts: SessionOptions = { ...this.options, ...overrides };
    const key = `${path}\u0000${JSON.stringify([opts.providers, opts.intraOpThreads, opts.interOpThreads, opts.graphOptimization, opts.memArena, opts.spinWait])}`;
    let p = this.cache.get(key);
    if (!p) {
      if (this.mode === 'worker') {
        this.worker ??= new InferenceWorker();
        p = this.worker.open(path, opts);
      } else {
        p = openSession(path, opts, this.options.factory);
      }
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  /** Release every cached session of this model file. */
  async release(path: string): Promise<void> {
    for (const [key, p] of [...this.cache]) {
      if (!key.startsWith(`${path}\u0000`)) continue;
      this.cache.delete(key);
      await (await p.catch(() => null))?.release();
    }
  }

  async releaseAll(): Promise<void> {
    const all = [...this.cache.values()];
    this.cache.clear();
    for (const p of all) await (await p.catch(() => null))?.release();
  }

  /** Release everything and stop the worker thread. */
  async dispose(): Promise<void> {
    await this.releaseAll();
    await this.worker?.terminate();
    this.worker = null;
  }

  get openCount(): number {
    return this.cache.size;
  }
}
