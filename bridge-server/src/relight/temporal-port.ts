import type { FloatFrame } from '@synthetic-studio/shared';

/**
 * What relight needs from the temporal engine, as a small port so the engine stays testable and
 * the task plugs in the real implementation (bridge-server/src/temporal). Shapes match the
 * temporal engine's types structurally.
 */

/** F_{a→b}: pixel p of frame a corresponds to p + (u, v) in frame b (pixels, x right, y down). */
export interface FlowField {
  width: number;
  height: number;
  u: Float32Array;
  v: Float32Array;
}

/** 1 = valid, 0 = not; one byte per pixel. */
export interface ValidMask {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface TemporalPort {
  /** Forward F_{a→b} and backward F_{b→a} flow between two frames of the same size. */
  flowPair(a: FloatFrame, b: FloatFrame): { fwd: FlowField; bwd: FlowField };
  /** Backward warp: out(p) = src(p + F(p)), bilinear; samples outside src are invalid. */
  warp(src: FloatFrame, flow: FlowField): { frame: FloatFrame; valid: ValidMask };
  /** Forward–backward consistency of fwd against bwd, per pixel of fwd's frame. */
  consistency(fwd: FlowField, bwd: FlowField): { valid: ValidMask };
}

/**
 * Wraps a port so that asking twice for the flow between the same two frame objects (by
 * identity) computes it once: keyframe propagation and the stabiliser share their flows.
 */
export function memoFlowPort(port: TemporalPort): TemporalPort {
  const cache = new WeakMap<FloatFrame, WeakMap<FloatFrame, { fwd: FlowField; bwd: FlowField }>>();
  return {
    flowPair(a, b) {
      let row = cache.get(a);
      if (!row) {
        row = new WeakMap();
        cache.set(a, row);
      }
      let hit = row.get(b);
      if (!hit) {
        hit = port.flowPair(a, b);
        row.set(b, hit);
      }
      return hit;
    },
    warp: (src, flow) => port.warp(src, flow),
    consistency: (fwd, bwd) => port.consistency(fwd, bwd),
  };
}
