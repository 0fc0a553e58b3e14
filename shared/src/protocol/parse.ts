import type { z } from 'zod';
import { StudioError } from '../errors.js';
import { MAX_MESSAGE_BYTES } from './common.js';
import { JobRequestSchema, type JobRequest } from './job-request.js';
import { CLIENT_MESSAGE_TYPES, ClientMessageSchema, type ClientMessage } from './messages.js';
import { PROTOCOL_VERSION } from './common.js';

/** Turn zod issues into a compact, path-named detail list. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
}

/** Validate a job request from any boundary (CLI, HTTP, websocket, sidecar). */
export function parseJobRequest(input: unknown): JobRequest {
  const r = JobRequestSchema.safeParse(input);
  if (!r.success) {
    const issues = describeIssues(r.error);
    throw new StudioError('E_VALIDATION', `Invalid job request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return r.data;
}

/**
 * Decode one raw websocket frame into a client message, or throw a StudioError with the code the
 * peer should see. Order of checks: size, JSON, envelope (version, type), then schema.
 */
export function parseClientMessage(raw: string | Uint8Array): ClientMessage {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
  if (size > MAX_MESSAGE_BYTES) throw new StudioError('E_PROTOCOL_TOO_LARGE', `Message of ${size} bytes exceeds the ${MAX_MESSAGE_BYTES}-byte limit.`, { size });
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
  } catch {
    throw new StudioError('E_PROTOCOL_MALFORMED', 'Message is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StudioError('E_PROTOCOL_MALFORMED', 'Message must be a JSON object.');
  const env = value as { v?: unknown; type?: unknown };
  if (env.v !== PROTOCOL_VERSION) throw new StudioError('E_PROTOCOL_VERSION', `Protocol version ${JSON.stringify(env.v)} is not supported; this bridge speaks v${PROTOCOL_VERSION}.`, { supported: PROTOCOL_VERSION });
  if (typeof env.type !== 'string' || !(CLIENT_MESSAGE_TYPES as string[]).includes(env.type)) throw new StudioError('E_PROTOCOL_UNKNOWN_TYPE', `Unknown message type ${JSON.stringify(env.type)}.`, { known: CLIENT_MESSAGE_TYPES });
  const r = ClientMessageSchema.safeParse(value);
  if (!r.success) {
    const issues = describeIssues(r.error);
    throw new StudioError(env.type === 'job.submit' ? 'E_VALIDATION' : 'E_PROTOCOL_MALFORMED', `Invalid ${env.type} message: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return r.data;
}
