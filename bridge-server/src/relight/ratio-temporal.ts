import type { FloatFrame } from '@synthetic-studio/shared';
import { clampRatio, type RatioMap } from './ratio.js';
import { memoFlowPort, type FlowField, type TemporalPort, type ValidMask } from './temporal-port.js';

/** A ratio map moved to another frame, with the pixels the move could fill. */
export interface CarriedRatio {
  ratio: RatioMap;
  valid: Uint8Array;
}

/**
 * Carries the ratio of frame s to frame t with the flow F_{t→s} (backward warp: each pixel of t
 * looks up where it was in s). `validFlow` (optional) = forward–backward consistency at t;
 * `priorValid` (optional) = which pixels of s were themselves valid (chains of hops). The value
 * is always the warped one where the lookup lands inside s (an occluded pixel takes what the flow
 * points at, which for a smooth ratio is close); only lookups outside s hold the ratio found at
 * the same position. `valid` flags pixels whose whole chain was reliable (used for weighting).
 */
export function carryRatio(port: TemporalPort, ratio: RatioMap, flowTtoS: FlowField, validFlow?: ValidMask, priorValid?: Uint8Array): CarriedRatio {
  const src: FloatFrame = { width: ratio.width, height: ratio.height, channels: 3, data: ratio.data };
  const { frame, valid } = port.warp(src, flowTtoS);
  const n = frame.width * frame.height;
  const out = frame.data;
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const inside = valid.data[i] !== 0;
    if (!inside) {
      out[i * 3] = ratio.data[i * 3];
      out[i * 3 + 1] = ratio.data[i * 3 + 1];
      out[i * 3 + 2] = ratio.data[i * 3 + 2];
      continue;
    }
    ok[i] = (!validFlow || validFlow.data[i] !== 0) && (!priorValid || sourceValid(priorValid, flowTtoS, i)) ? 1 : 0;
  }
  return { ratio: { width: frame.width, height: frame.height, data: out }, valid: ok };
}

export interface StabilizerOptions {
  /** Weight of the flow-warped history (0 = none, 0.9 = very sticky). Default 0.75. */
  memory?: number;
  /**
   * Log-ratio change treated as a real change of light (the subject turned): history weight
   * falls as exp(-(Δ/τ)²). Default 0.3.
   */
  tau?: number;
}

/**
 * Stabilises a sequence of per-frame ratio maps along the optical flow: the previous stabilised
 * map is warped to the current frame and blended in the log domain where the flow is reliable
 * (forward–backward check), so ratio noise does not flicker while moving light edges follow the
 * picture. Feed frames in order; call reset() at a cut.
 */
export class RatioStabilizer {
  private prevGuide: FloatFrame | undefined;
  private prevRatio: RatioMap | undefined;
  private readonly memory: number;
  private readonly tau: number;

  constructor(private readonly port: TemporalPort, opts: StabilizerOptions = {}) {
    this.memory = opts.memory ?? 0.75;
    this.tau = opts.tau ?? 0.3;
  }

  reset(): void {
    this.prevGuide = undefined;
    this.prevRatio = undefined;
  }

  /** `guide` = the frame (working size) the ratio belongs to, same size as the ratio. */
  push(guide: FloatFrame, ratio: RatioMap): RatioMap {
    if (!this.prevGuide || !this.prevRatio || this.memory <= 0) {
      this.prevGuide = guide;
      this.prevRatio = ratio;
      return ratio;
    }
    const { fwd, bwd } = this.port.flowPair(guide, this.prevGuide);
    const fb = this.port.consistency(fwd, bwd);
    const carried = carryRatio(this.port, this.prevRatio, fwd, fb.valid);
    const out = blendLog(ratio, carried, this.memory, this.tau);
    this.prevGuide = guide;
    this.prevRatio = out;
    return out;
  }
}

/** log r = (1−m)·log current + m·log carried, m = memory·exp(−(Δ/τ)²) where carried is valid. */
export function blendLog(current: RatioMap, carried: CarriedRatio, memory: number, tau: number): RatioMap {
  const n = current.width * current.height;
  const out = new Float32Array(n * 3);
  const a = current.data;
  const b = carried.ratio.data;
  for (let i = 0; i < n; i++) {
    if (!carried.valid[i]) {
      out[i * 3] = a[i * 3];
      out[i * 3 + 1] = a[i * 3 + 1];
      out[i * 3 + 2] = a[i * 3 + 2];
      continue;
    }
    let d2 = 0;
    for (let c = 0; c < 3; c++) {
      const d = Math.log(a[i * 3 + c]) - Math.log(b[i * 3 + c]);
      d2 += d * d;
    }
    const m = memory * Math.exp(-d2 / 3 / (tau * tau));
    for (let c = 0; c < 3; c++) {
      out[i * 3 + c] = clampRatio(Math.exp((1 - m) * Math.log(a[i * 3 + c]) + m * Math.log(b[i * 3 + c])));
    }
  }
  return { width: current.width, height: current.height, data: out };
}

/**
 * Keyframe ratio propagation for the in-between frames of a gap [a, b] (EbSynth-style, see
 * diffusion.md §6.2): the ratio of keyframe a is carried forward frame by frame, that of b
 * backward, and the two are mixed with weights by distance where both are valid (only the valid
 * one elsewhere). `guides` are the working-size frames a..b inclusive; `ratioB` may be
 * undefined for the tail after the last keyframe. Returns maps for frames a..b inclusive.
 */
export function propagateKeyRatios(port: TemporalPort, guides: FloatFrame[], ratioA: RatioMap, ratioB?: RatioMap): RatioMap[] {
  const len = guides.length;
  const fwdCarry: CarriedRatio[] = new Array(len);
  const bwdCarry: CarriedRatio[] = new Array(len);
  const n = guides[0].width * guides[0].height;
  const allValid = new Uint8Array(n).fill(1);
  fwdCarry[0] = { ratio: ratioA, valid: allValid };
  // Flows of each consecutive pair, computed once and used in both directions.
  const pairs: Array<{ fwd: FlowField; bwd: FlowField; fbFwd: ValidMask; fbBwd: ValidMask }> = [];
  for (let t = 1; t < len; t++) {
    // fwd = F_{t→t−1} (pull from t−1 into t), bwd = F_{t−1→t}.
    const { fwd, bwd } = port.flowPair(guides[t], guides[t - 1]);
    pairs.push({ fwd, bwd, fbFwd: port.consistency(fwd, bwd).valid, fbBwd: port.consistency(bwd, fwd).valid });
  }
  for (let t = 1; t < len; t++) {
    const p = pairs[t - 1];
    fwdCarry[t] = carryRatio(port, fwdCarry[t - 1].ratio, p.fwd, p.fbFwd, fwdCarry[t - 1].valid);
  }
  if (!ratioB) return fwdCarry.map((c) => c.ratio);
  bwdCarry[len - 1] = { ratio: ratioB, valid: allValid };
  for (let t = len - 2; t >= 0; t--) {
    const p = pairs[t];
    bwdCarry[t] = carryRatio(port, bwdCarry[t + 1].ratio, p.bwd, p.fbBwd, bwdCarry[t + 1].valid);
  }
  const out: RatioMap[] = [];
  for (let t = 0; t < len; t++) {
    const wb = len > 1 ? t / (len - 1) : 0;
    out.push(mixCarried(fwdCarry[t], bwdCarry[t], 1 - wb, wb));
  }
  return out;
}

/** Whether the pixel that pixel i of t pulls from (nearest) was valid in s. */
function sourceValid(prior: Uint8Array, flow: FlowField, i: number): boolean {
  const { width: w, height: h } = flow;
  const x = i % w;
  const y = (i - x) / w;
  const sx = Math.min(w - 1, Math.max(0, Math.round(x + flow.u[i])));
  const sy = Math.min(h - 1, Math.max(0, Math.round(y + flow.v[i])));
  return prior[sy * w + sx] !== 0;
}

function mixCarried(a: CarriedRatio, b: CarriedRatio, wa: number, wb: number): RatioMap {
  const n = a.valid.length;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    let ka = a.valid[i] ? wa : 0;
    let kb = b.valid[i] ? wb : 0;
    if (ka + kb <= 0) {
      // Neither carry reached this pixel: fall back to the distance weights on the held values.
      ka = wa;
      kb = wb;
    }
    const s = ka + kb;
    for (let c = 0; c < 3; c++) {
      const la = Math.log(a.ratio.data[i * 3 + c]);
      const lb = Math.log(b.ratio.data[i * 3 + c]);
      out[i * 3 + c] = clampRatio(Math.exp((ka * la + kb * lb) / s));
    }
  }
  return { width: a.ratio.width, height: a.ratio.height, data: out };
}

/**
 * A shot relit from keyframe ratios, gap by gap in order: each gap's ratios are propagated both
 * ways from its keyframes and then pass through the flow stabiliser (which smooths what differs
 * between neighbouring keyframes); both share their flows. `gap` returns the maps of frames
 * a … b−1, or a … b for the last gap (frame b opens the next gap).
 */
export class KeyframeRatioChain {
  private readonly port: TemporalPort;
  private readonly stabilizer: RatioStabilizer;

  constructor(port: TemporalPort, opts: StabilizerOptions = {}) {
    this.port = memoFlowPort(port);
    this.stabilizer = new RatioStabilizer(this.port, opts);
  }

  gap(guides: FloatFrame[], ratioA: RatioMap, ratioB: RatioMap | undefined, last: boolean): RatioMap[] {
    const ratios = guides.length === 1 ? [ratioA] : propagateKeyRatios(this.port, guides, ratioA, ratioB);
    const count = last ? ratios.length : ratios.length - 1;
    const out: RatioMap[] = [];
    for (let k = 0; k < count; k++) out.push(this.stabilizer.push(guides[k], ratios[k]));
    return out;
  }
}
