/**
 * Diffusion engine: SD-1.5-family ONNX models on onnxruntime-node. Pure — typed arrays and
 * FloatFrames in and out; nothing here touches the server, jobs, media or the protocol.
 *
 * Typical use by a job (inpaint / extend / relight):
 *
 *   const runtime = new DiffusionRuntime({ providers: config.executionProviders });   // worker thread by default
 *   const pipe = await DiffusionPipeline.load(modelDir, runtime);                       // kind from the UNet signature
 *   pipe.kind;                                                                           // 'sd' | 'sd-inpaint' | 'ic-light-fc' | 'ic-light-fbc'
 *   pipe.model.provider;                                                                 // the execution provider that actually runs
 *
 *   // inpaint/extend keyframe (any frame size; only a window around the mask is diffused,
 *   // pixels outside mask+feather stay bit-exact):
 *   const win = planKeyframe(frame.width, frame.height, mask);                          // size initNoise / map flows to its latent grid
 *   const out = await generateKeyframe({ pipeline: pipe, image: frame, mask, prompt, seed, steps: 25, strength: 1,
 *     guidance: 7.5, scheduler: 'dpm++2m-karras', initNoise, signal,
 *     onStep: (s) => fuseLatents(s.latents, warpedPrevLatents, latentMask, 0.5) });     // return latents to replace them
 *
 *   // relight (IC-Light; tiles large plates at native scale):
 *   const lit = await relightFrame({ pipeline: pipe, image: frame, alpha, prompt: 'sunset over sea, best quality',
 *     light: 'left', seed: 12345, steps: 25, guidance: 2 });
 *
 *   // progress previews: preview: { decoder: await TinyAutoencoder.fromFolder(taesdDir, runtime), every: 2 }
 *   await runtime.dispose();
 *
 * Errors are StudioErrors: E_MODEL_MISSING, E_MODEL_SIGNATURE (precise tensor-level reasons in
 * `details.problems`), E_MODEL_CORRUPT, E_CANCELLED (AbortSignal, checked between steps),
 * E_ENGINE_UNSUPPORTED, E_VALIDATION, E_MASK_SIZE, E_MASK_EMPTY.
 * Seeds: own xoshiro128** + Box–Muller, identical on every platform (not PyTorch-identical).
 */

// runtime: sessions, providers, worker thread, fp16
export * from './runtime/types.js';
export { DiffusionRuntime } from './runtime/runtime.js';
export type { RuntimeOptions } from './runtime/runtime.js';
export { providerChain, providerWarning } from './runtime/providers.js';
export { availableProviders } from './runtime/session.js';
export type { SessionFactory } from './runtime/providers.js';
export { f32ToF16Bits, f16BitsToF32, toHalf, fromHalf } from './runtime/half.js';
export { floatFeed, idsFeed, readFloat } from './runtime/feeds.js';

// model folders, signatures, tokenizer
export { loadModelFolder, releaseModel, validateModelFolder, isTinyAutoencoderFolder, KIND_BY_CHANNELS } from './model-folder.js';
export type { LoadedModel, ModelKind, UnetInfo, LoadOptions } from './model-folder.js';
export { signatureProblems, SIGNATURES } from './signatures.js';
export type { Component } from './signatures.js';
export { ClipTokenizer } from './tokenizer.js';
export type { TokenizerOptions, EncodeResult } from './tokenizer.js';

// randomness and schedulers
export { SeededRandom, deriveSeed, zeroNoise } from './random.js';
export type { NoiseSource } from './random.js';
export { createScheduler, SCHEDULER_NAMES, DdimScheduler, DpmSolverMultistepScheduler, EulerAncestralScheduler, LcmScheduler, roundHalfEven, makeBetas, alphasCumprod, sigmasFromAlphas, karrasSigmas } from './schedulers/index.js';
export type { Scheduler, SchedulerName, StepResult, SchedulerConfig } from './schedulers/index.js';

// pipelines
export { DiffusionPipeline, compositeOverGrey, lightGradient, guidanceEmbedding } from './pipeline/diffusion-pipeline.js';
export type { StepInfo, StepCallback, SamplingOptions, Img2ImgOptions, InpaintOptions, RelightOptions, LightDirection } from './pipeline/diffusion-pipeline.js';
export { TinyAutoencoder } from './pipeline/tiny-autoencoder.js';
export type { TinyAutoencoderOptions } from './pipeline/tiny-autoencoder.js';
export { generateKeyframe, planKeyframe, relightFrame } from './pipeline/keyframe.js';
export type { KeyframeRequest, KeyframeStepInfo, RelightRequest } from './pipeline/keyframe.js';
export { planContextWindow, workingSize, featherWeights, pasteFeathered, planTiles, processTiled, toWindow, fromWindow } from './pipeline/regions.js';
export type { ContextWindow, WindowOptions, TileOptions, Rect } from './pipeline/regions.js';

// temporal hooks and pixel helpers
export { warpNoise, integralNoiseWarp, warpLatents, fuseLatents, flowToLatent } from './pipeline/temporal-hooks.js';
export { frameToPlanes, planesToFrame, resizeFrame, maskToLatent, dilateMask, maskBounds, cropFrame, boxBlur } from './pipeline/image-ops.js';
export type { PixelRange } from './pipeline/image-ops.js';
