// AssemblyScript source of the PatchMatch inpainting kernels (temporal/patchmatch.ts runs them).
// Built into bridge-server/src/temporal/patchmatch-kernels.wasm by `npm run build:wasm`
// (scripts/build-wasm.mjs); a test checks that the committed binary is this source's build.
//
// The kernels work on one pyramid level at a time: `level` points the module globals below at
// that level's arrays, which the JS side laid out in the imported memory. The random generator
// (mulberry32, as temporal/prng.ts) keeps its state in a global too, so a run is deterministic
// for its seed. Patch distances are float32 sums of squares, 4 lanes at a time along a patch row
// (a row of a patch is contiguous in the interleaved image).

let W = 0, H = 0, C = 0, R = 0, NT = 0;
let IMG: usize = 0, HOLE: usize = 0, SRC_OK: usize = 0, IS_TGT: usize = 0, TGT: usize = 0;
let NX: usize = 0, NY: usize = 0, DIST: usize = 0, ACC: usize = 0;
let rngState: u32 = 0;
/** Whether dist holds the distances on the current image (not so between a vote and recompute). */
let FRESH = 0;

@inline function ld(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
@inline function st(p: usize, i: i32, v: f32): void { store<f32>(p + (<usize>i << 2), v); }
@inline function ldi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function sti(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
@inline function ldb(p: usize, i: i32): i32 { return <i32>load<u8>(p + <usize>i); }
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Seeds the generator (same sequence as mulberry32(seed) in prng.ts). */
export function seed(s: u32): void {
  rngState = s;
}

/** Next uniform number in [0, 1). */
@inline function rand(): f64 {
  rngState += 0x6d2b79f5;
  let t = rngState;
  t = (t ^ (t >>> 15)) * (t | 1);
  t ^= t + (t ^ (t >>> 7)) * (t | 61);
  return <f64>(t ^ (t >>> 14)) / 4294967296.0;
}

/**
 * Points the kernels at one level: image (interleaved, c channels, 4 floats of padding after it
 * for the voting's vector loads), hole mask, valid source centres, target flags and list, the
 * nearest-neighbour field (nX, nY, dist) and the voting accumulator (accStride() floats a pixel).
 */
export function level(img: usize, hole: usize, srcOK: usize, isTgt: usize, tgt: usize, nT: i32,
  nX: usize, nY: usize, dist: usize, acc: usize, w: i32, h: i32, c: i32, r: i32): void {
  IMG = img; HOLE = hole; SRC_OK = srcOK; IS_TGT = isTgt; TGT = tgt; NT = nT;
  NX = nX; NY = nY; DIST = dist; ACC = acc; W = w; H = h; C = c; R = r;
}

/** Floats per pixel of the voting accumulator: the channels and the weight (4 lanes up to 3 channels). */
export function accStride(c: i32): i32 {
  return c <= 3 ? 4 : c + 1;
}

/** Sum of squared differences of two patch rows of 21 floats (7 pixels × 3 channels, the common case). */
@inline function row21(a: usize, b: usize): f32 {
  let e = f32x4.sub(v128.load(a), v128.load(b));
  let acc = f32x4.mul(e, e);
  e = f32x4.sub(v128.load(a, 16), v128.load(b, 16));
  acc = f32x4.add(acc, f32x4.mul(e, e));
  e = f32x4.sub(v128.load(a, 32), v128.load(b, 32));
  acc = f32x4.add(acc, f32x4.mul(e, e));
  e = f32x4.sub(v128.load(a, 48), v128.load(b, 48));
  acc = f32x4.add(acc, f32x4.mul(e, e));
  e = f32x4.sub(v128.load(a, 64), v128.load(b, 64));
  acc = f32x4.add(acc, f32x4.mul(e, e));
  const t = load<f32>(a, 80) - load<f32>(b, 80);
  return hsum(acc) + t * t;
}

/** Sum of squared differences of two patch rows of len floats. */
@inline function row(a: usize, b: usize, len: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const e = f32x4.sub(v128.load(a + (<usize>k << 2)), v128.load(b + (<usize>k << 2)));
    acc = f32x4.add(acc, f32x4.mul(e, e));
  }
  let s = hsum(acc);
  for (; k < len; k++) { const e = ld(a, k) - ld(b, k); s += e * e; }
  return s;
}

/** Sum of squared differences of the patches centred at (px, py) and (sx, sy); stops once over bound. */
function patchDist(px: i32, py: i32, sx: i32, sy: i32, bound: f32): f32 {
  const len = (2 * R + 1) * C;
  const rowBytes = <usize>(W * C) << 2;
  let a = IMG + (<usize>(((py - R) * W + px - R) * C) << 2);
  let b = IMG + (<usize>(((sy - R) * W + sx - R) * C) << 2);
  let d: f32 = 0;
  // the early exit per row: most candidates are rejected after a row or two
  if (len == 21) {
    for (let dy = -R; dy <= R; dy++) {
      d += row21(a, b);
      if (d > bound) return d;
      a += rowBytes;
      b += rowBytes;
    }
  } else {
    for (let dy = -R; dy <= R; dy++) {
      d += row(a, b, len);
      if (d > bound) return d;
      a += rowBytes;
      b += rowBytes;
    }
  }
  return d;
}

/** Takes source centre (sx, sy) for target p if it is valid and nearer than p's current one. */
@inline function tryCand(p: i32, px: i32, py: i32, sx: i32, sy: i32): void {
  if (sx < R || sy < R || sx >= W - R || sy >= H - R || ldb(SRC_OK, sy * W + sx) == 0) return;
  // the current match again (frequent where the field is coherent): while the distances are
  // fresh its distance is dist[p] exactly (stored distances are complete sums), so it cannot win
  if (FRESH != 0 && sx == ldi(NX, p) && sy == ldi(NY, p)) return;
  const cur = ld(DIST, p);
  const d = patchDist(px, py, sx, sy, cur);
  if (d < cur) { st(DIST, p, d); sti(NX, p, sx); sti(NY, p, sy); }
}

/**
 * Starting field: each target takes the coarser level's match scaled up (prevNX, prevNY of
 * prevW × prevH; 0 for none) where that is a valid source, else a random source from src[0..nSrc).
 */
export function init(prevNX: usize, prevNY: usize, prevW: i32, prevH: i32, src: usize, nSrc: i32): void {
  for (let t = 0; t < NT; t++) {
    const p = ldi(TGT, t);
    const py = p / W, px = p - py * W;
    let s = -1;
    if (prevNX != 0) {
      const cx = min(prevW - 1, px >> 1), cy = py >> 1;
      if (cy < prevH) {
        const sx = ldi(prevNX, cy * prevW + cx) * 2 + (px & 1), sy = ldi(prevNY, cy * prevW + cx) * 2 + (py & 1);
        if (sx >= R && sy >= R && sx < W - R && sy < H - R && ldb(SRC_OK, sy * W + sx) != 0) s = sy * W + sx;
      }
    }
    if (s < 0) s = ldi(src, <i32>Math.floor(rand() * <f64>nSrc));
    const sy = s / W, sx = s - sy * W;
    sti(NX, p, sx);
    sti(NY, p, sy);
    st(DIST, p, patchDist(px, py, sx, sy, f32.POSITIVE_INFINITY));
  }
}

/**
 * One PatchMatch pass over the targets (forward, or backward when fwd is 0): propagation from
 * the previous neighbour in x and in y, then random search in windows halving from maxRad.
 * fresh: whether dist is up to date with the image (0 after a vote, before recompute).
 */
export function search(fwd: i32, maxRad: i32, fresh: i32): void {
  FRESH = fresh;
  const n = NT;
  const s = fwd != 0 ? -1 : 1;
  for (let t = 0; t < n; t++) {
    const p = ldi(TGT, fwd != 0 ? t : n - 1 - t);
    const py = p / W, px = p - py * W;
    const q1 = p + s, q2 = p + s * W;
    if (px + s >= 0 && px + s < W && ldb(IS_TGT, q1) != 0) tryCand(p, px, py, ldi(NX, q1) - s, ldi(NY, q1));
    if (py + s >= 0 && py + s < H && ldb(IS_TGT, q2) != 0) tryCand(p, px, py, ldi(NX, q2), ldi(NY, q2) - s);
    let rad = maxRad;
    while (rad >= 1) {
      // Math.round of JS (halves up), x before y as in the JS version
      const sx = <i32>Math.floor(<f64>ldi(NX, p) + (rand() * 2 - 1) * <f64>rad + 0.5);
      const sy = <i32>Math.floor(<f64>ldi(NY, p) + (rand() * 2 - 1) * <f64>rad + 0.5);
      tryCand(p, px, py, sx, sy);
      rad >>= 1;
    }
  }
}

/** Distances of every target to its current match (after a vote changed the hole's colours). */
export function recompute(): void {
  for (let t = 0; t < NT; t++) {
    const p = ldi(TGT, t);
    const py = p / W, px = p - py * W;
    st(DIST, p, patchDist(px, py, ldi(NX, p), ldi(NY, p), f32.POSITIVE_INFINITY));
  }
}

/**
 * EM voting (Wexler et al.): every hole pixel becomes the mean of the source pixels the patches
 * covering it map it to, weighted by exp(-d / mean d) of those patches.
 */
export function vote(): void {
  const n = NT, c = C, r = R, w = W;
  let meanD: f64 = 0;
  for (let t = 0; t < n; t++) meanD += <f64>ld(DIST, ldi(TGT, t));
  meanD = meanD / <f64>max(1, n) + 1e-6;
  if (n == 0) return;
  const stride = accStride(c);
  // only the rows the patches cover (targets are in raster order); the rest of ACC is not read
  const q0 = max(0, ldi(TGT, 0) / w - r) * w, q1 = min(H, ldi(TGT, n - 1) / w + r + 1) * w;
  memory.fill(ACC + (<usize>(q0 * stride) << 2), 0, <usize>(q1 - q0) * <usize>stride << 2);
  for (let t = 0; t < n; t++) {
    const p = ldi(TGT, t);
    const py = p / w, px = p - py * w;
    const off = ldi(NY, p) * w + ldi(NX, p) - p; // source pixel = target pixel + off
    const wt = <f32>Math.exp(-<f64>ld(DIST, p) / meanD);
    const vw = f32x4.splat(wt);
    for (let dy = -r; dy <= r; dy++) {
      const q0 = (py + dy) * w + px;
      for (let q = q0 - r; q <= q0 + r; q++) {
        if (ldb(HOLE, q) == 0) continue;
        const src = q + off;
        if (c <= 3) {
          // channels in lanes 0..c-1 (the lanes past c read the next pixel and are ignored), weight in lane 3
          const v = f32x4.replace_lane(v128.load(IMG + (<usize>(src * c) << 2)), 3, 1);
          const a = ACC + (<usize>q << 4);
          v128.store(a, f32x4.add(v128.load(a), f32x4.mul(vw, v)));
        } else {
          const a = ACC + (<usize>(q * stride) << 2), s = IMG + (<usize>(src * c) << 2);
          for (let k = 0; k < c; k++) store<f32>(a + (<usize>k << 2), load<f32>(a + (<usize>k << 2)) + wt * load<f32>(s + (<usize>k << 2)));
          store<f32>(a + (<usize>c << 2), load<f32>(a + (<usize>c << 2)) + wt);
        }
      }
    }
  }
  for (let q = q0; q < q1; q++) {
    if (ldb(HOLE, q) == 0) continue;
    const a = ACC + (<usize>(q * stride) << 2);
    const ws = load<f32>(a + (<usize>(stride - 1) << 2));
    if (ws > 0) for (let k = 0; k < c; k++) st(IMG, q * c + k, load<f32>(a + (<usize>k << 2)) / ws);
  }
}
