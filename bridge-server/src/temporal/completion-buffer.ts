import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import { flowBetween, flowInput, type FlowOptions } from './flow.js';
import type { FlowJob, FlowPool } from './flow-pool.js';
import { fillHarmonic } from './laplace-fill.js';
import { dilateMask, resizeMask } from './mask-ops.js';
import { maskArea, type FlowField, type Mask, type Plane } from './types.js';

/** Throw E_CANCELLED once `signal` is aborted. */
export function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new StudioError('E_CANCELLED');
}

/**
 * Grey working-size flow input of a frame whose hole is treated as unknown: the hole is filled
 * smoothly from its surroundings so the flow is not pulled by the content being removed.
 */
export function maskedFlowInput(frame: FloatFrame, hole: Mask | null, maxSide = 960): { grey: Plane; hole: Uint8Array | null } {
  const g = flowInput(frame, maxSide);
  if (!hole || maskArea(hole) === 0) return { grey: g, hole: null };
  const hm = dilateMask(resizeMask(hole, g.width, g.height), 1);
  fillHarmonic([g.data], g.width, g.height, hm.data, 30);
  return { grey: g, hole: hm.data };
}

/**
 * Frames per completion window: `requested` (at least 3), or by memory: about 600 MB for `copies`
 * working copies of every frame like `frame`, 6…20 frames.
 */
export function completionWindowSize(frame: FloatFrame, copies: number, requested?: number): number {
  const bytesPerFrame = frame.width * frame.height * frame.channels * 4;
  return Math.max(3, requested ?? Math.max(6, Math.min(20, Math.floor(600e6 / (bytesPerFrame * copies)))));
}

export interface CompletionBufferOptions {
  /** Frames in the clip. */
  length: number;
  /** Flow settings (working size: `maxSide`, default 960). */
  flow?: FlowOptions;
  /** Worker pool for the flows; null computes in this thread. */
  pool?: FlowPool | null;
  signal?: AbortSignal;
  onProgress?(p: { phase: 'flow'; done: number; total: number }): void;
}

/**
 * What windowed video completion keeps between overlapping windows, keyed by absolute frame
 * index: the source frames, their final holes, the masked flow inputs, the flows between
 * neighbours and the frames already emitted. Each frame is read once and each flow computed once
 * however the windows overlap; `dropBefore` keeps memory flat.
 */
export class CompletionBuffer {
  readonly frames = new Map<number, FloatFrame>();
  readonly holes = new Map<number, Mask>();
  /** F_{i→i+1} and F_{i+1→i}, keyed by i. */
  readonly fwd = new Map<number, FlowField>();
  readonly bwd = new Map<number, FlowField>();
  readonly outputs = new Map<number, FloatFrame>();
  private readonly greys = new Map<number, { grey: Plane; hole: Uint8Array | null }>();
  private readonly maxSide: number;
  private flowsDone = 0;

  constructor(private readonly opts: CompletionBufferOptions) {
    this.maxSide = opts.flow?.maxSide ?? 960;
  }

  /** Read frames [s, e) not held yet, each with its final hole (which must match its size). */
  async load(s: number, e: number, frame: (i: number) => FloatFrame | Promise<FloatFrame>, hole: (i: number) => Mask | Promise<Mask>): Promise<void> {
    for (let i = s; i < e; i++) {
      if (this.frames.has(i)) continue;
      checkAbort(this.opts.signal);
      const f = await frame(i);
      const m = await hole(i);
      if (m.width !== f.width || m.height !== f.height) throw new StudioError('E_MASK_SIZE', `Mask ${m.width}x${m.height} does not match frame ${f.width}x${f.height}.`);
      this.frames.set(i, f);
      this.holes.set(i, m);
      this.greys.set(i, maskedFlowInput(f, m, this.maxSide));
    }
  }

  /** Forward and backward flows of the neighbour pairs in [s, e) not computed yet (holes masked out). */
  async flows(s: number, e: number): Promise<void> {
    const { pool, flow, signal } = this.opts;
    const N = this.opts.length;
    const jobs: { i: number; job: FlowJob; dir: 'f' | 'b' }[] = [];
    for (let i = s; i < e - 1; i++) {
      const A = this.greys.get(i)!, B = this.greys.get(i + 1)!;
      if (!this.fwd.has(i)) jobs.push({ i, job: { a: A.grey, b: B.grey, holeA: A.hole, holeB: B.hole }, dir: 'f' });
      if (!this.bwd.has(i)) jobs.push({ i, job: { a: B.grey, b: A.grey, holeA: B.hole, holeB: A.hole }, dir: 'b' });
    }
    checkAbort(signal);
    const results = pool ? await pool.flows(jobs.map((j) => j.job), flow) : jobs.map((j) => flowBetween(j.job.a, j.job.b, flow, j.job.holeA, j.job.holeB));
    jobs.forEach((j, k) => (j.dir === 'f' ? this.fwd : this.bwd).set(j.i, results[k]));
    this.flowsDone += jobs.length;
    this.opts.onProgress?.({ phase: 'flow', done: Math.min(this.flowsDone, 2 * (N - 1)), total: 2 * Math.max(0, N - 1) });
    checkAbort(signal);
  }

  /** Forget every frame before `key` (the next window starts there). */
  dropBefore(key: number): void {
    for (const map of [this.frames, this.holes, this.greys, this.outputs, this.fwd, this.bwd] as Map<number, unknown>[]) for (const k of [...map.keys()]) if (k < key) map.delete(k);
  }
}
