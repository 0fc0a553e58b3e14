/**
 * Value types of the temporal engine. Everything is a plain typed array with its size, so the
 * engine can move data to worker threads without conversion.
 */

/** One channel of samples, row-major (grey images, weights, flow components). */
export interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * Dense optical flow F_{a→b}: pixel p of frame a corresponds to p + (u(p), v(p)) in frame b
 * (pixels, x right, y down). Planar components, row-major.
 */
export interface FlowField {
  width: number;
  height: number;
  u: Float32Array;
  v: Float32Array;
}

/** Binary mask, one byte per pixel, 1 = selected / missing, 0 = not. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

export function createPlane(width: number, height: number): Plane {
  return { width, height, data: new Float32Array(width * height) };
}

export function createFlow(width: number, height: number): FlowField {
  return { width, height, u: new Float32Array(width * height), v: new Float32Array(width * height) };
}

export function createMask(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) };
}

export function maskArea(m: Mask): number {
  let n = 0;
  const d = m.data;
  for (let i = 0; i < d.length; i++) n += d[i] !== 0 ? 1 : 0;
  return n;
}
