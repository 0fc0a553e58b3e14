import { z } from 'zod';

/** Protocol version carried in every message as `v`. Bump on an incompatible change. */
export const PROTOCOL_VERSION = 1;
/** Messages above this size are refused with E_PROTOCOL_TOO_LARGE. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export const RationalSchema = z
  .object({ num: z.number().int().positive(), den: z.number().int().positive() })
  .strict();
export type Rational = z.infer<typeof RationalSchema>;

export const TaskNameSchema = z.enum(['copy', 'inpaint', 'extend', 'relight']);
export type TaskName = z.infer<typeof TaskNameSchema>;

export const EngineNameSchema = z.enum(['classical', 'diffusion']);
export type EngineName = z.infer<typeof EngineNameSchema>;

export const OutputFormatSchema = z.enum(['prores', 'prores4444', 'png16', 'tiff16', 'exr', 'h264']);
export type OutputFormat = z.infer<typeof OutputFormatSchema>;

export const JobStateSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobStateSchema>;

export const HostNameSchema = z.enum(['premiere', 'resolve', 'browser', 'cli', 'script']);
export type HostName = z.infer<typeof HostNameSchema>;

/** A point in normalised frame coordinates: (0,0) top-left, (1,1) bottom-right. */
export const PointSchema = z.tuple([z.number().finite(), z.number().finite()]);
