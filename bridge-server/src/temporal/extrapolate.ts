import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import { completeVideo, type CompletionOptions, type CompletionSummary } from './complete.js';
import { fbConsistency } from './consistency.js';
import { flowBetween, flowInput, workingSize, type FlowOptions } from './flow.js';
import { affineAt, fitAffine, type AffineMotion } from './motion-model.js';
import { createMask, type FlowField, type Mask } from './types.js';

export interface ExtrapolationOptions extends Omit<CompletionOptions, 'dilate'> {
  /** Per-frame damping of the local (non-camera) motion; 0 freezes it, 1 keeps it. Default 0.8. */
  localDamping?: number;
  /** Frame pairs at the end of the tail whose camera motion is averaged. Default 3. */
  motionPairs?: number;
  flow?: FlowOptions;
}

/** Motion model of the end of a clip: camera (affine) per step plus a local residual field. */
export interface TailMotion {
  /** Backward camera motion per step on the flow grid: new frame pixel → previous frame. */
  camera: AffineMotion;
  /** Local residual of the last step on the flow grid (backward, new → previous). */
  local: FlowField;
  /** Flow grid / frame size. */
  scale: number;
}

/** Estimate the backward per-step motion at the end of `tail` (frames in time order). */
export function estimateTailMotion(tail: FloatFrame[], opts: ExtrapolationOptions = {}): TailMotion {
  if (tail.length < 2) throw new StudioError('E_RANGE', 'Extending in time needs at least 2 source frames to estimate motion.');
  const pairs = Math.max(1, Math.min(opts.motionPairs ?? 3, tail.length - 1));
  const maxSide = opts.flow?.maxSide ?? 960;
  const greys = tail.slice(-pairs - 1).map((f) => flowInput(f, maxSide));
  const cams: AffineMotion[] = [];
  let last: FlowField | null = null;
  for (let k = 1; k < greys.length; k++) {
    const back = flowBetween(greys[k], greys[k - 1], opts.flow); // F_{t→t−1}
    const fwd = flowBetween(greys[k - 1], greys[k], opts.flow);
    const { valid } = fbConsistency(back, fwd);
    cams.push(fitAffine(back, valid, 2));
    last = back;
  }
  const camera: AffineMotion = { a: [0, 0, 0], b: [0, 0, 0] };
  for (const m of cams) for (let j = 0; j < 3; j++) { camera.a[j] += m.a[j] / cams.length; camera.b[j] += m.b[j] / cams.length; }
  const lf = last!;
  const local: FlowField = { width: lf.width, height: lf.height, u: new Float32Array(lf.u.length), v: new Float32Array(lf.v.length) };
  const lastCam = cams[cams.length - 1];
  for (let y = 0, i = 0; y < lf.height; y++) for (let x = 0; x < lf.width; x++, i++) {
    const [cu, cv] = affineAt(lastCam, x, y);
    local.u[i] = lf.u[i] - cu; local.v[i] = lf.v[i] - cv;
  }
  const ws = workingSize(tail[0].width, tail[0].height, maxSide);
  return { camera, local, scale: ws.width / tail[0].width };
}

function sampleBilinear(d: Float32Array, w: number, h: number, x: number, y: number): number {
  const x0 = Math.max(0, Math.min(w - 1, Math.floor(x))), y0 = Math.max(0, Math.min(h - 1, Math.floor(y)));
  const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
  const ax = Math.max(0, Math.min(1, x - x0)), ay = Math.max(0, Math.min(1, y - y0));
  const a = d[y0 * w + x0] + (d[y0 * w + x1] - d[y0 * w + x0]) * ax;
  const b = d[y1 * w + x0] + (d[y1 * w + x1] - d[y1 * w + x0]) * ax;
  return a + (b - a) * ay;
}

/**
 * Predicts new frames after the last tail frame by extrapolating the motion: each new frame pulls
 * from the LAST source frame through a composed coordinate map (no resampling chain, so no blur
 * build-up); the camera motion continues, the local motion decays. Pixels whose source falls
 * outside the last frame are holes.
 */
export class MotionExtrapolator {
  private qx: Float32Array;
  private qy: Float32Array;
  private step = 0;
  constructor(private readonly last: FloatFrame, private readonly motion: TailMotion, private readonly damping = 0.8) {
    const n = last.width * last.height;
    this.qx = new Float32Array(n); this.qy = new Float32Array(n);
    for (let y = 0, i = 0; y < last.height; y++) for (let x = 0; x < last.width; x++, i++) { this.qx[i] = x; this.qy[i] = y; }
  }

  /** The next predicted frame and its hole (1 = nothing to pull from). */
  next(): { frame: FloatFrame; hole: Mask } {
    const { width: w, height: h, channels: c, data } = this.last;
    const { camera, local, scale } = this.motion;
    this.step++;
    const dl = Math.pow(this.damping, this.step);
    const nx = new Float32Array(w * h), ny = new Float32Array(w * h);
    const frame = new Float32Array(w * h * c);
    const hole = createMask(w, h);
    for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++, i++) {
      const gx = (x + 0.5) * scale - 0.5, gy = (y + 0.5) * scale - 0.5;
      const [cu, cv] = affineAt(camera, gx, gy);
      const lu = sampleBilinear(local.u, local.width, local.height, gx, gy), lv = sampleBilinear(local.v, local.width, local.height, gx, gy);
      // one step back, then where that point came from in the last source frame
      const px = x + (cu + dl * lu) / scale, py = y + (cv + dl * lv) / scale;
      if (px < -0.5 || py < -0.5 || px > w - 0.5 || py > h - 0.5) { nx[i] = NaN; ny[i] = NaN; hole.data[i] = 1; continue; }
      const sx = this.step === 1 ? px : sampleBilinear(this.qx, w, h, px, py);
      const sy = this.step === 1 ? py : sampleBilinear(this.qy, w, h, px, py);
      if (!(sx >= -0.5 && sy >= -0.5 && sx <= w - 0.5 && sy <= h - 0.5)) { nx[i] = NaN; ny[i] = NaN; hole.data[i] = 1; continue; }
      nx[i] = sx; ny[i] = sy;
      for (let k = 0; k < c; k++) {
        const cx = Math.max(0, Math.min(w - 1, sx)), cy = Math.max(0, Math.min(h - 1, sy));
        const x0 = Math.floor(cx), y0 = Math.floor(cy), x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
        const ax = cx - x0, ay = cy - y0;
        const a = data[(y0 * w + x0) * c + k] + (data[(y0 * w + x1) * c + k] - data[(y0 * w + x0) * c + k]) * ax;
        const b = data[(y1 * w + x0) * c + k] + (data[(y1 * w + x1) * c + k] - data[(y1 * w + x0) * c + k]) * ax;
        frame[i * c + k] = a + (b - a) * ay;
      }
    }
    // NaN (holes) poison bilinear lookups next step: replace by the position itself (a hole pixel
    // is never used as a source because the step's own bounds test comes first for in-frame points)
    for (let i = 0; i < w * h; i++) if (Number.isNaN(nx[i])) { nx[i] = -1e6; ny[i] = -1e6; }
    this.qx = nx; this.qy = ny;
    return { frame: { width: w, height: h, channels: c, data: frame }, hole };
  }
}

/**
 * Temporal extension: `count` new frames after the end of `tail` (frames in time order; for
 * frames before a clip's start pass the head reversed and reverse the result). Motion is
 * extrapolated, disocclusions are filled by video completion over [last source frame, new frames…].
 */
export async function extrapolateVideo(
  tail: FloatFrame[],
  count: number,
  opts: ExtrapolationOptions,
  emit: (index: number, frame: FloatFrame) => void | Promise<void>,
): Promise<CompletionSummary & { motion: TailMotion }> {
  if (count <= 0) throw new StudioError('E_VALIDATION', 'The number of new frames must be positive.');
  const motion = estimateTailMotion(tail, opts);
  const last = tail[tail.length - 1];
  const ex = new MotionExtrapolator(last, motion, opts.localDamping ?? 0.8);
  // predictions are produced in order and cached until completion has read them
  const cache = new Map<number, { frame: FloatFrame; hole: Mask }>();
  let made = 0;
  const get = (i: number) => {
    while (made < i) { made++; cache.set(made, ex.next()); }
    const v = cache.get(i);
    if (!v) throw new StudioError('E_INTERNAL', `extrapolated frame ${i} requested after release`);
    return v;
  };
  const empty = createMask(last.width, last.height);
  const summary = await completeVideo(
    {
      length: count + 1,
      frame: (i) => (i === 0 ? last : get(i).frame),
      mask: (i) => (i === 0 ? empty : get(i).hole),
    },
    { ...opts, dilate: 0 },
    async (i, f) => {
      if (i > 0) { await emit(i - 1, f); }
      // frames well behind the completion window can be dropped
      for (const k of [...cache.keys()]) if (k < i - 64) cache.delete(k);
    },
  );
  return { ...summary, frames: count, motion };
}
