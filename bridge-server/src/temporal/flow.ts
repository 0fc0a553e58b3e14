import type { FloatFrame } from '@synthetic-studio/shared';
import { DIS_QUALITY, disFlow, upsampleFlowTo, type DisParams } from './dis-flow.js';
import { grayHalf255, matchExposure, resizePlane, toGray255 } from './image.js';
import type { FlowField, Plane } from './types.js';

export interface FlowOptions {
  /** Longest side of the resolution flow is computed at (then upsampled). Default 960. */
  maxSide?: number;
  dis?: DisParams;
  /** Normalise global brightness/contrast of b to a before matching. Default true. */
  exposureCompensation?: boolean;
  /**
   * Threads computing one pair (the calling thread included; helpers are started on first use and
   * do not keep the process alive). Default 1. The result is identical for any thread count.
   */
  threads?: number;
}

/** The working size for a frame size: long side at most maxSide, aspect kept. */
export function workingSize(width: number, height: number, maxSide = 960): { width: number; height: number; scale: number } {
  const long = Math.max(width, height);
  if (long <= maxSide) return { width, height, scale: 1 };
  const s = maxSide / long;
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)), scale: s };
}

/** Grey image (0..255) of a frame at the working size; the flow engine's input. */
export function flowInput(f: FloatFrame | Plane, maxSide = 960): Plane {
  const ws = workingSize(f.width, f.height, maxSide);
  if ('channels' in f && f.width >= 2 * ws.width && f.height >= 2 * ws.height) {
    // resizePlane would start with downsample2 of the grey plane: fuse that step with the grey conversion
    const half = grayHalf255(f);
    return half.width === ws.width && half.height === ws.height ? half : resizePlane(half, ws.width, ws.height);
  }
  const g = 'channels' in f ? toGray255(f) : f;
  return ws.scale === 1 ? g : resizePlane(g, ws.width, ws.height);
}

/**
 * F_{a→b} for two grey working-size images (from flowInput). The result is at working size;
 * use resizeFlow to bring it to the frame size.
 */
export function flowBetween(a: Plane, b: Plane, opts: FlowOptions = {}, holeA?: Uint8Array | null, holeB?: Uint8Array | null): FlowField {
  const bb = opts.exposureCompensation === false ? b : matchExposure(a, b);
  return disFlow(a, bb, opts.dis ?? DIS_QUALITY, holeA, holeB, opts.threads ?? 1);
}

/** Flow resized to another grid, vectors scaled accordingly. */
export function resizeFlow(f: FlowField, width: number, height: number): FlowField {
  if (f.width === width && f.height === height) return { width, height, u: new Float32Array(f.u), v: new Float32Array(f.v) };
  return upsampleFlowTo(f, width, height);
}

/** Dense flow F_{a→b} between two frames at their own size (computed at the working size). */
export function computeFlow(a: FloatFrame, b: FloatFrame, opts: FlowOptions = {}): FlowField {
  const A = flowInput(a, opts.maxSide), B = flowInput(b, opts.maxSide);
  return resizeFlow(flowBetween(A, B, opts), a.width, a.height);
}

/** Forward and backward flow between two frames. */
export function computeFlowPair(a: FloatFrame, b: FloatFrame, opts: FlowOptions = {}): { fwd: FlowField; bwd: FlowField } {
  const A = flowInput(a, opts.maxSide), B = flowInput(b, opts.maxSide);
  return { fwd: resizeFlow(flowBetween(A, B, opts), a.width, a.height), bwd: resizeFlow(flowBetween(B, A, opts), b.width, b.height) };
}
