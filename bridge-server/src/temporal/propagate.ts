import type { FloatFrame } from '@synthetic-studio/shared';
import { FB_ALPHA1, FB_ALPHA2 } from './consistency.js';
import type { FlowField, Mask } from './types.js';
import { sampleFlowAt } from './warp.js';

/**
 * Flow-guided propagation (FGVC-style coordinate tracing, done recursively so it costs
 * O(frames × hole)): each target pixel follows the completed flow forwards and backwards, hop by
 * hop with a forward–backward check per hop, until it lands on a known pixel. The source position
 * is carried as coordinates (frame, x, y) and sampled once, so nothing blurs over long chains.
 */
export interface PropagationInput {
  frames: FloatFrame[];
  /** 1 = unknown pixel of that frame. */
  holes: Mask[];
  /** Pixels to find candidates for, per frame (usually hole ∪ its outer ring). */
  targets: Int32Array[];
  /** Known but synthesised pixels (1): usable as sources with a penalty. */
  synthetic?: (Mask | null)[];
  /** Completed flows on the flow grid: fwd[t] = F_{t→t+1}, bwd[t] = F_{t+1→t}. */
  fwd: FlowField[];
  bwd: FlowField[];
  /** Flow grid size / frame size. */
  flowScale: number;
  /** Error added when the source is a synthesised pixel (squared px units). Default 4. */
  syntheticPenalty?: number;
  /** Soft weighting scale of accumulated FB error (squared px). Default 4. */
  errorScale?: number;
  /**
   * Absolute term of the forward–backward check for hops that start inside a hole, where both
   * flows are interpolated guesses (FGVC applies no check there by default). Default 16 (4 px).
   */
  holeAlpha2?: number;
}

export interface PropagationResult {
  /** Candidate colour per target (channels interleaved), valid where has = 1. */
  colour: Float32Array[];
  has: Uint8Array[];
  /** Source frame of the best candidate (-1 none). */
  source: Int16Array[];
}

interface SweepRecords { k: Int16Array; sx: Float32Array; sy: Float32Array; err: Float32Array; dist: Uint16Array }

function sweep(inp: PropagationInput, dir: 1 | -1): SweepRecords[] {
  const T = inp.frames.length;
  const { width: w, height: h } = inp.frames[0];
  const recs: SweepRecords[] = inp.targets.map((t) => ({ k: new Int16Array(t.length).fill(-1), sx: new Float32Array(t.length), sy: new Float32Array(t.length), err: new Float32Array(t.length), dist: new Uint16Array(t.length) }));
  const slot = new Int32Array(w * h).fill(-1);
  const f = new Float32Array(2), b = new Float32Array(2);
  const penalty = inp.syntheticPenalty ?? 4;
  const holeA2 = inp.holeAlpha2 ?? 16;
  const start = dir === 1 ? T - 2 : 1, end = dir === 1 ? -1 : T;
  if (T < 2) return recs;
  // slot map of the neighbour frame the current frame looks into
  let nb = dir === 1 ? T - 1 : 0;
  inp.targets[nb].forEach((p, s) => { slot[p] = s; });
  for (let t = start; t !== end; t -= dir) {
    const F = dir === 1 ? inp.fwd[t] : inp.bwd[t - 1];
    const B = dir === 1 ? inp.bwd[t] : inp.fwd[t - 1];
    const holeN = inp.holes[nb].data, synN = inp.synthetic?.[nb]?.data, holeC = inp.holes[t].data;
    const rn = recs[nb], rc = recs[t];
    const tg = inp.targets[t];
    for (let s = 0; s < tg.length; s++) {
      const p = tg[s];
      const x = p % w, y = (p - x) / w;
      sampleFlowAt(F, x, y, f, inp.flowScale);
      const qx = x + f[0], qy = y + f[1];
      if (qx < 0 || qy < 0 || qx > w - 1 || qy > h - 1) continue;
      sampleFlowAt(B, qx, qy, b, inp.flowScale);
      const ex = f[0] + b[0], ey = f[1] + b[1];
      const e2 = ex * ex + ey * ey;
      if (e2 >= FB_ALPHA1 * (f[0] * f[0] + f[1] * f[1] + b[0] * b[0] + b[1] * b[1]) + (holeC[p] ? holeA2 : FB_ALPHA2)) continue;
      const rx = Math.round(qx), ry = Math.round(qy), r = ry * w + rx;
      if (!holeN[r]) {
        rc.k[s] = nb; rc.sx[s] = qx; rc.sy[s] = qy; rc.err[s] = e2 + (synN && synN[r] ? penalty : 0); rc.dist[s] = 1;
      } else {
        const j = slot[r];
        if (j < 0 || rn.k[j] < 0) continue;
        rc.k[s] = rn.k[j]; rc.sx[s] = rn.sx[j] + (qx - rx); rc.sy[s] = rn.sy[j] + (qy - ry);
        rc.err[s] = rn.err[j] + e2; rc.dist[s] = rn.dist[j] + 1;
      }
    }
    // move the slot map to this frame
    for (const p of inp.targets[nb]) slot[p] = -1;
    nb = t;
    tg.forEach((p, s) => { slot[p] = s; });
  }
  return recs;
}

/** Sample a known pixel of frame k near (x, y): bilinear over the known taps. */
function sampleKnown(fr: FloatFrame, hole: Uint8Array, x: number, y: number, out: Float32Array): boolean {
  const { width: w, height: h, channels: c, data } = fr;
  if (x < 0) x = 0; else if (x > w - 1) x = w - 1;
  if (y < 0) y = 0; else if (y > h - 1) y = h - 1;
  const x0 = Math.floor(x), y0 = Math.floor(y), x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
  const ax = x - x0, ay = y - y0;
  const idx = [y0 * w + x0, y0 * w + x1, y1 * w + x0, y1 * w + x1];
  const wt = [(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay];
  let ws = 0;
  for (let k = 0; k < c; k++) out[k] = 0;
  for (let j = 0; j < 4; j++) {
    if (hole[idx[j]] || wt[j] <= 0) continue;
    ws += wt[j];
    for (let k = 0; k < c; k++) out[k] += wt[j] * data[idx[j] * c + k];
  }
  if (ws < 0.25) return false;
  for (let k = 0; k < c; k++) out[k] /= ws;
  return true;
}

export function propagate(inp: PropagationInput): PropagationResult {
  const T = inp.frames.length;
  const c = inp.frames[0].channels;
  const fw = sweep(inp, 1), bw = sweep(inp, -1);
  const scale = inp.errorScale ?? 4;
  const colour: Float32Array[] = [], has: Uint8Array[] = [], source: Int16Array[] = [];
  const ca = new Float32Array(c), cb = new Float32Array(c);
  for (let t = 0; t < T; t++) {
    const n = inp.targets[t].length;
    const col = new Float32Array(n * c), hs = new Uint8Array(n), src = new Int16Array(n).fill(-1);
    const F = fw[t], B = bw[t];
    for (let s = 0; s < n; s++) {
      let wa = 0, wb = 0;
      if (F.k[s] >= 0 && sampleKnown(inp.frames[F.k[s]], inp.holes[F.k[s]].data, F.sx[s], F.sy[s], ca)) wa = Math.max(1e-6, Math.exp(-F.err[s] / scale)) / F.dist[s];
      if (B.k[s] >= 0 && sampleKnown(inp.frames[B.k[s]], inp.holes[B.k[s]].data, B.sx[s], B.sy[s], cb)) wb = Math.max(1e-6, Math.exp(-B.err[s] / scale)) / B.dist[s];
      const ws = wa + wb;
      if (!(ws > 0)) continue;
      hs[s] = 1;
      src[s] = wa >= wb ? F.k[s] : B.k[s];
      for (let k = 0; k < c; k++) col[s * c + k] = ((wa > 0 ? wa * ca[k] : 0) + (wb > 0 ? wb * cb[k] : 0)) / ws;
    }
    colour.push(col); has.push(hs); source.push(src);
  }
  return { colour, has, source };
}
