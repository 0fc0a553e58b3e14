import { fillHarmonic } from './laplace-fill.js';
import type { FlowField, Mask } from './types.js';

/**
 * Motion-boundary-aware flow completion of one hole (a connected region of unknown flow).
 *
 * The flow on a ring around the hole is explained by at most two robust affine motion models
 * (the dominant one, usually the camera, and a second one when enough of the ring moves
 * differently, e.g. a foreground object crossing the hole's border). Every hole pixel takes the
 * model of the nearest ring pixel that one model clearly explains, so a motion boundary that
 * enters the hole stays sharp instead of being smeared across it, and the residual of the ring
 * against its model (parallax, non-affine motion) is interpolated harmonically, clipped so that
 * ring pixels no model explains (flow noise, a small object at the border) cannot leak into the
 * hole. An affine field is harmonic, so with one model and no clipping this equals the plain
 * harmonic fill.
 */

/** Ring thickness (flow-grid pixels) whose flow is fitted. */
const RING = 5;
/** Smallest ring that supports a fit; smaller holes keep the harmonic fill. */
const MIN_RING = 24;
/**
 * Share of the ring the first model must fail on before a second motion is fitted. A small
 * share is an object grazing the border (or noise): its flow is clipped instead, since extending
 * its motion into the hole breaks the propagation chains across the hole (measured on bmx-trees:
 * at 15 % the in-hole flicker and the keyframe count rose, PSNR fell); a large share is a real
 * motion boundary through the hole.
 */
const SECOND_MODEL_SHARE = 0.35;

interface Affine { a0: number; a1: number; a2: number; b0: number; b1: number; b2: number }

function evalU(m: Affine, x: number, y: number): number { return m.a0 + m.a1 * x + m.a2 * y; }
function evalV(m: Affine, x: number, y: number): number { return m.b0 + m.b1 * x + m.b2 * y; }

function solve3(M: Float64Array, r: Float64Array): [number, number, number] | null {
  const [a, b, c, d, e, f, g, h, i] = M;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (!(Math.abs(det) > 1e-9)) return null;
  return [
    ((e * i - f * h) * r[0] - (b * i - c * h) * r[1] + (b * f - c * e) * r[2]) / det,
    (-(d * i - f * g) * r[0] + (a * i - c * g) * r[1] - (a * f - c * d) * r[2]) / det,
    ((d * h - e * g) * r[0] - (a * h - b * g) * r[1] + (a * e - b * d) * r[2]) / det,
  ];
}

function median(a: Float64Array | number[]): number {
  if (a.length === 0) return 0;
  // a typed array sorts numerically, natively (far faster than a comparator on a plain array)
  const s = Float64Array.from(a).sort();
  return s[s.length >> 1];
}

/**
 * Robust affine fit to samples `sel` of (x, y) → (u, v) (coordinates centred/normalised): started
 * from the translation most samples agree with (a few evenly spread samples tried as hypotheses)
 * and refined by reweighted least squares with Tukey's biweight, which gives samples far off the
 * model zero weight. A least-squares or Cauchy fit would tilt into a ramp between two motions
 * when the ring holds both. Returns the model and its residual scale.
 */
function fitRobust(xs: Float64Array, ys: Float64Array, us: Float64Array, vs: Float64Array, sel: Int32Array): { m: Affine; scale: number } | null {
  const n = sel.length;
  if (n < 6) return null;
  let mu = 0, mv = 0, bestVotes = -1;
  const hyp = Math.min(n, 24);
  for (let hI = 0; hI < hyp; hI++) {
    const c = sel[Math.floor(((hI + 0.5) * n) / hyp)];
    let votes = 0;
    for (let j = 0; j < n; j++) { const k = sel[j]; if (Math.abs(us[k] - us[c]) + Math.abs(vs[k] - vs[c]) < 1) votes++; }
    if (votes > bestVotes) { bestVotes = votes; mu = us[c]; mv = vs[c]; }
  }
  let m: Affine = { a0: mu, a1: 0, a2: 0, b0: mv, b1: 0, b2: 0 };
  const res = new Float64Array(n), wt = new Float64Array(n);
  const residuals = () => { for (let j = 0; j < n; j++) { const k = sel[j]; res[j] = Math.hypot(us[k] - evalU(m, xs[k], ys[k]), vs[k] - evalV(m, xs[k], ys[k])); } };
  // scale from the samples the model currently explains (the rest belong to another motion)
  const scaleOf = (): number => { const inl: number[] = []; for (let j = 0; j < n; j++) if (res[j] < 1.5) inl.push(res[j]); return Math.max(0.15, 1.5 * median(inl)); };
  let scale = 1;
  for (let it = 0; it < 8; it++) {
    residuals();
    scale = scaleOf();
    const c = Math.max(1, 3 * scale);
    let wsum = 0;
    for (let j = 0; j < n; j++) { const r = res[j] / c; wt[j] = r < 1 ? (1 - r * r) ** 2 : 0; wsum += wt[j]; }
    if (wsum < 3) break;
    const M = new Float64Array(9), ru = new Float64Array(3), rv = new Float64Array(3);
    for (let j = 0; j < n; j++) {
      const q = wt[j];
      if (q === 0) continue;
      const k = sel[j], x = xs[k], y = ys[k];
      M[0] += q; M[1] += q * x; M[2] += q * y; M[4] += q * x * x; M[5] += q * x * y; M[8] += q * y * y;
      ru[0] += q * us[k]; ru[1] += q * x * us[k]; ru[2] += q * y * us[k];
      rv[0] += q * vs[k]; rv[1] += q * x * vs[k]; rv[2] += q * y * vs[k];
    }
    M[3] = M[1]; M[6] = M[2]; M[7] = M[5];
    const sa = solve3(M, ru), sb = solve3(M, rv);
    if (!sa || !sb) break; // inliers on a line: keep the current model
    m = { a0: sa[0], a1: sa[1], a2: sa[2], b0: sb[0], b1: sb[1], b2: sb[2] };
  }
  residuals();
  scale = scaleOf();
  return { m, scale };
}

/**
 * Overwrite the flow inside one connected hole `comp` (flow-grid indices) with the motion-aware
 * fill. `unknown` is the full unknown mask (other holes are not used as ring). u and v are edited
 * in place; pixels outside `comp` are not written.
 */
export function fillHoleByMotion(u: Float32Array, v: Float32Array, w: number, h: number, unknown: Uint8Array, comp: Int32Array): boolean {
  // bounding box of the hole grown by the ring
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (const p of comp) { const x = p % w, y = (p - x) / w; if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  x0 = Math.max(0, x0 - RING); y0 = Math.max(0, y0 - RING); x1 = Math.min(w - 1, x1 + RING); y1 = Math.min(h - 1, y1 + RING);
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1, bn = bw * bh;
  // local maps: 1 = this hole, 2 = other unknown, 0 = known
  const kind = new Uint8Array(bn);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) if (unknown[(y + y0) * w + x + x0]) kind[y * bw + x] = 2;
  for (const p of comp) { const x = p % w, y = (p - x) / w; kind[(y - y0) * bw + (x - x0)] = 1; }
  // ring: known pixels within RING steps (4-connected) of the hole
  const dist = new Int16Array(bn).fill(-1);
  let queue = new Int32Array(bn), qn = 0;
  for (let i = 0; i < bn; i++) if (kind[i] === 1) { dist[i] = 0; queue[qn++] = i; }
  const ring: number[] = [];
  for (let qh = 0; qh < qn; qh++) {
    const i = queue[qh], d = dist[i];
    if (d >= RING) continue;
    const x = i % bw, y = (i - x) / bw;
    const nb = [x > 0 ? i - 1 : -1, x < bw - 1 ? i + 1 : -1, y > 0 ? i - bw : -1, y < bh - 1 ? i + bw : -1];
    for (const j of nb) {
      if (j < 0 || dist[j] >= 0 || kind[j] !== 0) continue;
      dist[j] = d + 1; queue[qn++] = j; ring.push(j);
    }
  }
  if (ring.length < MIN_RING) return false;
  // at most ~3000 ring samples for the fit (a 1080p hole has many more; the motion needs few)
  const stride = Math.max(1, Math.floor(ring.length / 3000));
  if (stride > 1) { let j = 0; for (let k = 0; k < ring.length; k += stride) ring[j++] = ring[k]; ring.length = j; }
  const n = ring.length;
  // samples in coordinates normalised to the box (stable normal equations)
  const cx = (bw - 1) / 2, cy = (bh - 1) / 2, sc = 1 / Math.max(bw, bh);
  const xs = new Float64Array(n), ys = new Float64Array(n), us = new Float64Array(n), vs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = ring[k], x = i % bw, y = (i - x) / bw, g = (y + y0) * w + x + x0;
    xs[k] = (x - cx) * sc; ys[k] = (y - cy) * sc; us[k] = u[g]; vs[k] = v[g];
  }
  const all = Int32Array.from({ length: n }, (_, k) => k);
  const first = fitRobust(xs, ys, us, vs, all);
  if (!first) return false;
  const models: { m: Affine; scale: number }[] = [first];
  const tol = (s: number) => Math.max(0.75, 2.5 * s);
  const resid = (m: Affine, k: number) => Math.hypot(us[k] - evalU(m, xs[k], ys[k]), vs[k] - evalV(m, xs[k], ys[k]));
  // a second motion when a sizeable part of the ring does not follow the first
  const out = all.filter((k) => resid(first.m, k) > tol(first.scale));
  if (out.length >= Math.max(MIN_RING, SECOND_MODEL_SHARE * n)) {
    const second = fitRobust(xs, ys, us, vs, out);
    if (second) {
      const own = out.filter((k) => resid(second.m, k) <= tol(second.scale)).length;
      // keep it only if it explains the outliers and differs from the first over the box
      let differ = 0;
      for (const [x, y] of [[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5], [0, 0]]) differ = Math.max(differ, Math.hypot(evalU(first.m, x, y) - evalU(second.m, x, y), evalV(first.m, x, y) - evalV(second.m, x, y)));
      if (own >= Math.max(MIN_RING / 2, 0.5 * out.length) && differ > 1) models.push(second);
    }
  }
  // label sources: ring pixels that one model explains clearly better than the other
  const label = new Int8Array(bn).fill(-1);
  qn = 0;
  queue = new Int32Array(bn);
  for (let k = 0; k < n; k++) {
    let best = 0, r0 = resid(models[0].m, k), r1 = Infinity;
    if (models.length > 1) { r1 = resid(models[1].m, k); if (r1 < r0) { best = 1; [r0, r1] = [r1, r0]; } }
    if (r0 <= tol(models[best].scale) && r1 > 2 * r0 + 0.5) { label[ring[k]] = best; queue[qn++] = ring[k]; }
  }
  // every other pixel of hole ∪ ring takes the label of the nearest source (geodesic, 4-connected)
  for (let qh = 0; qh < qn; qh++) {
    const i = queue[qh], x = i % bw, y = (i - x) / bw;
    const nb = [x > 0 ? i - 1 : -1, x < bw - 1 ? i + 1 : -1, y > 0 ? i - bw : -1, y < bh - 1 ? i + bw : -1];
    for (const j of nb) {
      if (j < 0 || label[j] >= 0 || kind[j] === 2 || dist[j] < 0) continue;
      label[j] = label[i]; queue[qn++] = j;
    }
  }
  // residual of the known pixels against their model, clipped, interpolated over the hole
  const ru = new Float32Array(bn), rv = new Float32Array(bn), unk = new Uint8Array(bn);
  for (let i = 0; i < bn; i++) {
    if (kind[i] !== 0) { unk[i] = 1; continue; }
    const L = label[i] >= 0 ? label[i] : 0, m = models[L].m;
    const x = i % bw, y = (i - x) / bw, g = (y + y0) * w + x + x0;
    const nx = (x - cx) * sc, ny = (y - cy) * sc;
    let du = u[g] - evalU(m, nx, ny), dv = v[g] - evalV(m, nx, ny);
    const r = Math.hypot(du, dv), lim = tol(models[L].scale);
    if (r > lim) { du *= lim / r; dv *= lim / r; }
    ru[i] = du; rv[i] = dv;
  }
  fillHarmonic([ru, rv], bw, bh, unk, 40);
  for (let i = 0; i < bn; i++) {
    if (kind[i] !== 1) continue;
    const m = models[label[i] >= 0 ? label[i] : 0].m;
    const x = i % bw, y = (i - x) / bw, g = (y + y0) * w + x + x0;
    const nx = (x - cx) * sc, ny = (y - cy) * sc;
    u[g] = evalU(m, nx, ny) + ru[i];
    v[g] = evalV(m, nx, ny) + rv[i];
  }
  return true;
}

/** 4-connected components of a mask with at least `minArea` pixels, as index lists. */
export function largeComponents(m: Mask, minArea: number): Int32Array[] {
  const { width: w, height: h, data } = m;
  const seen = new Uint8Array(w * h);
  const queue = new Int32Array(w * h);
  const out: Int32Array[] = [];
  for (let s = 0; s < data.length; s++) {
    if (!data[s] || seen[s]) continue;
    let qn = 0;
    queue[qn++] = s; seen[s] = 1;
    for (let qh = 0; qh < qn; qh++) {
      const i = queue[qh], x = i % w;
      if (x > 0 && data[i - 1] && !seen[i - 1]) { seen[i - 1] = 1; queue[qn++] = i - 1; }
      if (x < w - 1 && data[i + 1] && !seen[i + 1]) { seen[i + 1] = 1; queue[qn++] = i + 1; }
      if (i >= w && data[i - w] && !seen[i - w]) { seen[i - w] = 1; queue[qn++] = i - w; }
      if (i < w * (h - 1) && data[i + w] && !seen[i + w]) { seen[i + w] = 1; queue[qn++] = i + w; }
    }
    if (qn >= minArea) out.push(queue.slice(0, qn));
  }
  return out;
}

/**
 * Motion-aware fill of every large hole of `unknown` in place; returns the holes it filled (the
 * caller fills the rest, e.g. harmonically). The ring around a hole must be known flow.
 */
export function fillFlowByMotion(f: FlowField, unknown: Mask, minArea = 64): Int32Array[] {
  return largeComponents(unknown, minArea).filter((comp) => fillHoleByMotion(f.u, f.v, f.width, f.height, unknown.data, comp));
}
