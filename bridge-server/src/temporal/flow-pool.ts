import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { flowBetween, type FlowOptions } from './flow.js';
import type { FlowField, Plane } from './types.js';

export interface FlowJob {
  a: Plane;
  b: Plane;
  /** Optional unknown regions (1 = unknown) of a and b at the working size. */
  holeA?: Uint8Array | null;
  holeB?: Uint8Array | null;
}

interface Pending { resolve(f: FlowField): void; reject(e: Error): void }

/**
 * A small pool of worker threads computing flows between grey working-size images, so the flow of
 * many frame pairs uses every core. Results are identical to flowBetween in-thread (each job is
 * independent and deterministic). With size 0, or when workers cannot start, it computes inline.
 */
export class FlowPool {
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private queue: { id: number; job: FlowJob; opts: FlowOptions }[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private broken = false;

  constructor(readonly size: number = Math.max(1, Math.min(4, availableParallelism()))) {}

  private start(): void {
    if (this.workers.length > 0 || this.broken || this.size <= 0) return;
    try {
      // an inherited --input-type (`node --input-type=module -e …`, as npm run bench starts) stops
      // a worker from starting from a file, and its jobs would never answer: drop it
      const execArgv: string[] = [];
      for (let i = 0; i < process.execArgv.length; i++) {
        const a = process.execArgv[i];
        if (a === '--input-type') { i++; continue; }
        if (!a.startsWith('--input-type=')) execArgv.push(a);
      }
      for (let i = 0; i < this.size; i++) {
        const w = new Worker(new URL('./flow-worker.mjs', import.meta.url), { execArgv });
        w.on('message', (m: { id: number; flow?: FlowField; error?: string }) => {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          w.unref(); // idle workers must not keep the process alive
          this.idle.push(w);
          this.pump();
          if (!p) return;
          if (m.flow) p.resolve(m.flow); else p.reject(new Error(m.error ?? 'flow worker failed'));
        });
        w.on('error', () => { this.broken = true; this.failAll(); });
        // after the listeners: adding a 'message' listener refs the worker's port again
        w.unref();
        this.workers.push(w);
        this.idle.push(w);
      }
    } catch {
      this.broken = true;
    }
  }

  private failAll(): void {
    // Workers are gone: finish the outstanding jobs in this thread.
    for (const q of this.queue.splice(0)) {
      const p = this.pending.get(q.id);
      this.pending.delete(q.id);
      try { p?.resolve(flowBetween(q.job.a, q.job.b, q.opts, q.job.holeA, q.job.holeB)); } catch (e) { p?.reject(e as Error); }
    }
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.shift()!;
      const q = this.queue.shift()!;
      w.ref(); // a job in flight keeps the process alive until its answer arrives
      w.postMessage({ id: q.id, a: q.job.a, b: q.job.b, holeA: q.job.holeA, holeB: q.job.holeB, opts: q.opts });
    }
  }

  /** Flow F_{a→b} for one pair (working-size grey images). */
  flow(job: FlowJob, opts: FlowOptions = {}): Promise<FlowField> {
    this.start();
    if (this.broken || this.size <= 0) return Promise.resolve().then(() => flowBetween(job.a, job.b, opts, job.holeA, job.holeB));
    return new Promise<FlowField>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, job, opts });
      this.pump();
    });
  }

  /** Flows for many pairs, results in the order of the jobs. */
  flows(jobs: FlowJob[], opts: FlowOptions = {}): Promise<FlowField[]> {
    return Promise.all(jobs.map((j) => this.flow(j, opts)));
  }

  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    this.idle = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

let shared: FlowPool | undefined;
/** Process-wide pool (lazily started; its threads do not keep the process alive). */
export function sharedFlowPool(): FlowPool {
  shared ??= new FlowPool();
  return shared;
}
