import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import {
  checkAbort, completeFlow, CompletionBuffer, completeWindow, completionWindowSize, createMask, holeOnFlowGrid, maskArea, maskIndices, propagate,
  type FlowPool, type Mask,
} from '../temporal/index.js';

/**
 * Video completion where diffusion fills what no frame saw (docs/diffusion.md §6.1 step 5, §7.1):
 * per window, flow-guided propagation finds the pixels no other frame shows; the frame with the
 * most of them becomes a keyframe that the diffusion model inpaints (the propagated part of its
 * hole is context), it is marked known, and propagation runs again, until nothing is left (or the
 * keyframe budget is spent). The temporal engine's window completion then carries the keyframe
 * fill to the other frames with its gradient-domain write-back. Pixels outside the holes are
 * bit-exact copies of the input.
 */
export interface DiffusionCompletionSource {
  length: number;
  /** Frame i (asked in non-decreasing order). */
  frame(i: number): FloatFrame | Promise<FloatFrame>;
  /** Final hole of frame i (1 = fill), already dilated. */
  hole(i: number): Mask | Promise<Mask>;
}

/** Diffusion fill of one keyframe: `residual` (1 = invent) inside `image`; returns the whole frame. */
export type KeyframeFill = (index: number, image: FloatFrame, residual: Mask) => Promise<FloatFrame>;

export interface DiffusionCompletionOptions {
  keyframe: KeyframeFill;
  pool?: FlowPool | null;
  signal?: AbortSignal;
  seed?: number;
  /** Frames per window (default: by memory, 6…20). */
  windowSize?: number;
  /** Completed frames of the previous window kept as fixed context. Default 3. */
  overlap?: number;
  /** Diffusion keyframes per window at most; what is left goes to the classical synthesis. Default 3. */
  maxKeyframes?: number;
  /**
   * Keyframes per window at most as a fraction of the frames the window emits (at least 1, at most
   * maxKeyframes). Default 0.15: on bmx-trees / tennis (24 frames, their masks) 4 keyframes instead
   * of 5 / 6, with 13.5 % / 17.7 % of the hole left to the classical synthesis instead of 13.5 % /
   * 15.9 % (a short last window no longer spends the full quota on a few frames).
   */
  keyframeFraction?: number;
  /** Residuals smaller than this (px) get no keyframe of their own. Default 32. */
  minResidual?: number;
  /** Flow working size (long side). Default 960. */
  flowMaxSide?: number;
  onProgress?(p: { phase: 'flow' | 'complete'; done: number; total: number }): void;
}

export interface DiffusionCompletionSummary {
  frames: number;
  windows: number;
  /** Keyframes diffused (source-relative indices, in order). */
  keyframes: number[];
  /** Pixels no frame showed before any keyframe was diffused. */
  unseenPixels: number;
  /**
   * Pixels still unseen after the keyframes (neither propagation nor diffusion reached them): the
   * classical patch synthesis of the window completion fills them. 0 = diffusion and propagation
   * covered every hole.
   */
  residualPixels: number;
}

/** The summary as job metrics. */
export function completionMetrics(s: DiffusionCompletionSummary): Record<string, number> {
  return { unseenPixels: s.unseenPixels, residualPixels: s.residualPixels, keyframes: s.keyframes.length, windows: s.windows };
}

/** Index of the largest residual (ties: nearest the window centre). */
function pickKeyframe(areas: number[], eligible: boolean[]): number {
  const T = areas.length;
  let k = -1;
  for (let t = 0; t < T; t++) {
    if (!eligible[t] || areas[t] === 0) continue;
    if (k < 0 || areas[t] > areas[k] || (areas[t] === areas[k] && Math.abs(t - (T - 1) / 2) < Math.abs(k - (T - 1) / 2))) k = t;
  }
  return k;
}

export async function completeWithDiffusion(
  src: DiffusionCompletionSource,
  opts: DiffusionCompletionOptions,
  emit: (index: number, frame: FloatFrame, hole: Mask) => void | Promise<void>,
): Promise<DiffusionCompletionSummary> {
  const N = src.length;
  if (N <= 0) throw new StudioError('E_RANGE', 'The clip has no frames to complete.');
  const first = await src.frame(0);
  const { width: w, height: h } = first;
  const W = completionWindowSize(first, 3, opts.windowSize);
  const O = Math.min(opts.overlap ?? 3, W - 2);
  const maxKey = opts.maxKeyframes ?? 3;
  const fraction = opts.keyframeFraction ?? 0.15;
  const buf = new CompletionBuffer({ length: N, flow: { maxSide: opts.flowMaxSide ?? 960 }, pool: opts.pool, signal: opts.signal, onProgress: opts.onProgress });
  const { frames, holes, fwd, bwd, outputs } = buf;
  const summary: DiffusionCompletionSummary = { frames: N, windows: 0, keyframes: [], unseenPixels: 0, residualPixels: 0 };
  let emitted = 0;
  while (emitted < N) {
    const s = Math.max(0, emitted - O);
    const e = Math.min(N, s + W);
    await buf.load(s, e, (i) => (i === 0 ? first : src.frame(i)), (i) => src.hole(i));
    await buf.flows(s, e);

    // the window: frames already emitted are fixed (known, synthetic inside their hole)
    const idx = Array.from({ length: e - s }, (_, k) => s + k);
    const cur = idx.map((i) => { const f = outputs.get(i) ?? frames.get(i)!; return { ...f, data: new Float32Array(f.data) } as FloatFrame; });
    const curHoles = idx.map((i) => (outputs.has(i) ? createMask(w, h) : holes.get(i)!));
    const synthetic: (Mask | null)[] = idx.map((i) => (outputs.has(i) ? holes.get(i)! : null));
    const rawF = idx.slice(0, -1).map((i) => fwd.get(i)!), rawB = idx.slice(0, -1).map((i) => bwd.get(i)!);
    const fw0 = rawF[0];
    const flowScale = fw0 ? fw0.width / w : 1;
    const gridHoles = fw0 ? curHoles.map((m) => holeOnFlowGrid(m, fw0.width, fw0.height)) : [];
    const fwdC = rawF.map((f, t) => completeFlow(f, gridHoles[t]));
    const bwdC = rawB.map((f, t) => completeFlow(f, gridHoles[t + 1]));
    const eligible = idx.map((i) => !outputs.has(i));
    const quota = Math.min(maxKey, Math.max(1, Math.ceil(fraction * eligible.filter(Boolean).length)));
    let firstMax = 0;
    for (let round = 0; ; round++) {
      const holeIdx = curHoles.map(maskIndices);
      if (holeIdx.every((a) => a.length === 0)) break;
      const res = propagate({ frames: cur, holes: curHoles, targets: holeIdx, synthetic, fwd: fwdC, bwd: bwdC, flowScale });
      const residual = holeIdx.map((a, t) => {
        const r = createMask(w, h);
        for (let q = 0; q < a.length; q++) if (!res.has[t][q]) r.data[a[q]] = 1;
        return r;
      });
      const areas = residual.map(maskArea);
      const left = areas.reduce((x, y, t) => x + (eligible[t] ? y : 0), 0);
      if (round === 0) summary.unseenPixels += left;
      const k = pickKeyframe(areas, eligible);
      // a few stray pixels (broken flow chains at the hole's rim) are not worth a diffusion run:
      // the window completion synthesises them
      if (round === 0 && k >= 0) firstMax = areas[k];
      if (k < 0 || round === quota || areas[k] < Math.max(opts.minResidual ?? 32, 0.02 * firstMax)) {
        summary.residualPixels += left;
        break;
      }
      checkAbort(opts.signal);
      // the keyframe's hole: propagated colour where some frame saw it (context), diffusion for the rest
      const image: FloatFrame = { ...cur[k], data: new Float32Array(cur[k].data) };
      const c = image.channels;
      const a = holeIdx[k];
      for (let q = 0; q < a.length; q++) if (res.has[k][q]) for (let ch = 0; ch < c; ch++) image.data[a[q] * c + ch] = res.colour[k][q * c + ch];
      const filled = await opts.keyframe(idx[k], image, residual[k]);
      if (filled.width !== w || filled.height !== h || filled.channels !== c) throw new StudioError('E_INTERNAL', 'keyframe fill returned a frame of another shape');
      for (let q = 0; q < a.length; q++) for (let ch = 0; ch < c; ch++) cur[k].data[a[q] * c + ch] = filled.data[a[q] * c + ch];
      synthetic[k] = curHoles[k];
      curHoles[k] = createMask(w, h);
      eligible[k] = false;
      summary.keyframes.push(idx[k]);
    }
    checkAbort(opts.signal);
    const { frames: done } = completeWindow({ frames: cur, holes: curHoles, synthetic, fwd: rawF, bwd: rawB, seed: (opts.seed ?? 1) + s });
    summary.windows++;
    const emitEnd = e;
    for (let i = emitted; i < emitEnd; i++) {
      checkAbort(opts.signal);
      const f = done[i - s];
      outputs.set(i, f);
      await emit(i, f, holes.get(i)!);
      opts.onProgress?.({ phase: 'complete', done: i + 1, total: N });
    }
    emitted = emitEnd;
    buf.dropBefore(Math.max(0, emitted - O));
  }
  return summary;
}
