import { bandBounds, levelSteps, patchPositions, stepBands, type DisLevelState } from './flow-dis-bands.js';
import { flowTeam, type FlowTeam } from './flow-team.js';
import { downsample2 } from './image.js';
import { createFlow, type FlowField, type Plane } from './types.js';
import { DEFAULT_VARIATIONAL, type VariationalParams } from './variational-refinement.js';

/**
 * Dense Inverse Search optical flow (Kroeger et al., ECCV 2016), the method behind OpenCV's DIS:
 * per pyramid level, a grid of overlapping patches each finds its displacement by inverse-
 * compositional Lucas–Kanade on mean-normalised patches (robust to brightness offsets), with
 * spatial propagation of neighbours' results; patches are averaged into a dense field weighted by
 * their photometric fit, then a variational refinement smooths and sharpens it. The per-level
 * kernels are in flow-dis-bands.ts.
 */
export interface DisParams {
  patchSize: number;
  patchStride: number;
  gradientDescentIterations: number;
  /** Finest pyramid level computed (0 = full working resolution); finer levels are upsampled. */
  finestScale: number;
  /** Coarsest level; undefined = chosen from the image size. */
  coarsestScale?: number;
  variational: VariationalParams;
}

export const DIS_QUALITY: DisParams = { patchSize: 8, patchStride: 4, gradientDescentIterations: 16, finestScale: 0, variational: DEFAULT_VARIATIONAL };
/**
 * OpenCV's PRESET_MEDIUM: patch 8, stride 3, 25 gradient-descent iterations (α 20, δ 5, γ 10).
 * OpenCV stops one level above full resolution; at the 960 working size of 1080p footage
 * (flowInput's default) level 0 is that same resolution, so finestScale is 0 here. One deliberate
 * difference: the refinement runs 4 fixed-point iterations of 3 SOR sweeps at ω 1.9 instead of 5
 * of 5 at 1.6. Measured on the 1080p sample scene (mean background endpoint error, OpenCV DIS
 * MEDIUM 0.312 px over 8 pairs): 5×3 at ω 1.8 0.231 px, 4×3 at ω 1.9 0.230 px with ~9 % less CPU
 * time (also no worse on the first 2 and 3 pairs); 3×4 at ω 1.9 0.240, 3×3 at ω 1.9 0.257 (~17 %
 * less time than 5×3). The mean is dominated by the band next to the fast-moving object, so
 * nearby settings scatter by a few hundredths.
 */
export const DIS_MEDIUM: DisParams = { patchSize: 8, patchStride: 3, gradientDescentIterations: 25, finestScale: 0, variational: { ...DEFAULT_VARIATIONAL, fixedPointIterations: 4, sorIterations: 3, omega: 1.9 } };
export const DIS_FAST: DisParams = { patchSize: 8, patchStride: 5, gradientDescentIterations: 8, finestScale: 2, variational: { ...DEFAULT_VARIATIONAL, fixedPointIterations: 3 } };

/**
 * Band layout of a level (flow-dis-bands.ts): about BAND_ROWS pixel rows and BAND_PATCH_ROWS patch
 * rows per band, at most MAX_BANDS, each computed with margins of ROW_MARGIN pixel rows and
 * PATCH_MARGIN patch rows (measured on 3 pairs of the 1080p sample scene: endpoint error 0.255 px
 * with these margins, 0.253 in one sequential pass over the whole image, 0.280 without margins).
 * Fixed numbers, independent of the thread count, so the flow is too.
 */
const BAND_ROWS = 64, BAND_PATCH_ROWS = 16, MAX_BANDS = 4, ROW_MARGIN = 4, PATCH_MARGIN = 2;

/** Half-size hole: a coarse pixel is unknown when any of its children is. */
function downsampleHole(m: Uint8Array | null, w: number, h: number): Uint8Array | null {
  if (!m) return null;
  const w2 = Math.max(1, w >> 1), h2 = Math.max(1, h >> 1);
  const out = new Uint8Array(w2 * h2);
  for (let y = 0; y < h2; y++) for (let x = 0; x < w2; x++) {
    const xa = Math.min(w - 1, 2 * x), xb = Math.min(w - 1, 2 * x + 1), ya = Math.min(h - 1, 2 * y), yb = Math.min(h - 1, 2 * y + 1);
    out[y * w2 + x] = m[ya * w + xa] | m[ya * w + xb] | m[yb * w + xa] | m[yb * w + xb];
  }
  return out;
}

/** Arrays of one level, on SharedArrayBuffers when the team has helpers. */
type LevelArrays = Pick<DisLevelState, 'd0' | 'd1' | 'U' | 'V' | 'Uo' | 'Vo' | 'g0x' | 'g0y' | 'g1x' | 'g1y' | 'g0xx' | 'g0xy' | 'g0yy' | 'g1xx' | 'g1xy' | 'g1yy'
  | 'Hxx' | 'Hxy' | 'Hyy' | 'mgx' | 'mgy' | 'S0x' | 'S0y' | 'Sx' | 'Sy' | 'ok' | 'cntK' | 'T' | 'inside' | 'DA' | 'DB'>;

const NO_INPUTS = { d0: new Float32Array(0), d1: new Float32Array(0), U: new Float32Array(0), V: new Float32Array(0) };

/** A level's arrays; d0, d1, U, V are allocated unless given. */
function levelArrays(team: FlowTeam, n: number, np: number, inputs: { d0: Float32Array; d1: Float32Array; U: Float32Array; V: Float32Array } | null): LevelArrays {
  const f = (k: number) => team.float32(k);
  return {
    ...(inputs ?? { d0: f(n), d1: f(n), U: f(n), V: f(n) }), Uo: f(n), Vo: f(n),
    g0x: f(n), g0y: f(n), g1x: f(n), g1y: f(n), g0xx: f(n), g0xy: f(n), g0yy: f(n), g1xx: f(n), g1xy: f(n), g1yy: f(n),
    Hxx: f(np), Hxy: f(np), Hyy: f(np), mgx: f(np), mgy: f(np), S0x: f(np), S0y: f(np), Sx: f(np), Sy: f(np), ok: team.uint8(np), cntK: f(np),
    T: f(8 * n), inside: team.uint8(n), DA: f(2 * n), DB: f(2 * n),
  };
}

/**
 * One DIS level (pyramid level l) from the initial flow `init` (same size as I0); returns the
 * refined flow, in arrays the team keeps (disFlow copies the final ones out).
 */
function disLevel(l: number, I0: Plane, I1: Plane, init: FlowField, p: DisParams, hole0: Uint8Array | null, hole1: Uint8Array | null, team: FlowTeam): FlowField {
  const w = I0.width, h = I0.height, n = w * h;
  const ps = Math.min(p.patchSize, w, h);
  const xs = patchPositions(w, ps, p.patchStride), ys = patchPositions(h, ps, p.patchStride);
  const nx = xs.length, ny = ys.length, np = nx * ny;
  // the team keeps the arrays for the next pair of the same size (every array is fully written
  // before it is read, except DA, cleared here); with helpers the inputs are copied into shared
  // memory, in one thread they are used in place
  const a = team.levelCache(`${l}:${w}x${h}:${np}`, () => levelArrays(team, n, np, team.shared ? null : NO_INPUTS));
  a.DA.fill(0);
  if (team.shared) { a.d0.set(I0.data); a.d1.set(I1.data); a.U.set(init.u); a.V.set(init.v); }
  const inputs = team.shared ? {} : { d0: I0.data, d1: I1.data, U: init.u, V: init.v };
  const shareMask = (m: Uint8Array | null): Uint8Array | null => { if (!m || !team.shared) return m; const b = team.uint8(m.length); b.set(m); return b; };
  const v = p.variational;
  const s: DisLevelState = {
    w, h, ps, nx, ny, xs, ys,
    gdIterations: p.gradientDescentIterations,
    fixedPointIterations: v.fixedPointIterations, sorIterations: v.sorIterations, omega: v.omega, alpha: v.alpha, gamma: v.gamma, delta: v.delta,
    rowBands: bandBounds(h, BAND_ROWS, MAX_BANDS), patchBands: bandBounds(ny, BAND_PATCH_ROWS, MAX_BANDS),
    rowMargin: ROW_MARGIN, patchMargin: PATCH_MARGIN,
    hole0: shareMask(hole0), hole1: shareMask(hole1),
    ...a,
    ...inputs,
  };
  team.setState(s);
  for (let step = 0, e = levelSteps(s); step < e; step++) team.run(step, stepBands(s, step));
  return { width: w, height: h, u: s.Uo, v: s.Vo };
}

/** Bilinear 2x upsampling of a flow onto a (w, h) grid; vectors are scaled by the size ratio. */
export function upsampleFlowTo(f: FlowField, w: number, h: number): FlowField {
  const out = createFlow(w, h);
  const fw = f.width, fh = f.height, fu = f.u, fv = f.v, ou = out.u, ov = out.v;
  const sx = fw / w, sy = fh / h;
  const kx = w / fw, ky = h / fh;
  // source column of every output column, computed once (bilinear, clamped)
  const cx0 = new Int32Array(w), cx1 = new Int32Array(w), cax = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    let fx = (x + 0.5) * sx - 0.5;
    if (fx < 0) fx = 0; else if (fx > fw - 1) fx = fw - 1;
    const x0 = fx | 0;
    cx0[x] = x0; cx1[x] = x0 + 1 < fw ? x0 + 1 : x0; cax[x] = fx - x0;
  }
  for (let y = 0, i = 0; y < h; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0; else if (fy > fh - 1) fy = fh - 1;
    const y0 = fy | 0, ay = fy - y0;
    const r0 = y0 * fw, r1 = (y0 + 1 < fh ? y0 + 1 : y0) * fw;
    for (let x = 0; x < w; x++, i++) {
      const a0 = cx0[x], a1 = cx1[x], ax = cax[x];
      const ut = fu[r0 + a0] + (fu[r0 + a1] - fu[r0 + a0]) * ax, ub = fu[r1 + a0] + (fu[r1 + a1] - fu[r1 + a0]) * ax;
      const vt = fv[r0 + a0] + (fv[r0 + a1] - fv[r0 + a0]) * ax, vb = fv[r1 + a0] + (fv[r1 + a1] - fv[r1 + a0]) * ax;
      ou[i] = (ut + (ub - ut) * ay) * kx;
      ov[i] = (vt + (vb - vt) * ay) * ky;
    }
  }
  return out;
}

/**
 * DIS flow from grey image a (0..255) to b, same size. Returns F_{a→b} at the size of a.
 * Optional hole masks (1 = unknown pixel) keep removed content out of the estimate: they carry no
 * data term, so the flow there is interpolated by the smoothness term. `threads` > 1 computes each
 * level's bands on that many threads (the process-wide flowTeam, or a given FlowTeam); the result
 * is the same for any thread count.
 */
export function disFlow(a: Plane, b: Plane, p: DisParams = DIS_QUALITY, holeA?: Uint8Array | null, holeB?: Uint8Array | null, threads: number | FlowTeam = 1): FlowField {
  const pa: Plane[] = [a], pb: Plane[] = [b];
  const ha: (Uint8Array | null)[] = [holeA ?? null], hb: (Uint8Array | null)[] = [holeB ?? null];
  const minSide = Math.min(a.width, a.height);
  const auto = Math.max(0, Math.floor(Math.log2(minSide / (3 * p.patchSize))));
  const coarsest = Math.max(p.finestScale, p.coarsestScale ?? auto);
  for (let l = 1; l <= coarsest; l++) {
    pa.push(downsample2(pa[l - 1])); pb.push(downsample2(pb[l - 1]));
    ha.push(downsampleHole(ha[l - 1], pa[l - 1].width, pa[l - 1].height)); hb.push(downsampleHole(hb[l - 1], pb[l - 1].width, pb[l - 1].height));
  }
  const team = typeof threads === 'number' ? flowTeam(threads) : threads;
  team.useCache(`${a.width}x${a.height}:${p.patchSize}/${p.patchStride}:${p.finestScale}-${coarsest}`);
  let flow = createFlow(pa[coarsest].width, pa[coarsest].height);
  for (let l = coarsest; l >= p.finestScale; l--) {
    const A = pa[l], B = pb[l];
    if (flow.width !== A.width || flow.height !== A.height) flow = upsampleFlowTo(flow, A.width, A.height);
    flow = disLevel(l, A, B, flow, p, ha[l], hb[l], team);
  }
  if (flow.width !== a.width || flow.height !== a.height) return upsampleFlowTo(flow, a.width, a.height);
  // the level's arrays are the team's (and may be shared memory, which cannot be transferred)
  return { width: flow.width, height: flow.height, u: new Float32Array(flow.u), v: new Float32Array(flow.v) };
}
