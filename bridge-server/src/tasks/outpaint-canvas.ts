import type { FloatFrame } from '@synthetic-studio/shared';
import { dilateMask, toCanvas, type CanvasPlacement, type Mask } from '../temporal/index.js';
import { FeatheredFill } from './feathered-fill.js';

/**
 * The source of a spatial extension (both engines): each frame placed on the larger canvas, and
 * the hole to complete — the new border grown `dilate` px into the picture plus the `feather` band
 * over which the fill is blended back into the source (FeatheredFill, as inpaint remove). Beyond
 * dilate + feather the source is kept bit-exact. The canvas of the frame last asked for is held,
 * since completions ask for a frame and its hole together.
 */
export function outpaintCanvas(
  source: (i: number) => FloatFrame | Promise<FloatFrame>,
  placement: CanvasPlacement,
  dilate: number,
  feather: number,
): { frame(i: number): Promise<FloatFrame>; hole(i: number): Promise<Mask>; paste(i: number, filled: FloatFrame): FloatFrame } {
  const feathered = new FeatheredFill(feather);
  let grown: Mask | null = null; // the border is the same on every frame
  let held: { i: number; frame: FloatFrame; hole: Mask } | null = null;
  const onCanvas = async (i: number) => {
    if (held?.i !== i) {
      const placed = toCanvas(await source(i), placement);
      grown ??= dilate > 0 ? dilateMask(placed.hole, dilate) : placed.hole;
      held = { i, frame: placed.frame, hole: grown };
    }
    return held;
  };
  return {
    frame: async (i) => feathered.source(i, (await onCanvas(i)).frame),
    hole: async (i) => feathered.hole(i, (await onCanvas(i)).hole),
    paste: (i, filled) => feathered.paste(i, filled),
  };
}
