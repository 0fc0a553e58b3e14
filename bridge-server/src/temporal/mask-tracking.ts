import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import { fbConsistency } from './consistency.js';
import { computeFlowPair, type FlowOptions } from './flow.js';
import { dilateMask, erodeMask, resizeMask } from './mask-ops.js';
import { affineAt, fitAffine } from './motion-model.js';
import { createMask, maskArea, type FlowField, type Mask } from './types.js';

export interface TrackOptions {
  flow?: FlowOptions;
  /** Width in pixels of the band at the predicted edge where the colour refinement may drop pixels; 0 = off (default: it tends to erode shaded objects, and masks are dilated before editing anyway). */
  refineBand?: number;
  /** Search radius (px) of the per-frame re-anchoring against the key frame's appearance; 0 = off. Default 3. */
  anchorRadius?: number;
  signal?: AbortSignal;
}

/** A mask painted (or edited) on one frame. */
export interface MaskKey { index: number; mask: Mask }

/**
 * Carry a mask from frame `from` to the adjacent frame `to` along the OBJECT's motion: a robust
 * affine fit of the flow inside the (eroded) mask gives the object's motion; pixels whose own flow
 * agrees with it follow their flow, the rest (edges, where flow mixes object and background)
 * follow the affine model. Then a colour refinement in a thin band around the edge.
 */
export function carryMask(mask: Mask, frameFrom: FloatFrame, frameTo: FloatFrame, toFrom: FlowField, fromTo: FlowField, opts: TrackOptions = {}): Mask {
  const w = mask.width, h = mask.height;
  if (maskArea(mask) === 0) return createMask(w, h);
  // object motion from `from` to `to`, fitted on the eroded mask where the flow is consistent
  const core = erodeMask(mask, 2);
  const sel = maskArea(core) >= 16 ? core : mask;
  const { valid } = fbConsistency(fromTo, toFrom);
  const fitRegion = createMask(w, h);
  const vg = valid.width === w ? valid : resizeMask(valid, w, h);
  for (let i = 0; i < w * h; i++) fitRegion.data[i] = sel.data[i] & vg.data[i];
  const region = maskArea(fitRegion) >= 16 ? fitRegion : sel;
  let motion = fitAffine(fromTo, region, 1);
  // an implausible deformation (more than 5% per frame) means the flow inside the object is
  // unreliable (small or flat objects): fall back to a robust translation
  if (Math.max(Math.abs(motion.a[1]), Math.abs(motion.a[2]), Math.abs(motion.b[1]), Math.abs(motion.b[2])) * Math.max(fromTo.width, fromTo.height) / Math.max(w, h) > 0.05) {
    motion = fitAffine(fromTo, region, 1, 5, 'translation');
  }
  // pull: pixel p of `to` looks back along the flow toFrom; where that disagrees with the inverse
  // of the object motion (background flow at the edge), use the object motion instead
  const out = createMask(w, h);
  const srcIdx = new Int32Array(w * h).fill(-1);
  const sx = toFrom.width / w, sy = toFrom.height / h;
  for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++, i++) {
    const fi = Math.min(toFrom.height - 1, Math.floor(y * sy)) * toFrom.width + Math.min(toFrom.width - 1, Math.floor(x * sx));
    const bu = toFrom.u[fi] / sx, bv = toFrom.v[fi] / sy;
    // object motion inverted at p: q ≈ p − d(p − d(p))
    const [d0x, d0y] = affineAt(motion, x, y);
    const [dx, dy] = affineAt(motion, x - d0x, y - d0y);
    const ox = -dx, oy = -dy;
    const agree = (bu - ox) ** 2 + (bv - oy) ** 2 < 1.0;
    const qx = Math.round(x + (agree ? bu : ox)), qy = Math.round(y + (agree ? bv : oy));
    if (qx >= 0 && qy >= 0 && qx < w && qy < h && mask.data[qy * w + qx]) { out.data[i] = 1; srcIdx[i] = qy * w + qx; }
  }
  // per-frame alignment: the small shift of the carried mask that best matches the object's
  // appearance in `from` (corrects the drift flow errors would accumulate)
  const aligned = alignShift(out, srcIdx, frameFrom, frameTo, 2);
  return refineMaskByColour(aligned, frameTo, opts.refineBand ?? 0, frameFrom, mask);
}

/** Shift (within ±r px) of a carried mask minimising the colour difference to its source pixels. */
function alignShift(m: Mask, srcIdx: Int32Array, from: FloatFrame, to: FloatFrame, r: number): Mask {
  const w = m.width, h = m.height, c = to.channels, C = Math.min(3, c);
  let best = Infinity, bx = 0, by = 0;
  for (let oy = -r; oy <= r; oy++) for (let ox = -r; ox <= r; ox++) {
    let s = 0, n = 0;
    for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++, i++) {
      if (!m.data[i]) continue;
      const X = x + ox, Y = y + oy;
      if (X < 0 || Y < 0 || X >= w || Y >= h) continue;
      const j = Y * w + X, q = srcIdx[i];
      for (let k = 0; k < C; k++) { const d = to.data[j * c + k] - from.data[q * from.channels + k]; s += d * d; }
      n++;
    }
    // a small prior towards no shift so flat objects do not wander
    const cost = n ? s / n + 1e-4 * (ox * ox + oy * oy) : Infinity;
    if (cost < best) { best = cost; bx = ox; by = oy; }
  }
  if (bx === 0 && by === 0) return m;
  const out = createMask(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const X = x + bx, Y = y + by;
    if (m.data[y * w + x] && X >= 0 && Y >= 0 && X < w && Y < h) out.data[Y * w + X] = 1;
  }
  return out;
}

/** Per-channel Gaussian colour models of the object (inside) and its surroundings (a ring outside). */
function gaussian(frame: FloatFrame, m: Mask): { mean: number[]; vari: number[] } {
  const c = frame.channels, C = Math.min(3, c);
  const s = new Array(C).fill(0), q = new Array(C).fill(0);
  let n = 0;
  for (let i = 0; i < m.data.length; i++) {
    if (!m.data[i]) continue;
    n++;
    for (let k = 0; k < C; k++) { const v = frame.data[i * c + k]; s[k] += v; q[k] += v * v; }
  }
  const mean = s.map((x) => x / Math.max(1, n));
  return { mean, vari: q.map((x, k) => Math.max(1e-3, x / Math.max(1, n) - mean[k] * mean[k])) };
}

/**
 * Per-frame refinement: inside a thin band at the predicted edge, a pixel leaves the mask when the
 * local background colour model explains it clearly better than the object's (learnt on the
 * reference frame) — e.g. background uncovered at the edge; specks and pinholes are removed by an
 * closing.
 */
export function refineMaskByColour(pred: Mask, frame: FloatFrame, band: number, refFrame: FloatFrame = frame, refMask: Mask = pred): Mask {
  if (band <= 0) return pred;
  const w = pred.width, h = pred.height, c = frame.channels, C = Math.min(3, c);
  // object colours from the reference frame; background colours from a ring just outside the
  // band in THIS frame (local, so object-coloured surroundings make the evidence ambiguous and the
  // prediction is kept rather than grown)
  const grown = dilateMask(pred, band), shrunk = erodeMask(pred, band);
  const ring = dilateMask(pred, 2 * band + 3);
  for (let i = 0; i < ring.data.length; i++) if (grown.data[i]) ring.data[i] = 0;
  const { mean: mi, vari: vi } = gaussian(refFrame, refMask);
  const { mean: mo, vari: vo } = gaussian(frame, ring);
  const out = createMask(w, h);
  for (let i = 0; i < w * h; i++) {
    if (shrunk.data[i]) { out.data[i] = 1; continue; }
    if (!grown.data[i]) continue;
    let li = 0, lo = 0;
    for (let k = 0; k < C; k++) {
      const v = frame.data[i * c + k];
      li += (v - mi[k]) ** 2 / vi[k] + Math.log(vi[k]);
      lo += (v - mo[k]) ** 2 / vo[k] + Math.log(vo[k]);
    }
    // only ever remove: a predicted pixel that the background explains clearly better (margin 2
    // in log-likelihood units) is dropped. Growing by colour would leak into object-coloured
    // surroundings and undo a user's deliberate edit; masks are dilated before editing anyway.
    out.data[i] = pred.data[i] && !(lo + 4 < li) ? 1 : 0;
  }
  // close by 1 px: fill pinholes the removal left (an opening would erode thin parts every frame)
  return erodeMask(dilateMask(out, 1), 1);
}

function centroid(m: Mask): [number, number] {
  let sx = 0, sy = 0, n = 0;
  for (let y = 0, i = 0; y < m.height; y++) for (let x = 0; x < m.width; x++, i++) if (m.data[i]) { sx += x; sy += y; n++; }
  return n ? [sx / n, sy / n] : [0, 0];
}

/**
 * Re-anchor a carried mask against the key frame: the key mask's pixels are matched in this frame
 * at integer shifts around the carried position; when a shift explains the object clearly better
 * (10% lower colour error), the carried mask moves there. The reference is the key itself, so
 * sub-pixel flow errors cannot accumulate into drift over long ranges.
 */
function anchorToKey(m: Mask, frame: FloatFrame, key: FloatFrame, keyMask: Mask, kc: [number, number], r: number): Mask {
  if (r <= 0 || maskArea(m) === 0) return m;
  const w = m.width, h = m.height, c = frame.channels, C = Math.min(3, c);
  const mc = centroid(m);
  const bx0 = Math.round(mc[0] - kc[0]), by0 = Math.round(mc[1] - kc[1]);
  const idx: number[] = [];
  for (let i = 0; i < keyMask.data.length; i++) if (keyMask.data[i]) idx.push(i);
  const step = Math.max(1, Math.floor(idx.length / 4000));
  const cost = (dx: number, dy: number): number => {
    let s = 0, n = 0;
    for (let t = 0; t < idx.length; t += step) {
      const i = idx[t], x = i % w, y = (i - x) / w, X = x + dx, Y = y + dy;
      if (X < 0 || Y < 0 || X >= w || Y >= h) continue;
      const j = Y * w + X;
      for (let k = 0; k < C; k++) { const d = frame.data[j * c + k] - key.data[i * key.channels + k]; s += d * d; }
      n++;
    }
    return n > idx.length / (2 * step) ? s / n : Infinity;
  };
  const here = cost(bx0, by0);
  let best = here, ox = 0, oy = 0;
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
    if (!dx && !dy) continue;
    const v = cost(bx0 + dx, by0 + dy);
    if (v < best) { best = v; ox = dx; oy = dy; }
  }
  if ((ox === 0 && oy === 0) || !(best < 0.9 * here)) return m;
  const out = createMask(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const X = x + ox, Y = y + oy;
    if (m.data[y * w + x] && X >= 0 && Y >= 0 && X < w && Y < h) out.data[Y * w + X] = 1;
  }
  return out;
}

/**
 * Streaming tracker for one key: feed consecutive frames moving away from the key (forwards or
 * backwards); each step carries the previous mask along the object's flow and re-anchors it on
 * the key's appearance. Memory: two frames and a mask.
 */
export class MaskTracker {
  private readonly kc: [number, number];
  private prevFrame: FloatFrame;
  private prevMask: Mask;
  constructor(private readonly keyFrame: FloatFrame, private readonly keyMask: Mask, private readonly opts: TrackOptions = {}) {
    this.kc = centroid(keyMask);
    this.prevFrame = keyFrame;
    this.prevMask = keyMask;
  }

  /** Mask of the next frame (adjacent to the last one fed, moving away from the key). */
  step(frame: FloatFrame, flows?: { fwd: FlowField; bwd: FlowField }): Mask {
    if (this.opts.signal?.aborted) throw new StudioError('E_CANCELLED');
    const { fwd, bwd } = flows ?? computeFlowPair(this.prevFrame, frame, this.opts.flow);
    const m = anchorToKey(carryMask(this.prevMask, this.prevFrame, frame, bwd, fwd, this.opts), frame, this.keyFrame, this.keyMask, this.kc, this.opts.anchorRadius ?? 3);
    this.prevFrame = frame;
    this.prevMask = m;
    return m;
  }
}

/**
 * Track masks through a clip from one or more keyed frames (painted or edited masks): each frame
 * takes the mask carried from its nearest key (ties: the earlier key), hop by hop along the
 * object's flow. Re-tracking after an edit on a later frame = calling again with that key added;
 * frames closer to the new key follow it.
 */
export function trackMask(frames: FloatFrame[], keys: MaskKey[], opts: TrackOptions = {}): Mask[] {
  const T = frames.length;
  if (T === 0) return [];
  if (keys.length === 0) throw new StudioError('E_MASK_EMPTY', 'No keyed mask to track.');
  const { width: w, height: h } = frames[0];
  for (const k of keys) {
    if (k.index < 0 || k.index >= T) throw new StudioError('E_RANGE', `Mask key frame ${k.index} is outside the clip (0..${T - 1}).`);
    if (k.mask.width !== w || k.mask.height !== h) throw new StudioError('E_MASK_SIZE', 'The keyed mask does not match the frame size.');
  }
  const sorted = [...keys].sort((a, b) => a.index - b.index);
  // which key owns each frame
  const owner = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    let best = 0;
    for (let k = 1; k < sorted.length; k++) if (Math.abs(sorted[k].index - t) < Math.abs(sorted[best].index - t)) best = k;
    owner[t] = best;
  }
  const out: Mask[] = new Array(T);
  sorted.forEach((k, ki) => {
    out[k.index] = { width: w, height: h, data: new Uint8Array(k.mask.data) };
    const ahead = new MaskTracker(frames[k.index], k.mask, opts);
    for (let t = k.index + 1; t < T && owner[t] === ki; t++) out[t] = ahead.step(frames[t]);
    const behind = new MaskTracker(frames[k.index], k.mask, opts);
    for (let t = k.index - 1; t >= 0 && owner[t] === ki; t--) out[t] = behind.step(frames[t]);
  });
  return out;
}
