/**
 * Media layer: the only place that spawns ffmpeg or knows about codecs, pixel formats and
 * timecode tracks. Everything else sees FloatFrames ([0,1] interleaved float32) and exact rational
 * frame rates. Ranges are half-open [in, out) in SOURCE frame indices everywhere. ffmpeg is always
 * spawned with argument arrays (never a shell) and absolute paths (a name starting with `-` can
 * never be read as an option).
 *
 * Public API (signatures):
 *   resolveFfmpeg(): FfmpegCapabilities        { ffmpeg, ffprobe: {path, version, source: env|config|system|npm}, encoders: {prores, png, tiff, exr, h264}, missing[] }
 *                                              precedence FFMPEG_PATH/FFPROBE_PATH > configureFfmpeg() > system on PATH (if not older) > npm
 *   configureFfmpeg({ ffmpegPath?, ffprobePath? }): void
 *   probeMedia(path, { maxPixels? = DEFAULT_MAX_PIXELS (8192*4320), scanPackets? = true, signal? }): Promise<MediaInfo>
 *       E_MEDIA_MISSING | E_MEDIA_EMPTY | E_MEDIA_CORRUPT (truncated: no moov) | E_MEDIA_NO_VIDEO | E_MEDIA_STILL | E_MEDIA_TOO_LARGE | E_MEDIA_PIXFMT
 *   resolveRange(info, in?, out?): FrameRange    E_RANGE naming the numbers
 *   readFrames(path, { in?, out?, channels?: 3|4, info?, signal?, conformFps?: Rational|'average', maxPixels? }): AsyncGenerator<{ index, frame: FloatFrame }>
 *       streaming (flat memory), frame-accurate seek, E_MEDIA_VFR unless conformFps is given
 *   readRawFrames(path, { ...same, byteOrder?: 'le'|'be' }): AsyncGenerator<RawFrame>   16-bit samples, the lossless fast path (copy)
 *   readFrame(path, index, opts?): Promise<FloatFrame>
 *   toLinear(frame, transfer) / fromLinear(frame, transfer): FloatFrame   srgb, bt709 (=smpte170m, bt2020-10/12), bt1886, gamma22/24/28, linear; alpha untouched
 *   loadMask(spec: MaskSpec, { info, range, dilate?, feather?, signal? }): Promise<MaskSource>
 *       MaskSource = { kind: 'per-frame', range, get(i): Promise<FloatFrame>, close() } | { kind: 'single', range, frame, mask, close() }
 *       E_MASK_MISSING | E_MASK_SIZE | E_MASK_FRAMES | E_MASK_FPS | E_MASK_CHANNEL | E_MASK_EMPTY
 *   rasterizeShapes(shapes, width, height): FloatFrame        antialiased, normalised coords, erase
 *   dilateMask(mask, px) / featherMask(mask, px) / resizeMask(mask, w, h) / maskDistance(mask): pure, single channel
 *   fitMaskToSource(mask, info, name): FloatFrame             scale only when the aspect matches, else E_MASK_SIZE
 *   readPngIndices(bytes) / decodePng(bytes) / encodePng(samples, w, h, channels, 8|16)
 *   createOutputWriter(opts: OutputWriterOptions): Promise<OutputWriter>
 *       OutputWriter: firstFrame, frameCount, has(i), missing(), write(i, FloatFrame), writeRaw(i, bigEndian16), passThrough({ channels, onSegment? }): Promise<number>,
 *                     finalize(Provenance): Promise<JobOutput[]>, abort({ purge? })
 *       formats: prores (422 HQ 10-bit; 4444 with alpha), prores4444, png16, tiff16 (numbered by source frame), exr (built-in OpenEXR writer, any ffmpeg), h264 (.mp4 preview)
 *       checkpoints: encoded segments of the output format in <workDir>/segments (fixed 48-frame boundaries, fewer above 1080p;
 *       SYNTHETIC_STUDIO_SEGMENT_FRAMES), out-of-order/small/slow frames also as per-frame PNGs in <workDir>/frames; movies = the
 *       segments joined by stream copy; sequences = the segments' files; sequence audio as <name>.wav (SegmentStore, segment-store.ts)
 *       names <clip>_<task>_vNNN(.mov|.mp4|/) + <same>.json sidecar, beside the source by default
 *   renderSampleScene({ dir, width=320, height=180, frames=24, fps=24/1, bitDepth=10, codec='prores'|'h264'|'png16', startTimecode?, seed? }): Promise<SampleMeta>
 *       meta.json keys: clip, clean, mask, relit, frames, fps, width, height, motion, lights {a, b}, albedo, heightField, heightScale, ...
 *   sampleCameraOffset(t): { x, y }; SAMPLE_LIGHT_A / SAMPLE_LIGHT_B
 *   createStreamEncoder(opts): StreamEncoder                  raw 16-bit frames → any output format, no temp files
 *   frameHash(frame) / hashSamplesBE(w, h, c, be): string      sha256 over big-endian 16-bit samples (sidecars)
 *   writeFileAtomic(path, data, fsync = true)
 *   encodeExr(frame: FloatFrame, opts?: ExrEncodeOptions): Uint8Array            built-in OpenEXR writer (any ffmpeg): single-part scanline,
 *   encodeExrFrom16BE(be, width, height, channels: 1|3|4, opts?): Uint8Array      HALF|FLOAT, ZIP|NONE, chromaticities, timeCode, framesPerSecond;
 *       opts { pixelType?, compression?, zipLevel?, timecode?, timecodeOffset?, dropFrame?, fps?, color?: ColorInfo, linearize? = false, pixelAspect?, owner?, comments? }
 *   encodeExrAsync / encodeExrFrom16BEAsync(...same): Promise<Uint8Array>          identical bytes, zlib on the thread pool (event loop stays free)
 *   readExrHeader(bytes): ExrHeaderInfo                                         attributes + line offset table (E_MEDIA_CORRUPT)
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
export { createOutputWriter } from './output-writer.js';
export { writeFileAtomic } from './atomic-file.js';
export { frameHash, frameToUint16, hashSamplesBE } from './frame-quantize.js';
export { decodePng, encodePng16, readPngIndices, type DecodedPng } from './png-codec.js';
export { renderSampleScene, sampleCameraOffset, SAMPLE_LIGHT_A, SAMPLE_LIGHT_B } from './sample-scene.js';
export { createStreamEncoder, type StreamEncoder, type StreamEncoderOptions } from './encode-stream.js';
export { encodePng } from './png-codec.js';
export { loadMask, fitMaskToSource } from './masks.js';
export { dilateMask, featherMask, resizeMask, maskDistance, isMaskEmpty } from './mask-ops.js';
export { rasterizeShapes } from './mask-shapes.js';
export { chooseMaskChannel, type MaskChannel } from './mask-image.js';
export { encodeExr, encodeExrAsync, encodeExrFrom16BE, encodeExrFrom16BEAsync, type ExrEncodeOptions } from './exr-encode.js';
export { readExrHeader, type ExrHeaderInfo, type ExrChannel, type ExrAttributeValue } from './exr-header.js';
export { packExrTimecode, unpackExrTimecode, type ExrTimecode } from './exr-timecode.js';
export { chromaticitiesFor, type ExrChromaticities } from './exr-chromaticities.js';
