import type { FloatFrame } from '@synthetic-studio/shared';
import { featherWeights, pasteFeathered } from '../diffusion/index.js';
import { maskArea, maskFromFrame, maskToFrame, type Mask } from '../temporal/index.js';

/**
 * The user's `feather` for a completion that fills a hole per frame (classical and diffusion
 * inpaint remove). With feather > 0 the hole handed to the completion is the (already dilated)
 * mask plus the feather band, so there is a fill to blend towards, and the fill is pasted over the
 * source with featherWeights: 1 in the dilated mask, falling over `feather` px outside it, 0 beyond
 * the band, where the source is kept bit-exact. With feather 0 (or an empty mask) the hole is the
 * mask itself and the fill is passed through unchanged.
 *
 * Completions read each frame's source and hole once and emit each frame once, so the weights and
 * sources of frames read but not yet emitted are held here and dropped on paste.
 */
export class FeatheredFill {
  private readonly weights = new Map<number, FloatFrame>();
  private readonly sources = new Map<number, FloatFrame>();

  constructor(private readonly feather: number) {}

  /** Source frame i as read by the completion (kept until its paste when feathering). */
  source(i: number, frame: FloatFrame): FloatFrame {
    if (this.feather > 0) this.sources.set(i, frame);
    return frame;
  }

  /** The hole to complete for frame i, given its dilated mask: the mask plus the feather band. */
  hole(i: number, mask: Mask): Mask {
    if (this.feather === 0 || maskArea(mask) === 0) return mask;
    const w = featherWeights(maskToFrame(mask), this.feather);
    this.weights.set(i, w);
    return maskFromFrame(w, 0);
  }

  /** The completed frame i pasted over its source with the feather weights. */
  paste(i: number, filled: FloatFrame): FloatFrame {
    const w = this.weights.get(i), src = this.sources.get(i);
    this.weights.delete(i);
    this.sources.delete(i);
    return w && src ? pasteFeathered(src, filled, { x: 0, y: 0, w: filled.width, h: filled.height }, w) : filled;
  }
}
