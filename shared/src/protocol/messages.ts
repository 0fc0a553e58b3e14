import { z } from 'zod';
import { EngineNameSchema, HostNameSchema, PROTOCOL_VERSION, TaskNameSchema } from './common.js';
import { JobRequestSchema } from './job-request.js';
import { ErrorPayloadSchema, JobOutputSchema, JobRecordSchema, ProgressSchema } from './job-record.js';

const V = z.literal(PROTOCOL_VERSION);
/** Correlation id a client may attach; replies echo it as `replyTo`. */
const Id = z.string().max(128).optional();

export const ModelInfoSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['sd', 'sd-inpaint', 'ic-light-fc', 'taesd', 'segmentation', 'depth', 'other']),
    path: z.string(),
    installed: z.boolean(),
    sizeBytes: z.number().nonnegative().optional(),
  })
  .strict();
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

export const CapabilitiesSchema = z
  .object({
    server: z.object({ name: z.string(), version: z.string() }).strict(),
    protocol: z.number().int(),
    tasks: z.array(z.object({ name: TaskNameSchema, engines: z.array(EngineNameSchema), label: z.string() }).strict()),
    executionProviders: z.array(z.string()),
    models: z.array(ModelInfoSchema),
    formats: z.array(z.string()),
    limits: z.object({ maxPixels: z.number().int().positive(), maxMessageBytes: z.number().int().positive() }).strict(),
  })
  .strict();
export type Capabilities = z.infer<typeof CapabilitiesSchema>;

// ---- client → bridge -------------------------------------------------------------------
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ v: V, type: z.literal('hello'), id: Id, token: z.string().max(256).optional(), client: z.object({ name: z.string().max(100), version: z.string().max(50), host: HostNameSchema }).strict() }).strict(),
  z.object({ v: V, type: z.literal('pair'), id: Id, code: z.string().min(4).max(16) }).strict(),
  z.object({ v: V, type: z.literal('capabilities.get'), id: Id }).strict(),
  z.object({ v: V, type: z.literal('job.submit'), id: Id, request: JobRequestSchema }).strict(),
  z.object({ v: V, type: z.literal('job.cancel'), id: Id, jobId: z.string().max(128) }).strict(),
  z.object({ v: V, type: z.literal('jobs.list'), id: Id }).strict(),
  z.object({ v: V, type: z.literal('models.list'), id: Id }).strict(),
  z.object({ v: V, type: z.literal('ping'), id: Id }).strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type ClientMessageInput = z.input<typeof ClientMessageSchema>;
export const CLIENT_MESSAGE_TYPES = ClientMessageSchema.options.map((o) => o.shape.type.value);

// ---- bridge → client -------------------------------------------------------------------
const R = z.string().max(128).optional();
export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ v: V, type: z.literal('welcome'), replyTo: R, authenticated: z.boolean(), capabilities: CapabilitiesSchema.optional() }).strict(),
  z.object({ v: V, type: z.literal('paired'), replyTo: R, token: z.string() }).strict(),
  z.object({ v: V, type: z.literal('capabilities'), replyTo: R, capabilities: CapabilitiesSchema }).strict(),
  z.object({ v: V, type: z.literal('job.accepted'), replyTo: R, jobId: z.string(), position: z.number().int().nonnegative(), request: JobRequestSchema }).strict(),
  z.object({ v: V, type: z.literal('job.state'), replyTo: R, jobId: z.string(), state: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']) }).strict(),
  z.object({ v: V, type: z.literal('job.progress'), jobId: z.string(), progress: ProgressSchema }).strict(),
  z.object({ v: V, type: z.literal('job.result'), jobId: z.string(), outputs: z.array(JobOutputSchema), metrics: z.record(z.number()), notes: z.array(z.string().max(2000)).max(20).optional(), seconds: z.number().nonnegative() }).strict(),
  z.object({ v: V, type: z.literal('job.error'), replyTo: R, jobId: z.string().optional(), error: ErrorPayloadSchema }).strict(),
  z.object({ v: V, type: z.literal('jobs'), replyTo: R, jobs: z.array(JobRecordSchema) }).strict(),
  z.object({ v: V, type: z.literal('models'), replyTo: R, models: z.array(ModelInfoSchema) }).strict(),
  z.object({ v: V, type: z.literal('pong'), replyTo: R }).strict(),
  z.object({ v: V, type: z.literal('error'), replyTo: R, error: ErrorPayloadSchema }).strict(),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export const SERVER_MESSAGE_TYPES = ServerMessageSchema.options.map((o) => o.shape.type.value);

/** Build a server message without repeating the version everywhere. */
export function serverMessage<T extends ServerMessage['type']>(type: T, body: Omit<Extract<ServerMessage, { type: T }>, 'v' | 'type'>): Extract<ServerMessage, { type: T }> {
  return { v: PROTOCOL_VERSION, type, ...body } as Extract<ServerMessage, { type: T }>;
}
