import { computeFlowPair, fbConsistency, warpBilinear, type FlowOptions } from '../temporal/index.js';
import type { TemporalPort } from './temporal-port.js';

/**
 * The real temporal engine behind relight's port: DIS optical flow with variational refinement,
 * bilinear backward warp, forward–backward consistency (ProPainter constants).
 */
export function temporalEnginePort(opts: FlowOptions = {}): TemporalPort {
  return {
    flowPair: (a, b) => computeFlowPair(a, b, opts),
    warp: (src, flow) => warpBilinear(src, flow),
    consistency: (fwd, bwd) => ({ valid: fbConsistency(fwd, bwd).valid }),
  };
}
