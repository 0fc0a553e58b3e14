import { z } from 'zod';
import { PointSchema } from './common.js';

/** Vector shapes in normalised coordinates; the bridge rasterises them (UXP canvas cannot). */
export const MaskShapeSchema = z.discriminatedUnion('shape', [
  z.object({ shape: z.literal('rect'), x: z.number(), y: z.number(), w: z.number().nonnegative(), h: z.number().nonnegative(), erase: z.boolean().optional() }).strict(),
  z.object({ shape: z.literal('ellipse'), cx: z.number(), cy: z.number(), rx: z.number().nonnegative(), ry: z.number().nonnegative(), erase: z.boolean().optional() }).strict(),
  z.object({ shape: z.literal('polygon'), points: z.array(PointSchema).min(3).max(10000), erase: z.boolean().optional() }).strict(),
  /** A brush stroke: a polyline swept by a disc of `radius` (normalised to frame width). */
  z.object({ shape: z.literal('stroke'), points: z.array(PointSchema).min(1).max(20000), radius: z.number().positive(), erase: z.boolean().optional() }).strict(),
]);
export type MaskShape = z.infer<typeof MaskShapeSchema>;

export const MaskChannelSchema = z.enum(['auto', 'luma', 'alpha']);

/**
 * Where the edit region comes from. `frame` is the source frame a single-frame mask was painted
 * on; a single-frame mask is tracked through the range unless `track` is false (then it is held).
 */
export const MaskSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('file'),
    /** A PNG (single frame), a folder of numbered PNGs, or a movie. */
    path: z.string().min(1),
    channel: MaskChannelSchema.default('auto'),
    /** For palette PNGs with instance ids: keep only this id (default: any id > 0). */
    id: z.number().int().positive().optional(),
    frame: z.number().int().nonnegative().optional(),
    track: z.boolean().default(true),
  }).strict(),
  z.object({
    kind: z.literal('shapes'),
    shapes: z.array(MaskShapeSchema).min(1).max(1000),
    frame: z.number().int().nonnegative(),
    track: z.boolean().default(true),
  }).strict(),
]);
export type MaskSpec = z.infer<typeof MaskSpecSchema>;
export type MaskSpecInput = z.input<typeof MaskSpecSchema>;
