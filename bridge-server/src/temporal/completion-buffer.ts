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
  /**
   * Compute each neighbour flow only on the neighbourhood of the two holes: 'auto' (default) on
   * working grids above 640×360, where the flow is the cost that matters (small grids keep the
   * whole frame's context: measured on the 320×180 sample scene, cropping cost 0.25 dB in the mask).
   */
  cropFlows?: 'auto' | 'always' | 'never';
}

/** A rectangle of the working-size grid. */
export interface CropBox { x0: number; y0: number; width: number; height: number }

/**
 * The part of the working grid whose flow completion can read for a pair of frames: the holes'
 * bounding box grown by a margin (a sixth of the long side, at least 48 px) that covers the ring,
 * the flow-grid margin and a hop out of the hole, with enough context around it for the coarse
 * pyramid levels to lock onto the camera motion. Null = the whole frame (no hole in either frame,
 * or the box would cover most of it anyway).
 */
export function flowCropBox(holeA: Uint8Array | null, holeB: Uint8Array | null, w: number, h: number): CropBox | null {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (const m of [holeA, holeB]) {
    if (!m) continue;
    for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++, i++) if (m[i]) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  }
  if (x1 < 0) return null;
  const margin = Math.max(48, Math.round(Math.max(w, h) / 6));
  x0 = Math.max(0, x0 - margin); y0 = Math.max(0, y0 - margin); x1 = Math.min(w - 1, x1 + margin); y1 = Math.min(h - 1, y1 + margin);
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  if (bw * bh > 0.6 * w * h) return null;
  return { x0, y0, width: bw, height: bh };
}

function cropPlane(p: Plane, box: CropBox | null): Plane {
  if (!box) return p;
  const out = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) out.set(p.data.subarray((y + box.y0) * p.width + box.x0, (y + box.y0) * p.width + box.x0 + box.width), y * box.width);
  return { width: box.width, height: box.height, data: out };
}

function cropHole(m: Uint8Array | null, w: number, box: CropBox | null): Uint8Array | null {
  if (!m || !box) return m;
  const out = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) out.set(m.subarray((y + box.y0) * w + box.x0, (y + box.y0) * w + box.x0 + box.width), y * box.width);
  return out;
}

/** A cropped flow back on the whole grid; outside the box, the nearest box pixel's vector. */
function uncropFlow(f: FlowField, box: CropBox | null, w: number, h: number): FlowField {
  if (!box) return f;
  const u = new Float32Array(w * h), v = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const cy = Math.min(box.height - 1, Math.max(0, y - box.y0));
    for (let x = 0; x < w; x++) {
      const cx = Math.min(box.width - 1, Math.max(0, x - box.x0)), j = cy * box.width + cx;
      u[y * w + x] = f.u[j]; v[y * w + x] = f.v[j];
    }
  }
  return { width: w, height: h, u, v };
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
    const boxes = new Map<number, CropBox | null>();
    for (let i = s; i < e - 1; i++) {
      const A = this.greys.get(i)!, B = this.greys.get(i + 1)!;
      if (this.fwd.has(i) && this.bwd.has(i)) continue;
      // flow is only read around the holes: compute it on their neighbourhood (see flowCropBox)
      const crop = this.opts.cropFlows ?? 'auto';
      const box = crop === 'never' || (crop === 'auto' && A.grey.width * A.grey.height <= 640 * 360) ? null : flowCropBox(A.hole, B.hole, A.grey.width, A.grey.height);
      boxes.set(i, box);
      const a = cropPlane(A.grey, box), b = cropPlane(B.grey, box), ha = cropHole(A.hole, A.grey.width, box), hb = cropHole(B.hole, B.grey.width, box);
      if (!this.fwd.has(i)) jobs.push({ i, job: { a, b, holeA: ha, holeB: hb }, dir: 'f' });
      if (!this.bwd.has(i)) jobs.push({ i, job: { a: b, b: a, holeA: hb, holeB: ha }, dir: 'b' });
    }
    checkAbort(signal);
    const results = pool ? await pool.flows(jobs.map((j) => j.job), flow) : jobs.map((j) => flowBetween(j.job.a, j.job.b, flow, j.job.holeA, j.job.holeB));
    jobs.forEach((j, k) => {
      const g = this.greys.get(j.i)!.grey;
      (j.dir === 'f' ? this.fwd : this.bwd).set(j.i, uncropFlow(results[k], boxes.get(j.i) ?? null, g.width, g.height));
    });
    this.flowsDone += jobs.length;
    this.opts.onProgress?.({ phase: 'flow', done: Math.min(this.flowsDone, 2 * (N - 1)), total: 2 * Math.max(0, N - 1) });
    checkAbort(signal);
  }

  /** Forget every frame before `key` (the next window starts there). */
  dropBefore(key: number): void {
    for (const map of [this.frames, this.holes, this.greys, this.outputs, this.fwd, this.bwd] as Map<number, unknown>[]) for (const k of [...map.keys()]) if (k < key) map.delete(k);
  }
}
