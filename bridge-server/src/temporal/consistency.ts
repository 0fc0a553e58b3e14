import type { FlowField, Mask, Plane } from './types.js';
import { createMask, createPlane } from './types.js';
import { sampleFlowAt } from './warp.js';

/** α1, α2 of the forward–backward check (ProPainter / quality.md, squared form). */
export const FB_ALPHA1 = 0.01;
export const FB_ALPHA2 = 0.5;

/**
 * Forward–backward consistency of F_{a→b} (fwd) against F_{b→a} (bwd), per pixel of a:
 * e = fwd(p) + bwd(p + fwd(p)); valid iff |e|² < α1(|fwd|² + |bwd'|²) + α2 and p + fwd(p) lies
 * inside b. Returns the valid mask (1 = reliable, 0 = occluded or out of frame) and a soft
 * reliability exp(-|e|²) in [0,1].
 */
export function fbConsistency(fwd: FlowField, bwd: FlowField, alpha1 = FB_ALPHA1, alpha2 = FB_ALPHA2): { valid: Mask; reliability: Plane } {
  const w = fwd.width, h = fwd.height;
  const valid = createMask(w, h);
  const rel = createPlane(w, h);
  const t = new Float32Array(2);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      const u = fwd.u[i], v = fwd.v[i];
      const qx = x + u, qy = y + v;
      if (qx < -0.5 || qy < -0.5 || qx > bwd.width - 0.5 || qy > bwd.height - 0.5) continue;
      sampleFlowAt(bwd, qx, qy, t);
      const ex = u + t[0], ey = v + t[1];
      const e2 = ex * ex + ey * ey;
      if (e2 < alpha1 * (u * u + v * v + t[0] * t[0] + t[1] * t[1]) + alpha2) valid.data[i] = 1;
      rel.data[i] = Math.exp(-e2);
    }
  }
  return { valid, reliability: rel };
}

/** Occlusion mask (1 = occluded / unreliable) = complement of the consistency check. */
export function occlusionMask(fwd: FlowField, bwd: FlowField): Mask {
  const { valid } = fbConsistency(fwd, bwd);
  for (let i = 0; i < valid.data.length; i++) valid.data[i] = valid.data[i] ? 0 : 1;
  return valid;
}
