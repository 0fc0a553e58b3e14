/**
 * Temporal engine: optical flow, flow-guided video completion, mask tracking and extension.
 * Pure: frames and masks in (typed arrays), frames and masks out. No server, protocol or media imports.
 */
export type { FlowField, Mask, Plane } from './types.js';
export { createFlow, createMask, createPlane, maskArea } from './types.js';
export { toGray255, resizePlane, matchExposure } from './image.js';
export { disFlow, DIS_QUALITY, DIS_MEDIUM, DIS_FAST, upsampleFlowTo, type DisParams } from './dis-flow.js';
export { DEFAULT_VARIATIONAL, type VariationalParams } from './variational-refinement.js';
export { computeFlow, computeFlowPair, flowBetween, flowInput, resizeFlow, workingSize, type FlowOptions } from './flow.js';
export { FlowPool, sharedFlowPool, type FlowJob } from './flow-pool.js';
export { FlowTeam, flowTeam } from './flow-team.js';
export { warpBilinear, warpMaskNearest, sampleFlowAt } from './warp.js';
export { fbConsistency, occlusionMask, FB_ALPHA1, FB_ALPHA2 } from './consistency.js';
export { dilateMask, erodeMask, maskFromFrame, maskToFrame, outerRing, orMasks, resizeMask, maskIndices, encodeMaskRle, decodeMaskRle } from './mask-ops.js';
export { fillHarmonic, fillHarmonicInterleaved } from './laplace-fill.js';
export { completeFlow, holeOnFlowGrid, type FlowFillMode } from './flow-completion.js';
export { checkAbort, CompletionBuffer, completionWindowSize, maskedFlowInput, type CompletionBufferOptions } from './completion-buffer.js';
export { propagate, type PropagationInput, type PropagationResult } from './propagate.js';
export { patchMatchInpaint, type PatchMatchOptions } from './patchmatch.js';
export { completeWindow, completeVideo, type CompletionWindow, type CompletionSource, type CompletionOptions, type CompletionSummary, type WindowStats } from './complete.js';
export { psnr, mse, ssim, warpingError, warpPairFlows, seamChange, meanAbsDiff, changedOutside, type WarpPairFlows } from './metrics.js';
export { mulberry32 } from './prng.js';
export { fitAffine, affineAt, ZERO_MOTION, type AffineMotion } from './motion-model.js';
export { trackMask, carryMask, refineMaskByColour, MaskTracker, type MaskKey, type TrackOptions } from './mask-tracking.js';
export { outpaintVideo, canvasForAspect, canvasForSize, toCanvas, type CanvasPlacement, type Anchor } from './outpaint.js';
export { extrapolateVideo, estimateTailMotion, MotionExtrapolator, type ExtrapolationOptions, type TailMotion } from './extrapolate.js';
