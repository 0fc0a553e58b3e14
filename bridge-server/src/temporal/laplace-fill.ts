import { instantiateKernels, KernelArena, wasmModule } from './wasm-arena.js';

/**
 * `unknown` values: KNOWN data (Dirichlet), EXCLUDED from the domain (Neumann, like the image
 * border; left as it is), anything else is solved for (so a plain 0/1 mask works).
 */
export const KNOWN = 0, UNKNOWN = 1, EXCLUDED = 2;
const solved = (v: number): boolean => v !== KNOWN && v !== EXCLUDED;

/**
 * Harmonic (membrane) interpolation: values at unknown pixels solve the Laplace equation with the
 * known pixels as Dirichlet boundary (4-neighbourhood, Neumann at the image border and at excluded
 * pixels, which are left as they are). Solved coarse-to-fine: the coarse solution initialises SOR
 * sweeps over the unknown pixels only, so the cost follows the hole size. Used for flow completion
 * (FGVC regionfill), the Poisson correction of propagated colour, and smooth pre-fills.
 */
export function fillHarmonic(channels: Float32Array[], w: number, h: number, unknown: Uint8Array, sweeps = 40): void {
  let anyUnknown = false, anyKnown = false;
  for (let i = 0; i < unknown.length; i++) { if (solved(unknown[i])) anyUnknown = true; else if (unknown[i] === KNOWN) anyKnown = true; if (anyKnown && anyUnknown) break; }
  if (!anyUnknown) return;
  if (!anyKnown) { for (const c of channels) for (let i = 0; i < unknown.length; i++) if (solved(unknown[i])) c[i] = 0; return; }
  // coarse level: known where any child is known (mean of known children), else unknown where any
  // child is, else excluded
  if (w > 8 && h > 8) {
    const w2 = (w + 1) >> 1, h2 = (h + 1) >> 1;
    const cu = new Uint8Array(w2 * h2).fill(EXCLUDED);
    const cc = channels.map(() => new Float32Array(w2 * h2));
    const cnt = new Float32Array(w2 * h2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const j = (y >> 1) * w2 + (x >> 1);
        if (solved(unknown[i])) { if (cu[j] === EXCLUDED) cu[j] = UNKNOWN; continue; }
        if (unknown[i] !== KNOWN) continue;
        cnt[j]++;
        for (let k = 0; k < channels.length; k++) cc[k][j] += channels[k][i];
      }
    }
    for (let j = 0; j < w2 * h2; j++) if (cnt[j] > 0) { cu[j] = KNOWN; for (const c of cc) c[j] /= cnt[j]; }
    fillHarmonic(cc, w2, h2, cu, sweeps);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (solved(unknown[i])) { const j = (y >> 1) * w2 + (x >> 1); for (let k = 0; k < channels.length; k++) channels[k][i] = cc[k][j]; }
    }
  } else {
    for (let i = 0; i < unknown.length; i++) if (solved(unknown[i])) for (const c of channels) c[i] = 0;
    sweeps = Math.max(sweeps, 4 * (w + h));
  }
  // the solved pixels, with which neighbours take part (worked out once instead of every sweep);
  // one cut off by excluded pixels on every side has no equation and keeps its starting value.
  // The sweeps run in WebAssembly (fill-kernels) on copies of the planes in its memory.
  let m = 0;
  for (let i = 0; i < unknown.length; i++) if (solved(unknown[i])) m++;
  const { arena: A, kernels } = fillKernels();
  A.reset();
  const wh = w * h, nc = channels.length;
  const planes = A.float32(nc * wh), idx = A.int32(m), nb = A.uint8(m), wt = A.float64(m);
  // red-black order: first the pixels with x + y even, then the others (see fill-kernels)
  let n = 0;
  for (let colour = 0; colour < 2; colour++) {
    for (let y = 0; y < h; y++) {
      for (let x = (y + colour) & 1, i = y * w + x; x < w; x += 2, i += 2) {
        if (!solved(unknown[i])) continue;
        const bits = (x > 0 && unknown[i - 1] !== EXCLUDED ? 1 : 0) | (x < w - 1 && unknown[i + 1] !== EXCLUDED ? 2 : 0)
          | (y > 0 && unknown[i - w] !== EXCLUDED ? 4 : 0) | (y < h - 1 && unknown[i + w] !== EXCLUDED ? 8 : 0);
        if (!bits) continue;
        idx[n] = i; nb[n] = bits; wt[n] = OMEGA / ((bits & 1) + ((bits >> 1) & 1) + ((bits >> 2) & 1) + ((bits >> 3) & 1));
        n++;
      }
    }
  }
  for (let k = 0; k < nc; k++) planes.set(channels[k], k * wh);
  kernels.sorSweeps(planes.byteOffset, 4 * wh, nc, w, idx.byteOffset, nb.byteOffset, wt.byteOffset, n, sweeps, OMEGA);
  for (let k = 0; k < nc; k++) channels[k].set(planes.subarray(k * wh, (k + 1) * wh));
}

/** SOR over-relaxation of the sweeps. */
const OMEGA = 1.7;

interface FillKernels {
  sorSweeps(planes: number, planeBytes: number, nc: number, w: number, idx: number, nb: number, wt: number, n: number, sweeps: number, omega: number): void;
}

let fill: { arena: KernelArena; kernels: FillKernels } | null = null;
let fillIdle: ReturnType<typeof setTimeout> | undefined;
/** This thread's kernel instance and its memory, released after 10 s without a fill. */
function fillKernels(): { arena: KernelArena; kernels: FillKernels } {
  if (!fill) { const arena = new KernelArena(); fill = { arena, kernels: instantiateKernels<FillKernels>(wasmModule('fill-kernels'), arena.memory) }; }
  if (fillIdle) fillIdle.refresh();
  else fillIdle = setTimeout(() => { fill = null; fillIdle = undefined; }, 10_000).unref();
  return fill;
}

/** Harmonic fill of an interleaved multi-channel image in place. */
export function fillHarmonicInterleaved(data: Float32Array, w: number, h: number, channels: number, unknown: Uint8Array, sweeps = 40): void {
  const planes: Float32Array[] = [];
  for (let k = 0; k < channels; k++) { const p = new Float32Array(w * h); for (let i = 0; i < w * h; i++) p[i] = data[i * channels + k]; planes.push(p); }
  fillHarmonic(planes, w, h, unknown, sweeps);
  for (let i = 0; i < w * h; i++) if (solved(unknown[i])) for (let k = 0; k < channels; k++) data[i * channels + k] = planes[k][i];
}
