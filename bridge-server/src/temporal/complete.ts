import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import { completeFlow, holeOnFlowGrid, type FlowFillMode } from './flow-completion.js';
import { checkAbort, CompletionBuffer, completionWindowSize } from './completion-buffer.js';
import { fbConsistency } from './consistency.js';
import { workingSize, type FlowOptions } from './flow.js';
import type { FlowPool } from './flow-pool.js';
import { EXCLUDED, fillHarmonic, fillHarmonicInterleaved, KNOWN, UNKNOWN } from './laplace-fill.js';
import { dilateMask, maskIndices, orMasks, outerRing } from './mask-ops.js';
import { patchMatchInpaint } from './patchmatch.js';
import { propagate } from './propagate.js';
import { createMask, maskArea, type FlowField, type Mask } from './types.js';

/** One window of frames ready for completion. */
export interface CompletionWindow {
  /** Source frames (RGB or RGBA); hole content is ignored. */
  frames: FloatFrame[];
  /** Final (already dilated) holes, 1 = fill. */
  holes: Mask[];
  /** Raw flows on the flow grid: fwd[t] = F_{t→t+1}, bwd[t] = F_{t+1→t}. */
  fwd: FlowField[];
  bwd: FlowField[];
  /** Frames whose pixels are all known but partly synthesised earlier (e.g. previous window's output). */
  synthetic?: (Mask | null)[];
  seed?: number;
  /** Most keyframes synthesised by PatchMatch for never-seen pixels. Default 6. */
  maxKeyframes?: number;
  /** Flow completion inside the holes. Default 'motion' (measured better than 'harmonic' on bmx-trees and the sample scene). */
  flowFill?: FlowFillMode;
}

export interface WindowStats {
  propagatedPixels: number;
  synthesisedKeyframes: number[];
  /** Pixels filled by the last-resort smooth fill (neither propagation nor keyframe reached them). */
  smoothFilledPixels: number;
}

/** Deviation (per channel, from the ring's median offset) beyond which a ring candidate is not Poisson data. */
const POISSON_OUTLIER = 0.1;

/**
 * Gradient-domain write-back for one frame: the propagated colour P is corrected by the harmonic
 * membrane D that matches it to the frame on the ring around the hole (X = P + D, D = I − P on the
 * ring), so exposure differences between source frames leave no seam.
 */
function poissonWrite(out: FloatFrame, holeIdx: Int32Array, ringIdx: Int32Array, col: Float32Array, has: Uint8Array, hole: Mask): Uint8Array {
  const { width: w, height: h, channels: c } = out;
  const nh = holeIdx.length;
  // bounding box of hole ∪ ring for a local solve
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  const all = [holeIdx, ringIdx];
  for (const a of all) for (const p of a) { const x = p % w, y = (p - x) / w; if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  const filled = new Uint8Array(nh);
  if (x1 < 0) return filled;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const unknown = new Uint8Array(bw * bh);
  const D = Array.from({ length: c }, () => new Float32Array(bw * bh));
  // The domain is the hole and its ring; the rest of the box is outside it (a Neumann border), so
  // the solve costs what the hole does, however far apart its parts lie. Dirichlet data: ring
  // pixels with a candidate; the rest of the ring is free. A ring pixel whose candidate differs
  // from the frame far more than the typical (exposure) offset is a wrong candidate (an occluder
  // on the ring, a broken chain), not an exposure change: used as data it would spread a blob of
  // its error into the hole, so it is left free too.
  unknown.fill(EXCLUDED);
  for (const a of all) for (const p of a) { const x = p % w, y = (p - x) / w; unknown[(y - y0) * bw + (x - x0)] = UNKNOWN; }
  const med = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const ds: number[] = [];
    for (let s = 0; s < ringIdx.length; s++) if (has[nh + s]) ds.push(out.data[ringIdx[s] * c + k] - col[(nh + s) * c + k]);
    ds.sort((a, b) => a - b);
    med[k] = ds.length ? ds[ds.length >> 1] : 0;
  }
  let lo = 0, hi = 1;
  for (let s = 0; s < ringIdx.length; s++) {
    const p = ringIdx[s];
    for (let k = 0; k < c; k++) { const v = out.data[p * c + k]; if (v < lo) lo = v; if (v > hi) hi = v; }
    if (!has[nh + s]) continue;
    let dev = 0;
    for (let k = 0; k < c; k++) dev = Math.max(dev, Math.abs(out.data[p * c + k] - col[(nh + s) * c + k] - med[k]));
    if (dev > POISSON_OUTLIER) continue;
    const x = p % w, y = (p - x) / w, b = (y - y0) * bw + (x - x0);
    unknown[b] = KNOWN;
    for (let k = 0; k < c; k++) D[k][b] = out.data[p * c + k] - col[(nh + s) * c + k];
  }
  let anyKnown = false;
  for (let i = 0; i < unknown.length; i++) if (unknown[i] === KNOWN) { anyKnown = true; break; }
  // The membrane is smooth and the solver starts from its coarse-level solution: a large box
  // (1080p holes) needs far fewer fine sweeps than a small one for the same residual.
  if (anyKnown) fillHarmonic(D, bw, bh, unknown, bw * bh > 100_000 ? 20 : 60);
  for (let s = 0; s < nh; s++) {
    if (!has[s]) continue;
    const p = holeIdx[s], x = p % w, y = (p - x) / w, b = (y - y0) * bw + (x - x0);
    // clamped to the range of the frame around the hole (an overshoot would show as a speck)
    for (let k = 0; k < c; k++) { const v = col[s * c + k] + (anyKnown ? D[k][b] : 0); out.data[p * c + k] = v < lo ? lo : v > hi ? hi : v; }
    filled[s] = 1;
  }
  void hole;
  return filled;
}

/**
 * Complete one window: flow completion in the holes, bidirectional propagation with Poisson
 * write-back, and for pixels no frame shows, PatchMatch synthesis on a keyframe that is then
 * propagated to the other frames. Returns new frames; pixels outside the holes are bit-exact
 * copies of the input.
 */
export function completeWindow(win: CompletionWindow): { frames: FloatFrame[]; stats: WindowStats } {
  const T = win.frames.length;
  if (T === 0) return { frames: [], stats: { propagatedPixels: 0, synthesisedKeyframes: [], smoothFilledPixels: 0 } };
  const { width: w, height: h } = win.frames[0];
  for (const m of win.holes) {
    if (maskArea(m) === w * h) throw new StudioError('E_MASK_EMPTY', 'A frame is masked completely: there is no surrounding picture to complete it from; shrink the mask.', { reason: 'full-mask' });
  }
  const out = win.frames.map((f) => ({ width: f.width, height: f.height, channels: f.channels, data: new Float32Array(f.data) }) as FloatFrame);
  const fw = win.fwd[0] ?? null;
  const flowScale = fw ? fw.width / w : 1;
  // 1. flow completion (F_{t→t+1} unknown in hole_t, F_{t+1→t} unknown in hole_{t+1})
  // Flow is also re-interpolated where it fails the forward–backward check: next to a hole the
  // estimate is often garbage (occlusion by the removed object, patches matching into the hole),
  // and a chain through such a pixel would pull the wrong content.
  const gridHoles = fw ? win.holes.map((m) => holeOnFlowGrid(m, fw.width, fw.height)) : [];
  const unknownFor = (f: FlowField, g: FlowField, hole: Mask): Mask => {
    const { valid } = fbConsistency(f, g);
    const bad = createMask(f.width, f.height);
    for (let i = 0; i < bad.data.length; i++) bad.data[i] = valid.data[i] ? 0 : 1;
    return orMasks(hole, dilateMask(bad, 1));
  };
  const fwdC = win.fwd.map((f, t) => completeFlow(f, unknownFor(f, win.bwd[t], gridHoles[t]), win.flowFill ?? 'motion'));
  const bwdC = win.bwd.map((f, t) => completeFlow(f, unknownFor(f, win.fwd[t], gridHoles[t + 1]), win.flowFill ?? 'motion'));
  // 2–4. propagate; synthesise a keyframe where nothing is visible; repeat
  let holes: Mask[] = win.holes.map((m) => ({ width: m.width, height: m.height, data: new Uint8Array(m.data) }));
  const synthetic = win.synthetic ? win.synthetic.map((m) => (m ? { width: m.width, height: m.height, data: new Uint8Array(m.data) } : null)) : new Array<Mask | null>(T).fill(null);
  const stats: WindowStats = { propagatedPixels: 0, synthesisedKeyframes: [], smoothFilledPixels: 0 };
  const maxKey = win.maxKeyframes ?? 6;
  for (let round = 0; ; round++) {
    const holeIdx = holes.map(maskIndices);
    if (holeIdx.every((a) => a.length === 0)) break;
    const ringIdx = holes.map((m) => maskIndices(outerRing(m)));
    const targets = holeIdx.map((a, t) => { const r = new Int32Array(a.length + ringIdx[t].length); r.set(a); r.set(ringIdx[t], a.length); return r; });
    const res = propagate({ frames: out, holes, targets, synthetic, fwd: fwdC, bwd: bwdC, flowScale });
    const residual: Mask[] = [];
    for (let t = 0; t < T; t++) {
      const filled = poissonWrite(out[t], holeIdx[t], ringIdx[t], res.colour[t], res.has[t], holes[t]);
      const rm = createMask(w, h);
      for (let s = 0; s < holeIdx[t].length; s++) {
        const p = holeIdx[t][s];
        if (filled[s]) { stats.propagatedPixels++; const sm = synthetic[t] ?? (synthetic[t] = createMask(w, h)); if (round > 0) sm.data[p] = 1; }
        else rm.data[p] = 1;
      }
      residual.push(rm);
    }
    const areas = residual.map(maskArea);
    const total = areas.reduce((a, b) => a + b, 0);
    if (total === 0) break;
    if (round >= maxKey) {
      // last resort: smooth fill of what is left (rare: broken flow chains)
      for (let t = 0; t < T; t++) if (areas[t] > 0) { fillHarmonicInterleaved(out[t].data, w, h, out[t].channels, residual[t].data, 60); stats.smoothFilledPixels += areas[t]; }
      break;
    }
    // keyframe: the frame with the largest residual (ties: nearest the window centre)
    let k = 0;
    for (let t = 1; t < T; t++) if (areas[t] > areas[k] || (areas[t] === areas[k] && Math.abs(t - (T - 1) / 2) < Math.abs(k - (T - 1) / 2))) k = t;
    const filledK = patchMatchInpaint(out[k], residual[k], { seed: (win.seed ?? 1) + 7919 * round });
    out[k].data.set(filledK.data);
    stats.synthesisedKeyframes.push(k);
    // frame k is now complete; its invented pixels are known-but-synthetic sources
    const sk = synthetic[k] ?? (synthetic[k] = createMask(w, h));
    for (let i = 0; i < w * h; i++) if (residual[k].data[i]) sk.data[i] = 1;
    // next round: only the residual pixels are unknown; propagated pixels act as (synthetic) sources
    holes = residual.map((m, t) => (t === k ? createMask(w, h) : m));
    for (let t = 0; t < T; t++) {
      if (t === k) continue;
      const sm = synthetic[t] ?? (synthetic[t] = createMask(w, h));
      for (let i = 0; i < w * h; i++) if (win.holes[t].data[i] && !residual[t].data[i]) sm.data[i] = 1;
    }
  }
  return { frames: out, stats };
}

/** Random access to the clip being completed (the media layer or a test supplies it). */
export interface CompletionSource {
  length: number;
  frame(i: number): FloatFrame | Promise<FloatFrame>;
  /** The edit mask of frame i (1 = remove); dilation is applied by completeVideo. */
  mask(i: number): Mask | Promise<Mask>;
}

export interface CompletionOptions {
  /** Grow every mask by this many pixels first. Default 4. */
  dilate?: number;
  /** Frames per processing window. Default 20 (or fewer for very large frames). */
  windowSize?: number;
  /** Frames of the previous window kept as fixed, already-completed context. Default 3. */
  overlap?: number;
  /** Frames beyond the emitted part kept as future context. Default 6. */
  lookahead?: number;
  flow?: FlowOptions;
  /** Worker pool for the flows; null computes in this thread. */
  pool?: FlowPool | null;
  signal?: AbortSignal;
  seed?: number;
  /** Flow completion inside the holes (see completeWindow). */
  flowFill?: FlowFillMode;
  /** Compute flows only around the holes (see CompletionBufferOptions). Default 'auto'. */
  cropFlows?: 'auto' | 'always' | 'never';
  onProgress?(p: { phase: 'flow' | 'complete'; done: number; total: number }): void;
}

export interface CompletionSummary {
  frames: number;
  windows: number;
  propagatedPixels: number;
  synthesisedKeyframes: number;
  smoothFilledPixels: number;
  /** First emitted frame of every window after the first (where a colour jump would show). */
  windowJoins: number[];
}

/**
 * Complete a whole clip window by window with overlap, keeping memory flat: each window sees the
 * last frames of the previous window's output as fixed context (no colour drift between windows)
 * and `lookahead` future frames. `emit` receives every frame exactly once, in order; `skip(i)`
 * may return true for frames already written (resume) — they are still read for context.
 */
export async function completeVideo(
  src: CompletionSource,
  opts: CompletionOptions,
  emit: (index: number, frame: FloatFrame, hole: Mask) => void | Promise<void>,
): Promise<CompletionSummary> {
  const N = src.length;
  if (N <= 0) throw new StudioError('E_RANGE', 'The clip has no frames to complete.');
  const first = await src.frame(0);
  const W = completionWindowSize(first, 2.5, opts.windowSize);
  const L = Math.min(opts.lookahead ?? 6, Math.max(0, W - 2));
  const O = Math.min(opts.overlap ?? 3, Math.max(0, W - L - 1));
  const dil = opts.dilate ?? 4;
  const maxSide = opts.flow?.maxSide ?? 960;
  const ws = workingSize(first.width, first.height, maxSide);
  const buf = new CompletionBuffer({ length: N, flow: opts.flow, pool: opts.pool, signal: opts.signal, onProgress: opts.onProgress, cropFlows: opts.cropFlows });
  const { holes, fwd, bwd, outputs } = buf;
  const lookahead = new Map<number, FloatFrame>();
  const summary: CompletionSummary = { frames: N, windows: 0, propagatedPixels: 0, synthesisedKeyframes: 0, smoothFilledPixels: 0, windowJoins: [] };
  let emitted = 0;
  let s = 0;
  const load = (a: number, b: number) => buf.load(a, b, (i) => (i === 0 ? first : src.frame(i)), async (i) => dilateMask(await src.mask(i), dil));
  // the next window's flows, computing on the pool's workers while this thread completes a window
  let ahead: Promise<void> | null = null;
  while (emitted < N) {
    const e = Math.min(N, s + W);
    await load(s, e);
    if (ahead) await ahead;
    await buf.flows(s, e);
    ahead = null;
    // this window emits frames up to emitEnd; the next one starts O frames before that
    const emitEnd = e === N ? N : Math.max(emitted + 1, e - L);
    const nextS = Math.max(s + 1, emitEnd - O);
    if (opts.pool && e < N) {
      await load(nextS, Math.min(N, nextS + W));
      ahead = buf.flows(nextS, Math.min(N, nextS + W));
      ahead.catch(() => {}); // awaited with the next window; not an unhandled rejection meanwhile
    }
    // window: already emitted frames are fixed context
    const idx = Array.from({ length: e - s }, (_, k) => s + k);
    const winFrames = idx.map((i) => outputs.get(i) ?? buf.frames.get(i)!);
    const winHoles = idx.map((i) => (outputs.has(i) ? createMask(first.width, first.height) : holes.get(i)!));
    const winSynth = idx.map((i) => (outputs.has(i) ? holes.get(i)! : null));
    const { frames: done, stats } = completeWindow({
      frames: winFrames, holes: winHoles, synthetic: winSynth,
      fwd: idx.slice(0, -1).map((i) => fwd.get(i)!), bwd: idx.slice(0, -1).map((i) => bwd.get(i)!),
      seed: (opts.seed ?? 1) + s, flowFill: opts.flowFill,
    });
    summary.windows++;
    summary.propagatedPixels += stats.propagatedPixels;
    summary.synthesisedKeyframes += stats.synthesisedKeyframes.length;
    summary.smoothFilledPixels += stats.smoothFilledPixels;
    if (emitted > 0) summary.windowJoins.push(emitted);
    // The previous window also computed this window's first frames (its lookahead): cross-fade
    // from its result to this one over that span, so a change of sources at a window join
    // becomes a gradual transition instead of a jump. Only hole pixels are blended.
    const fadeEnd = lookahead.size ? Math.max(...lookahead.keys()) + 1 : emitted;
    for (let i = emitted; i < emitEnd; i++) {
      checkAbort(opts.signal);
      let f = done[i - s];
      const prev = lookahead.get(i);
      if (prev) {
        const a = (i - emitted + 1) / (fadeEnd - emitted + 1);
        const hm = holes.get(i)!.data, c = f.channels, d = new Float32Array(f.data);
        for (let p = 0; p < hm.length; p++) if (hm[p]) for (let k = 0; k < c; k++) d[p * c + k] = (1 - a) * prev.data[p * c + k] + a * f.data[p * c + k];
        f = { ...f, data: d };
      }
      outputs.set(i, f);
      await emit(i, f, holes.get(i)!);
      opts.onProgress?.({ phase: 'complete', done: i + 1, total: N });
    }
    lookahead.clear();
    for (let i = emitEnd; i < e; i++) lookahead.set(i, done[i - s]);
    emitted = emitEnd;
    if (emitted >= N) break;
    s = nextS;
    buf.dropBefore(s); // what the next window no longer needs
  }
  void ws;
  return summary;
}
