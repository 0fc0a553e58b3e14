import { z } from 'zod';
import { EngineNameSchema, HostNameSchema, OutputFormatSchema, RationalSchema } from './common.js';
import { MaskSpecSchema } from './mask.js';

/** The clip and range a job reads. Range is half-open [in, out) in source frames. */
export const SourceSchema = z
  .object({
    path: z.string().min(1).max(4096),
    in: z.number().int().nonnegative().optional(),
    out: z.number().int().positive().optional(),
    /** The host's idea of the source rate; the bridge cross-checks it with the probe. */
    fps: RationalSchema.optional(),
    timecode: z.string().optional(),
  })
  .strict()
  .refine((s) => s.in === undefined || s.out === undefined || s.in < s.out, { message: 'in must be below out', path: ['in'] });

/** Where the host wants the result placed (informational for the bridge; the host places it). */
export const PlacementSchema = z
  .object({
    host: HostNameSchema,
    track: z.number().int().nonnegative().optional(),
    /** Timeline start of the source clip: Premiere ticks as a decimal string, or a Resolve record frame. */
    start: z.union([z.string().regex(/^\d+$/), z.number().int()]).optional(),
    sequenceFps: RationalSchema.optional(),
  })
  .strict();

export const OutputOptionsSchema = z
  .object({
    format: OutputFormatSchema.default('prores'),
    /** Folder for the result; default is beside the source media. */
    dir: z.string().min(1).optional(),
    /** Exact output path (file for movies, folder for sequences); must not exist. */
    path: z.string().min(1).optional(),
    /** Bit depth for formats that offer a choice. */
    bitDepth: z.union([z.literal(8), z.literal(10), z.literal(12), z.literal(16)]).optional(),
    audio: z.boolean().default(true),
  })
  .strict();

const MaskTuning = {
  /** Grow the mask by this many pixels (at source resolution) before editing. */
  dilate: z.number().int().min(0).max(256).default(4),
  /** Soft edge width in pixels outside the dilated mask. */
  feather: z.number().int().min(0).max(256).default(2),
};

/** Diffusion schedulers a job may ask for (inpaint, extend). */
export const SchedulerNameSchema = z.enum(['ddim', 'euler-a', 'dpmpp-2m', 'dpmpp-2m-karras', 'lcm']);
export type SchedulerNameParam = z.infer<typeof SchedulerNameSchema>;

export const CopyParamsSchema = z.object({}).strict();

export const InpaintParamsSchema = z
  .object({
    ...MaskTuning,
    /** Frames between diffusion keyframes. */
    keyframeSpacing: z.number().int().min(1).max(1000).default(12),
    strength: z.number().min(0).max(1).default(1),
    steps: z.number().int().min(1).max(200).default(25),
    guidance: z.number().min(0).max(30).default(7.5),
    scheduler: SchedulerNameSchema.default('dpmpp-2m-karras'),
    negativePrompt: z.string().max(2000).optional(),
  })
  .strict();

export const ExtendParamsSchema = z
  .object({
    ...MaskTuning,
    /**
     * spatial: grow the new border this many pixels into the picture. 0 by default: the border is
     * exact (no mask edge to cover), and a wider hole only trades sharp source pixels for fill.
     */
    dilate: z.number().int().min(0).max(256).default(0),
    mode: z.enum(['temporal', 'spatial']).default('temporal'),
    /** temporal: number of new frames. */
    frames: z.number().int().min(1).max(10000).optional(),
    direction: z.enum(['after', 'before']).default('after'),
    /** spatial: target aspect "W:H" or size. */
    aspect: z.string().regex(/^\d+(\.\d+)?:\d+(\.\d+)?$/).optional(),
    size: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).strict().optional(),
    anchor: z.enum(['center', 'left', 'right', 'top', 'bottom', 'top-left', 'top-right', 'bottom-left', 'bottom-right']).default('center'),
    /**
     * Diffusion engine: temporal = img2img strength of the refinement of each new frame (default
     * 0.35); spatial = inpaint strength of the invented border (default 1, as inpaint).
     */
    strength: z.number().min(0).max(1).optional(),
    steps: z.number().int().min(1).max(200).default(20),
    guidance: z.number().min(0).max(30).default(7.5),
    /** Diffusion engine; default dpmpp-2m (temporal refinement) or dpmpp-2m-karras (spatial, as inpaint). */
    scheduler: SchedulerNameSchema.optional(),
    negativePrompt: z.string().max(2000).optional(),
    keyframeSpacing: z.number().int().min(1).max(1000).default(12),
  })
  .strict();

export const RelightParamsSchema = z
  .object({
    /** Light rig spec, e.g. "preset:golden-hour" or "key:az=-60,el=30,k=3200,i=1.2;rim:az=150,rgb=0.5/0.7/1". */
    light: z.string().max(2000).optional(),
    /** What to do outside the subject matte. */
    background: z.enum(['keep', 'dim', 'relight']).default('relight'),
    /** Multiply applied to the background when background = dim. */
    backgroundDim: z.number().min(0).max(1).default(0.6),
    strength: z.number().min(0).max(2).default(1),
    keyframeSpacing: z.number().int().min(1).max(1000).default(12),
    steps: z.number().int().min(1).max(200).default(25),
    guidance: z.number().min(0).max(30).default(2),
    /** Automatic subject matte when a segmentation model is installed and no mask is given. */
    autoMatte: z.boolean().default(false),
  })
  .strict();

const RequestBase = {
  engine: EngineNameSchema.default('classical'),
  /** Installed model name or a model folder (diffusion engine). */
  model: z.string().min(1).max(4096).optional(),
  source: SourceSchema,
  placement: PlacementSchema.optional(),
  prompt: z.string().max(4000).optional(),
  mask: MaskSpecSchema.optional(),
  output: OutputOptionsSchema.default({}),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  /** Higher runs first; ties run in submission order. */
  priority: z.number().int().min(-100).max(100).default(0),
};

/**
 * The one request type: the websocket, the HTTP API, the CLI and the sidecar JSON all carry it,
 * and nothing about a job lives anywhere else.
 */
export const JobRequestSchema = z.discriminatedUnion('task', [
  z.object({ task: z.literal('copy'), ...RequestBase, params: CopyParamsSchema.default({}) }).strict(),
  z.object({ task: z.literal('inpaint'), ...RequestBase, params: InpaintParamsSchema.default({}) }).strict(),
  z.object({ task: z.literal('extend'), ...RequestBase, params: ExtendParamsSchema.default({}) }).strict(),
  z.object({ task: z.literal('relight'), ...RequestBase, params: RelightParamsSchema.default({}) }).strict(),
]);

/** A validated request with every default filled in. */
export type JobRequest = z.infer<typeof JobRequestSchema>;
/** What a client may send (defaults optional). */
export type JobRequestInput = z.input<typeof JobRequestSchema>;
export type RequestOf<T extends JobRequest['task']> = Extract<JobRequest, { task: T }>;
