import { bandBounds, bandScratchBytes, HEADER, HEADER_WORDS, levelSteps, patchPositions, stepBands, type DisLevelState } from './flow-dis-bands.js';
import { flowTeam, type FlowTeam } from './flow-team.js';
import { downsample2 } from './image.js';
import { createFlow, type FlowField, type Plane } from './types.js';
import { DEFAULT_VARIATIONAL, type VariationalParams } from './variational-refinement.js';

/**
 * Dense Inverse Search optical flow (Kroeger et al., ECCV 2016), the method behind OpenCV's DIS:
 * per pyramid level, a grid of overlapping patches each finds its displacement by inverse-
 * compositional Lucas–Kanade on mean-normalised patches (robust to brightness offsets), with
 * spatial propagation of neighbours' results; patches are averaged into a dense field weighted by
 * their photometric fit, then a variational refinement smooths and sharpens it. A level's steps are
 * in flow-dis-bands.ts, their kernels in WebAssembly (flow-kernels.ts, source wasm/dis-kernels.ts).
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

/** A level's arrays in the team's kernel memory, and its header (array addresses written once). */
interface LevelArrays { hdr: Int32Array; hdrF: Float32Array; d0: Float32Array; d1: Float32Array; U: Float32Array; V: Float32Array; Uo: Float32Array; Vo: Float32Array; DA: Float32Array; hole0: Uint8Array; hole1: Uint8Array }

function levelArrays(team: FlowTeam, w: number, h: number, ps: number, xs: Int32Array, ys: Int32Array, rowBands: Int32Array, patchBands: Int32Array): LevelArrays {
  const A = team.arena, n = w * h, np = xs.length * ys.length;
  const hdr = A.int32(HEADER_WORDS);
  const put = (k: number, a: ArrayBufferView): void => { hdr[k] = a.byteOffset; };
  const f = (k: number, len = n): Float32Array => { const a = A.float32(len); put(k, a); return a; };
  const H = HEADER;
  const XS = A.int32(xs.length), YS = A.int32(ys.length);
  XS.set(xs); YS.set(ys); put(H.XS, XS); put(H.YS, YS);
  const out: LevelArrays = {
    hdr, hdrF: new Float32Array(hdr.buffer, hdr.byteOffset, HEADER_WORDS),
    d0: f(H.D0), d1: f(H.D1), U: f(H.U), V: f(H.V), Uo: f(H.UO), Vo: f(H.VO), DA: f(H.DA, 2 * n), hole0: A.uint8(n), hole1: A.uint8(n),
  };
  for (const k of [H.G0X, H.G0Y, H.G1X, H.G1Y, H.G0XX, H.G0XY, H.G0YY, H.G1XX, H.G1XY, H.G1YY]) f(k);
  for (const k of [H.HXX, H.HXY, H.HYY, H.MGX, H.MGY, H.S0X, H.S0Y, H.SX, H.SY, H.CNTK]) f(k, np);
  put(H.OK, A.uint8(np)); f(H.T, 8 * n); put(H.INSIDE, A.uint8(n)); f(H.DB, 2 * n);
  const bytes = bandScratchBytes(w, ps, xs.length, rowBands, patchBands, ROW_MARGIN, PATCH_MARGIN);
  hdr[H.SCRATCH_BYTES] = bytes;
  put(H.SCRATCH, A.uint8(bytes * Math.max(rowBands.length, patchBands.length)));
  return out;
}

/**
 * One DIS level (pyramid level l) from the coarser level's flow `coarse` (upsampled to the size of
 * I0; null: zero); returns the refined flow, in arrays the team keeps (disFlow copies the final
 * ones out).
 */
function disLevel(l: number, I0: Plane, I1: Plane, coarse: FlowField | null, p: DisParams, hole0: Uint8Array | null, hole1: Uint8Array | null, team: FlowTeam): FlowField {
  const w = I0.width, h = I0.height;
  const ps = Math.min(p.patchSize, w, h);
  const xs = patchPositions(w, ps, p.patchStride), ys = patchPositions(h, ps, p.patchStride);
  const nx = xs.length, ny = ys.length;
  const rowBands = bandBounds(h, BAND_ROWS, MAX_BANDS), patchBands = bandBounds(ny, BAND_PATCH_ROWS, MAX_BANDS);
  // the team keeps the arrays for the next pair of the same size (every array is fully written
  // before it is read, except DA, cleared here)
  const a = team.levelCache(`${l}:${w}x${h}:${ps}/${p.patchStride}`, () => levelArrays(team, w, h, ps, xs, ys, rowBands, patchBands));
  a.DA.fill(0);
  a.d0.set(I0.data); a.d1.set(I1.data);
  if (coarse) upsampleFlowTo(coarse, w, h, { width: w, height: h, u: a.U, v: a.V });
  else { a.U.fill(0); a.V.fill(0); }
  const H = HEADER, hdr = a.hdr, v = p.variational;
  hdr[H.W] = w; hdr[H.H] = h; hdr[H.PS] = ps; hdr[H.NX] = nx; hdr[H.NY] = ny; hdr[H.GD] = p.gradientDescentIterations;
  hdr[H.FPI] = v.fixedPointIterations; hdr[H.SOR] = v.sorIterations; hdr[H.ROWM] = ROW_MARGIN; hdr[H.PATCHM] = PATCH_MARGIN;
  a.hdrF[H.OMEGA] = v.omega; a.hdrF[H.ALPHA] = v.alpha; a.hdrF[H.GAMMA] = v.gamma; a.hdrF[H.DELTA] = v.delta;
  if (hole0) a.hole0.set(hole0);
  if (hole1) a.hole1.set(hole1);
  hdr[H.HOLE0] = hole0 ? a.hole0.byteOffset : 0;
  hdr[H.HOLE1] = hole1 ? a.hole1.byteOffset : 0;
  const s: DisLevelState = { w, h, nx, ny, fixedPointIterations: v.fixedPointIterations, rowBands, patchBands, hdr: hdr.byteOffset, U: a.U, V: a.V, Uo: a.Uo, Vo: a.Vo };
  team.setState(s);
  for (let step = 0, e = levelSteps(s); step < e; step++) team.run(step, stepBands(s, step));
  return { width: w, height: h, u: s.Uo, v: s.Vo };
}

/** Bilinear 2x upsampling of a flow onto a (w, h) grid (into `out` when given); vectors are scaled by the size ratio. */
export function upsampleFlowTo(f: FlowField, w: number, h: number, out: FlowField = createFlow(w, h)): FlowField {
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
  let flow: FlowField | null = null;
  for (let l = coarsest; l >= p.finestScale; l--) flow = disLevel(l, pa[l], pb[l], flow, p, ha[l], hb[l], team);
  if (!flow) throw new Error('disFlow: no pyramid level computed');
  if (flow.width !== a.width || flow.height !== a.height) return upsampleFlowTo(flow, a.width, a.height);
  // the level's arrays are the team's (in shared memory, which cannot be transferred)
  return { width: flow.width, height: flow.height, u: new Float32Array(flow.u), v: new Float32Array(flow.v) };
}
