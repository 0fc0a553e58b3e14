/**
 * Media layer: the only place that spawns ffmpeg or knows about codecs, pixel formats and
 * timecode tracks. Everything else sees FloatFrames ([0,1] interleaved float32) and exact rational
 * frame rates. Ranges are half-open [in, out) in SOURCE frame indices everywhere.
 *
 * Public API (signatures):
 *   resolveFfmpeg(): FfmpegCapabilities                        which ffmpeg/ffprobe (env > config > newer system > npm), encoders, missing
 *   configureFfmpeg({ ffmpegPath?, ffprobePath? }): void        config-file paths (env vars still win)
 *   probeMedia(path, { maxPixels?, scanPackets?, signal? }): Promise<MediaInfo>
 *   resolveRange(info, in?, out?): FrameRange                  E_RANGE naming the numbers
 *   readFrames(path, { in?, out?, channels?: 3|4, info?, signal?, conformFps? }): AsyncGenerator<{ index, frame }>
 *   readFrame(path, index, opts?): Promise<FloatFrame>
 *   readRawFrames(path, { ...same, byteOrder?: 'le'|'be' }): AsyncGenerator<RawFrame>   16-bit fast path (copy)
 *   toLinear(frame, transfer) / fromLinear(frame, transfer): FloatFrame     (srgb, bt709, bt1886, gamma22/24/28, linear; ffmpeg names ok)
 *   loadMask(spec: MaskSpec, { info, range, dilate?, feather?, signal? }): Promise<MaskSource>
 *   rasterizeShapes(shapes, width, height): FloatFrame          antialiased, normalised coords, erase supported
 *   dilateMask(mask, px): FloatFrame / featherMask(mask, px): FloatFrame     pure, single-channel
 *   readPngIndices(bytes): { width, height, indices, palette } palette PNG instance ids
 *   createOutputWriter(opts: OutputWriterOptions): Promise<OutputWriter>    has/missing/write/writeRaw/finalize/abort
 *   renderSampleScene(opts: SampleSceneOptions): Promise<SampleMeta>        deterministic scene + ground truth
 *   frameHash(frame): string                                    sha256 of the 16-bit quantised frame (sidecars)
 */
export type { MediaInfo, ColorInfo, AudioStreamInfo, ProbeOptions, FrameRange, DecodedFrame, ReadFramesOptions, FfmpegBinary, FfmpegCapabilities } from './types.js';
export type { MaskSource, LoadMaskOptions } from './mask-types.js';
export type { OutputWriter, OutputWriterOptions, Provenance } from './output-types.js';
export type { SampleMeta, SampleSceneOptions, SampleLight } from './sample-types.js';
export { resolveFfmpeg, configureFfmpeg, type FfmpegConfig } from './ffmpeg-binaries.js';
export { probeMedia, DEFAULT_MAX_PIXELS } from './probe.js';
export { resolveRange } from './range.js';
export { readFrames, readFrame, readRawFrames, vfrAdvice, type RawFrame } from './decode.js';
export { toLinear, fromLinear, transferName, type TransferName } from './color-transfer.js';
export { createOutputWriter, writeFileAtomic } from './output-writer.js';
export { frameHash, frameToUint16, hashSamplesBE } from './frame-quantize.js';
export { decodePng, encodePng16, readPngIndices, type DecodedPng } from './png-codec.js';
export { renderSampleScene, sampleCameraOffset, SAMPLE_LIGHT_A, SAMPLE_LIGHT_B } from './sample-scene.js';
export { createStreamEncoder, type StreamEncoder, type StreamEncoderOptions } from './encode-stream.js';
export { encodePng } from './png-codec.js';
export { loadMask, fitMaskToSource } from './masks.js';
export { dilateMask, featherMask, resizeMask, maskDistance, isMaskEmpty } from './mask-ops.js';
export { rasterizeShapes } from './mask-shapes.js';
export { chooseMaskChannel, type MaskChannel } from './mask-image.js';
