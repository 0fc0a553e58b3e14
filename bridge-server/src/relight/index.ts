/**
 * Relight engine (pure: FloatFrames and typed arrays in and out; linear light).
 *
 * Classical: a LightRig (parseLightSpec / promptToRig / presets; Kelvin colours from the
 * blackbody locus) shades per-pixel normals (luminance relief at several scales, a depth map, and
 * a subject matte's silhouette) with wrapped Lambert; the ratio new shading / estimated plate
 * shading is smoothed edge-aware and stabilised along the optical flow (ClassicalRelighter).
 * Diffusion: IC-Light relights keyframes (keyframeRatio); their low-frequency ratio to the
 * original is carried both ways along the flow and stabilised (KeyframeRatioChain).
 * Both apply the ratio to the linear frame (applyRatio) and composite with a matte (compositeMatte).
 */
export { kelvinToLinearRgb, linearToSrgb, luminance, xyzToLinearSrgb, KELVIN_MIN, KELVIN_MAX, type Rgb } from './color.js';
export { makeLight, lightDirection, ambientFrom, describeRig, DEFAULT_KELVIN, type Light, type LightRig, type LightInput } from './light-rig.js';
export { presetRig, presetAbout, PRESET_NAMES } from './presets.js';
export { parseLightSpec, MAX_LIGHTS } from './rig-spec.js';
export { rigToSpec } from './rig-to-spec.js';
export { promptToRig, type PromptMapping } from './prompt-rig.js';
export { boxMean, guidedFilter, luminancePlane } from './filters.js';
export { normalsFromHeight, normalsFromDepth, heightFromLuminance, type NormalMap, type HeightFromImageOptions } from './normals.js';
export { shadeRig } from './shading.js';
export { estimateSourceShading, fitSh1, type SourceLighting } from './source-shading.js';
export { shadingRatio, smoothRatio, resizeRatio, applyRatio, clampRatio, RATIO_MIN, RATIO_MAX, type RatioMap, type SmoothOptions } from './ratio.js';
export { carryRatio, RatioStabilizer, propagateKeyRatios, KeyframeRatioChain, blendLog, type CarriedRatio, type StabilizerOptions } from './ratio-temporal.js';
export { memoFlowPort, type TemporalPort, type FlowField, type ValidMask } from './temporal-port.js';
export { fitSize, resizeFrame } from './resample.js';
export { compositeMatte, scaleFrame, matteFromFrame, snapMatte, type BackgroundMode } from './matte.js';
export { ClassicalRelighter, classicalRatio, estimateNormals, type ClassicalOptions, type FrameAux } from './classical.js';
export { temporalEnginePort } from './temporal-adapter.js';
export { SubjectSegmenter, SELFIE_INPUT, SELFIE_OUTPUT, SELFIE_WIDTH, SELFIE_HEIGHT } from './segmentation.js';
export { resolveLighting, type ResolvedLighting } from './resolve-lighting.js';
export {
  keyframeRatio, lowFrequencyRatio, LOW_PASS, icLightDirection, rigPrompt, keyframeIndices, modelSize, IC_LIGHT_ADDED_PROMPT, IC_LIGHT_NEGATIVE,
  type IcLightPipeline, type IcLightDirection, type KeyframeRelightOptions,
} from './keyframe-relight.js';
export { rigFromSceneLight, type SceneLight } from './sample-light.js';
