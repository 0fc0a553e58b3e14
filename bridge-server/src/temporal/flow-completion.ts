import { fillHarmonic } from './laplace-fill.js';
import { dilateMask, resizeMask } from './mask-ops.js';
import { fillFlowByMotion } from './motion-aware-fill.js';
import type { FlowField, Mask } from './types.js';

/**
 * How flow is filled inside a hole: 'harmonic' = membrane interpolation of the flow around it
 * (FGVC regionfill); 'motion' = the same plus motion-boundary awareness (robust affine models of
 * the ring, see motion-aware-fill.ts).
 */
export type FlowFillMode = 'harmonic' | 'motion';

/**
 * The hole of a frame on the flow grid, grown by `margin` pixels: flow estimated next to a hole is
 * contaminated by it (patches straddle the edge), so a band around it is re-interpolated too
 * (FGVC grows its flow mask by 15 px for the same reason).
 */
export function holeOnFlowGrid(hole: Mask, width: number, height: number, margin = 6): Mask {
  return dilateMask(resizeMask(hole, width, height), margin);
}

/**
 * Complete a flow inside a hole: both components are replaced inside the hole by the harmonic
 * interpolation of the flow around it (FGVC regionfill), and with mode 'motion' large holes are
 * then refilled motion-aware. Returns a new field.
 */
export function completeFlow(f: FlowField, holeOnGrid: Mask, mode: FlowFillMode = 'harmonic'): FlowField {
  const u = new Float32Array(f.u), v = new Float32Array(f.v);
  const out = { width: f.width, height: f.height, u, v };
  if (mode === 'motion') {
    // large holes are refilled motion-aware: the harmonic fill only has to do the small ones
    const rest = { width: f.width, height: f.height, data: new Uint8Array(holeOnGrid.data) };
    for (const comp of fillFlowByMotion(out, holeOnGrid)) for (const p of comp) rest.data[p] = 0;
    fillHarmonic([u, v], f.width, f.height, rest.data);
  } else fillHarmonic([u, v], f.width, f.height, holeOnGrid.data);
  return out;
}
