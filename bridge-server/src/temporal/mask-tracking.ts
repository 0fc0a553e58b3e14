import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import { fbConsistency } from './consistency.js';
import { computeFlowPair, type FlowOptions } from './flow.js';
import { dilateMask, erodeMask, resizeMask } from './mask-ops.js';
import { affineAt, fitAffine } from './motion-model.js';
import { createMask, maskArea, type FlowField, type Mask } from './types.js';

export interface TrackOptions {
  flow?: FlowOptions;
  /** Width in pixels of the band around the predicted edge that the colour refinement may change. Default 3. */
  refineBand?: number;
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
  const motion = fitAffine(fromTo, maskArea(fitRegion) >= 16 ? fitRegion : sel, 1);
  // pull: pixel p of `to` looks back along the flow toFrom; where that disagrees with the inverse
  // of the object motion (background flow at the edge), use the object motion instead
  const out = createMask(w, h);
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
    if (qx >= 0 && qy >= 0 && qx < w && qy < h) out.data[i] = mask.data[qy * w + qx];
  }
  return refineMaskByColour(out, frameTo, opts.refineBand ?? 3, frameFrom, mask);
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
 * open/close.
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
    out.data[i] = pred.data[i] && !(lo + 2 < li) ? 1 : 0;
  }
  // open then close by 1 px: drop specks and pinholes
  return dilateMask(erodeMask(erodeMask(dilateMask(out, 1), 1), 1), 1);
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
  const flows = new Map<number, { fwd: FlowField; bwd: FlowField }>();
  const pair = (t: number) => {
    let p = flows.get(t);
    if (!p) { p = computeFlowPair(frames[t], frames[t + 1], opts.flow); flows.set(t, p); }
    return p;
  };
  const out: Mask[] = new Array(T);
  sorted.forEach((k, ki) => {
    out[k.index] = { width: w, height: h, data: new Uint8Array(k.mask.data) };
    for (let t = k.index + 1; t < T && owner[t] === ki; t++) {
      if (opts.signal?.aborted) throw new StudioError('E_CANCELLED');
      const { fwd, bwd } = pair(t - 1);
      out[t] = carryMask(out[t - 1], frames[t - 1], frames[t], bwd, fwd, opts);
    }
    for (let t = k.index - 1; t >= 0 && owner[t] === ki; t--) {
      if (opts.signal?.aborted) throw new StudioError('E_CANCELLED');
      const { fwd, bwd } = pair(t);
      out[t] = carryMask(out[t + 1], frames[t + 1], frames[t], fwd, bwd, opts);
    }
  });
  return out;
}
