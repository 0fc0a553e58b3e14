import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import { fillHarmonicInterleaved } from './laplace-fill.js';
import { instantiatePatchMatchKernels, type PatchMatchKernels } from './patchmatch-kernels.js';
import { createMask, type Mask } from './types.js';
import { KernelArena } from './wasm-arena.js';

export interface PatchMatchOptions {
  /** Patch radius (patch side = 2r+1). Default 3. */
  patchRadius?: number;
  /** EM (search + vote) iterations at the coarsest level; finer levels use fewer. Default 8. */
  emIterations?: number;
  /** PatchMatch propagation/random-search passes per EM iteration. Default 3. */
  searchIterations?: number;
  seed?: number;
  /** Levels with more pixels than this get a single EM iteration. Default 960×540. */
  detailLevelPixels?: number;
}

const DETAIL_LEVEL_PIXELS = 960 * 540;

let workspace: { arena: KernelArena; kernels: PatchMatchKernels } | null = null;
/** Working memory kept for the next call up to this size (1080p, 3 channels: ~125 MiB); larger is freed. */
const KEEP_WORKSPACE_BYTES = 256 * 2 ** 20;

/**
 * The kernels' memory, kept between calls of this thread (a call is synchronous, so one suffices):
 * video completion inpaints frame after frame at the same size, and reusing the grown memory saves
 * growing (and zeroing) it again each time.
 */
function patchMatchWorkspace(): { arena: KernelArena; kernels: PatchMatchKernels } {
  if (!workspace) { const arena = new KernelArena(); workspace = { arena, kernels: instantiatePatchMatchKernels(arena.memory) }; }
  return workspace;
}

interface Level { img: Float32Array; hole: Mask; w: number; h: number }

function downLevel(l: Level, c: number): Level {
  const w2 = Math.max(1, l.w >> 1), h2 = Math.max(1, l.h >> 1);
  const img = new Float32Array(w2 * h2 * c);
  const hole = createMask(w2, h2);
  const src = l.img, hd = l.hole.data;
  for (let y = 0; y < h2; y++) {
    const r0 = 2 * y * l.w, r1 = Math.min(l.h - 1, 2 * y + 1) * l.w;
    for (let x = 0; x < w2; x++) {
      const x0 = 2 * x, x1 = Math.min(l.w - 1, 2 * x + 1);
      const i00 = r0 + x0, i01 = r0 + x1, i10 = r1 + x0, i11 = r1 + x1;
      hole.data[y * w2 + x] = hd[i00] || hd[i01] || hd[i10] || hd[i11] ? 1 : 0;
      const o = (y * w2 + x) * c;
      // float32 sums in the order of the 2×2 taps (as when accumulating into img)
      for (let k = 0; k < c; k++) {
        let v = Math.fround(0.25 * src[i00 * c + k]);
        v = Math.fround(v + 0.25 * src[i01 * c + k]);
        v = Math.fround(v + 0.25 * src[i10 * c + k]);
        img[o + k] = v + 0.25 * src[i11 * c + k];
      }
    }
  }
  return { img, hole, w: w2, h: h2 };
}

/** Summed-area table of a hole mask, for O(1) patch tests. */
function holePrefixSums(hd: Uint8Array, w: number, h: number): Int32Array {
  const s = new Int32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = y * w + x;
    s[i] = hd[i] + (x > 0 ? s[i - 1] : 0) + (y > 0 ? s[i - w] : 0) - (x > 0 && y > 0 ? s[i - w - 1] : 0);
  }
  return s;
}

/** Hole pixels in the rectangle [x0, x1] × [y0, y1] (inclusive). */
function rectSum(s: Int32Array, w: number, x0: number, y0: number, x1: number, y1: number): number {
  let v = s[y1 * w + x1];
  if (x0 > 0) v -= s[y1 * w + x0 - 1];
  if (y0 > 0) v -= s[(y0 - 1) * w + x1];
  if (x0 > 0 && y0 > 0) v += s[(y0 - 1) * w + x0 - 1];
  return v;
}

/**
 * Marks the patch centres of a level (patch inside the image): srcOK where the patch is free of
 * hole pixels (a source), isTgt where it touches the hole (a target). Only centres near the hole's
 * bounding box need testing, so a small hole in a large frame costs little. Returns the counts.
 */
function classifyCentres(hd: Uint8Array, w: number, h: number, r: number, srcOK: Uint8Array, isTgt: Uint8Array): { nSrc: number; nTgt: number } {
  srcOK.fill(0);
  isTgt.fill(0);
  if (w <= 2 * r || h <= 2 * r) return { nSrc: 0, nTgt: 0 };
  let bx0 = w, by0 = h, bx1 = -1, by1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (!hd[y * w + x]) continue;
    if (by0 === h) by0 = y;
    by1 = y;
    if (x < bx0) bx0 = x;
    if (x > bx1) bx1 = x;
  }
  for (let y = r; y < h - r; y++) srcOK.fill(1, y * w + r, y * w + w - r);
  const interior = (w - 2 * r) * (h - 2 * r);
  if (by1 < 0) return { nSrc: interior, nTgt: 0 };
  // summed-area table of the hole over its bounding box only
  const bw = bx1 - bx0 + 1, bh = by1 - by0 + 1;
  const box = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) box.set(hd.subarray((by0 + y) * w + bx0, (by0 + y) * w + bx0 + bw), y * bw);
  const sum = holePrefixSums(box, bw, bh);
  let nTgt = 0;
  for (let y = Math.max(r, by0 - r); y <= Math.min(h - r - 1, by1 + r); y++) {
    const y0 = Math.max(0, y - r - by0), y1 = Math.min(bh - 1, y + r - by0);
    for (let x = Math.max(r, bx0 - r); x <= Math.min(w - r - 1, bx1 + r); x++) {
      const x0 = Math.max(0, x - r - bx0), x1 = Math.min(bw - 1, x + r - bx0);
      if (x0 <= x1 && y0 <= y1 && rectSum(sum, bw, x0, y0, x1, y1) > 0) { srcOK[y * w + x] = 0; isTgt[y * w + x] = 1; nTgt++; }
    }
  }
  return { nSrc: interior - nTgt, nTgt };
}

/**
 * Fill the hole of one frame with patches from its known part: PatchMatch nearest-neighbour field
 * (Barnes et al. 2009) with multi-scale EM voting (Wexler et al. 2007). Pixels outside the hole
 * are returned unchanged. Deterministic for a given seed.
 */
export function patchMatchInpaint(frame: FloatFrame, hole: Mask, opts: PatchMatchOptions = {}): FloatFrame {
  const c = frame.channels;
  const r = opts.patchRadius ?? 3;
  const { width: W, height: H } = frame;
  let holeCount = 0;
  for (let i = 0; i < hole.data.length; i++) holeCount += hole.data[i];
  const out: FloatFrame = { width: W, height: H, channels: c, data: new Float32Array(frame.data) };
  if (holeCount === 0) return out;
  if (holeCount === W * H) throw new StudioError('E_MASK_EMPTY', 'The whole frame is masked: there is nothing to copy patches from.');
  // smooth pre-fill so coarse levels start from something sensible
  const base = new Float32Array(frame.data);
  fillHarmonicInterleaved(base, W, H, c, hole.data, 30);
  const levels: Level[] = [{ img: base, hole, w: W, h: H }];
  // Coarser levels while the shorter side keeps 4 patches; down to 2 patches while a level still
  // has at least as many whole known patches as patches touching the hole. A wide hole (an
  // outpainted border) needs those levels: there it is a few pixels wide and takes its structure
  // from patches, where otherwise EM voting only blurs the smooth pre-fill into streaks. A hole in
  // the middle of a small frame stops earlier: too few known patches are left to copy from.
  const ps0 = 2 * r + 1;
  while (true) {
    const l = levels[levels.length - 1];
    const side = Math.min(l.w, l.h) / 2;
    if (side < 2 * ps0) break;
    let hc = 0;
    for (let i = 0; i < l.hole.data.length; i++) hc += l.hole.data[i];
    if (hc < 4) break;
    const next = downLevel(l, c);
    if (side < 4 * ps0) {
      const n = classifyCentres(next.hole.data, next.w, next.h, r, new Uint8Array(next.w * next.h), new Uint8Array(next.w * next.h));
      if (n.nSrc < n.nTgt) break;
    }
    levels.push(next);
  }
  const { arena, kernels } = patchMatchWorkspace();
  arena.reset();
  kernels.seed((opts.seed ?? 1234) >>> 0);
  // the coarser level's field (addresses in the arena, 0 for none): the next level starts from it
  let prevNX = 0, prevNY = 0, prevW = 0, prevH = 0;
  const ps = 2 * r + 1;
  for (let li = levels.length - 1; li >= 0; li--) {
    const { img, hole: hm, w, h } = levels[li];
    if (w < ps || h < ps) continue;
    const hd = hm.data;
    const srcOK = arena.uint8(w * h), isTgt = arena.uint8(w * h);
    const { nSrc, nTgt } = classifyCentres(hd, w, h, r, srcOK, isTgt);
    if (nSrc === 0) continue; // level too coarse to have whole known patches
    const src = arena.int32(nSrc), tgt = arena.int32(nTgt);
    for (let i = 0, a = 0, b = 0; i < w * h; i++) { if (srcOK[i]) src[a++] = i; else if (isTgt[i]) tgt[b++] = i; }
    const n = w * h * c;
    const work = arena.float32(n + 4); // + 4: the voting loads 4 floats from the last pixel
    work.set(img);
    const hole8 = arena.uint8(w * h);
    hole8.set(hd);
    const nX = arena.int32(w * h), nY = arena.int32(w * h), dist = arena.float32(w * h);
    // zero where no target writes: the next finer level reads its parents here, also non-target ones
    // (near the border), and 0 is no valid source there; the reused memory must not decide that
    nX.fill(0);
    nY.fill(0);
    const acc = arena.float32(w * h * kernels.accStride(c));
    kernels.level(work.byteOffset, hole8.byteOffset, srcOK.byteOffset, isTgt.byteOffset, tgt.byteOffset, tgt.length,
      nX.byteOffset, nY.byteOffset, dist.byteOffset, acc.byteOffset, w, h, c, r);
    kernels.init(prevNX, prevNY, prevW, prevH, src.byteOffset, src.length);
    // detail levels: the NNF comes from the coarser level; only a local search refines it
    const detail = li < levels.length - 1 && w * h > (opts.detailLevelPixels ?? DETAIL_LEVEL_PIXELS);
    const maxRad = detail ? 8 : Math.max(w, h);
    // Levels larger than the working resolution (1080p and up) only refine detail: the structure
    // is settled on the coarser levels, so one EM iteration with one local search pass there (most
    // of the cost otherwise) suffices.
    const em = li === levels.length - 1 ? (opts.emIterations ?? 8) : detail ? 1 : Math.max(2, Math.ceil((opts.emIterations ?? 8) / 2));
    const si = detail ? 1 : (opts.searchIterations ?? 3);
    if (prevNX) kernels.vote();
    for (let e = 0; e < em; e++) {
      // the first search after that vote sees distances from before it
      const fresh = e > 0 || !prevNX ? 1 : 0;
      for (let it = 0; it < si; it++) kernels.search(it % 2 === 0 ? 1 : 0, maxRad, fresh);
      kernels.vote();
      kernels.recompute(); // distances changed with the new hole colours
    }
    prevNX = nX.byteOffset; prevNY = nY.byteOffset; prevW = w; prevH = h;
    img.set(work.subarray(0, n));
    // hand the result to the next finer level as its starting estimate
    if (li > 0) {
      const fine = levels[li - 1];
      for (let y = 0; y < fine.h; y++) for (let x = 0; x < fine.w; x++) {
        const i = y * fine.w + x;
        if (!fine.hole.data[i]) continue;
        const j = Math.min(h - 1, y >> 1) * w + Math.min(w - 1, x >> 1);
        for (let k = 0; k < c; k++) fine.img[i * c + k] = img[j * c + k];
      }
    }
  }
  if (arena.used > KEEP_WORKSPACE_BYTES) workspace = null; // a rare large frame: do not hold its memory
  const res = levels[0].img;
  for (let i = 0; i < W * H; i++) if (hole.data[i]) for (let k = 0; k < c; k++) out.data[i * c + k] = res[i * c + k];
  return out;
}
