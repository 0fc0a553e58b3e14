/**
 * Single-channel planar filters on Float32Array (row-major, width × height). O(N) box means by
 * running sums, so radii up to the frame size cost the same.
 */

/** Mean over the (2r+1)² window clipped to the frame (edge-normalised). */
export function boxMean(src: Float32Array, width: number, height: number, r: number, out?: Float32Array): Float32Array {
  const dst = out ?? new Float32Array(width * height);
  if (r <= 0) {
    dst.set(src);
    return dst;
  }
  const tmp = new Float32Array(width * height);
  // Horizontal pass (double accumulator keeps long running sums exact enough).
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let acc = 0;
    const first = Math.min(r, width - 1);
    for (let x = 0; x <= first; x++) acc += src[row + x];
    for (let x = 0; x < width; x++) {
      const lo = Math.max(0, x - r);
      const hi = Math.min(width - 1, x + r);
      tmp[row + x] = acc / (hi - lo + 1);
      const add = x + r + 1;
      const sub = x - r;
      if (add < width) acc += src[row + add];
      if (sub >= 0) acc -= src[row + sub];
    }
  }
  // Vertical pass.
  const col = new Float64Array(width);
  const firstY = Math.min(r, height - 1);
  for (let y = 0; y <= firstY; y++) for (let x = 0; x < width; x++) col[x] += tmp[y * width + x];
  for (let y = 0; y < height; y++) {
    const lo = Math.max(0, y - r);
    const hi = Math.min(height - 1, y + r);
    const inv = 1 / (hi - lo + 1);
    const row = y * width;
    for (let x = 0; x < width; x++) dst[row + x] = col[x] * inv;
    const add = y + r + 1;
    const sub = y - r;
    if (add < height) for (let x = 0; x < width; x++) col[x] += tmp[add * width + x];
    if (sub >= 0) for (let x = 0; x < width; x++) col[x] -= tmp[sub * width + x];
  }
  return dst;
}

/** Three box passes: close to a Gaussian of σ ≈ r (smooth, still O(N)). */
export function smoothBlur(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const a = boxMean(src, width, height, r);
  const b = boxMean(a, width, height, r);
  return boxMean(b, width, height, r, a);
}

/**
 * Guided filter (He, Sun & Tang 2010/2013) with a grey guide: edge-aware smoothing of `src` that
 * follows the edges of `guide`. `eps` is in squared guide units.
 */
export function guidedFilter(guide: Float32Array, src: Float32Array, width: number, height: number, r: number, eps: number): Float32Array {
  const n = width * height;
  const meanI = boxMean(guide, width, height, r);
  const meanP = guide === src ? meanI : boxMean(src, width, height, r);
  const prod = new Float32Array(n);
  for (let i = 0; i < n; i++) prod[i] = guide[i] * guide[i];
  const corrII = boxMean(prod, width, height, r);
  let corrIP = corrII;
  if (guide !== src) {
    for (let i = 0; i < n; i++) prod[i] = guide[i] * src[i];
    corrIP = boxMean(prod, width, height, r);
  }
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const varI = corrII[i] - meanI[i] * meanI[i];
    const cov = corrIP[i] - meanI[i] * meanP[i];
    const ai = cov / (Math.max(varI, 0) + eps);
    a[i] = ai;
    b[i] = meanP[i] - ai * meanI[i];
  }
  const ma = boxMean(a, width, height, r);
  const mb = boxMean(b, width, height, r);
  const out = a;
  for (let i = 0; i < n; i++) out[i] = ma[i] * guide[i] + mb[i];
  return out;
}

/** Channel `c` of an interleaved buffer as a plane. */
export function extractChannel(data: Float32Array, channels: number, c: number, out?: Float32Array): Float32Array {
  const n = data.length / channels;
  const dst = out ?? new Float32Array(n);
  for (let i = 0; i < n; i++) dst[i] = data[i * channels + c];
  return dst;
}

export function insertChannel(plane: Float32Array, data: Float32Array, channels: number, c: number): void {
  const n = plane.length;
  for (let i = 0; i < n; i++) data[i * channels + c] = plane[i];
}

/** Rec.709 luminance plane of interleaved linear RGB(A). */
export function luminancePlane(data: Float32Array, channels: number, pixels: number): Float32Array {
  const out = new Float32Array(pixels);
  if (channels === 1) {
    out.set(data.subarray(0, pixels));
    return out;
  }
  for (let i = 0; i < pixels; i++) {
    const o = i * channels;
    out[i] = 0.2126 * data[o] + 0.7152 * data[o + 1] + 0.0722 * data[o + 2];
  }
  return out;
}
