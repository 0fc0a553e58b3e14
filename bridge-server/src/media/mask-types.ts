import type { FloatFrame } from '@synthetic-studio/shared';
import type { FrameRange, MediaInfo } from './types.js';

/**
 * The edit region of a job, at source resolution, values in [0, 1] (1 = edit), already dilated
 * and feathered as the job asked.
 * - `per-frame`: a mask for every frame of the range; `get(i)` takes a SOURCE frame index. Reading in
 *   increasing order is cheapest (movies are streamed); any order works.
 * - `single`: one mask painted on source frame `frame`, to be tracked through the range by the
 *   temporal engine (spec.track = true). A held (untracked) single mask comes back as per-frame.
 */
export type MaskSource =
  | { kind: 'per-frame'; range: FrameRange; get(index: number): Promise<FloatFrame>; close(): Promise<void> }
  | { kind: 'single'; range: FrameRange; frame: number; mask: FloatFrame; close(): Promise<void> };

export interface LoadMaskOptions {
  info: MediaInfo;
  range: FrameRange;
  /** Grow by this many pixels (Euclidean) at source resolution. */
  dilate?: number;
  /** Soft edge: linear fall-off over this many pixels outside the dilated mask. */
  feather?: number;
  signal?: AbortSignal;
}
