import { z } from 'zod';
import { JobStateSchema, RationalSchema } from './common.js';
import { JobRequestSchema } from './job-request.js';

/** One written result. `path` is a movie file or a folder of numbered frames. */
export const JobOutputSchema = z
  .object({
    path: z.string(),
    kind: z.enum(['movie', 'sequence', 'sidecar', 'contact-sheet']),
    frames: z.number().int().nonnegative(),
    fps: RationalSchema,
    timecode: z.string(),
    /** First source frame the output corresponds to (extend: first new frame index). */
    firstFrame: z.number().int().optional(),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    sidecar: z.string().optional(),
  })
  .strict();
export type JobOutput = z.infer<typeof JobOutputSchema>;

export const ErrorPayloadSchema = z
  .object({ code: z.string(), message: z.string(), hint: z.string().optional(), details: z.record(z.unknown()).optional() })
  .strict();
export type ErrorPayload = z.infer<typeof ErrorPayloadSchema>;

export const ProgressSchema = z
  .object({
    phase: z.string(),
    done: z.number().nonnegative(),
    total: z.number().nonnegative(),
    /** Seconds left, when it can be estimated. */
    eta: z.number().nonnegative().optional(),
    /** Small JPEG, base64. */
    preview: z.string().max(200_000).optional(),
  })
  .strict();
export type Progress = z.infer<typeof ProgressSchema>;

/** The durable record of a job, as the store keeps it and `jobs.list` returns it. */
export const JobRecordSchema = z
  .object({
    id: z.string(),
    state: JobStateSchema,
    request: JobRequestSchema,
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    progress: ProgressSchema.optional(),
    outputs: z.array(JobOutputSchema).default([]),
    metrics: z.record(z.number()).default({}),
    /** Plain sentences for the user about how the job read the request (e.g. prompt → light rig). */
    notes: z.array(z.string().max(2000)).max(20).default([]),
    error: ErrorPayloadSchema.optional(),
    /** How many times the job was resumed after a crash. */
    resumes: z.number().int().nonnegative().default(0),
  })
  .strict();
export type JobRecord = z.infer<typeof JobRecordSchema>;
