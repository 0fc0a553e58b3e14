import path from 'node:path';
import type { Request } from 'express';
import { StudioError } from '@synthetic-studio/shared';

/** A required string query parameter. */
export function queryString(req: Request, name: string): string {
  const v = req.query[name];
  if (typeof v !== 'string' || v.length === 0) throw new StudioError('E_VALIDATION', `Query parameter "${name}" is required.`, { field: name });
  return v;
}

/** An optional integer query parameter within [min, max]. */
export function queryInt(req: Request, name: string, fallback: number, min: number, max: number): number {
  const v = req.query[name];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new StudioError('E_VALIDATION', `Query parameter "${name}" must be an integer from ${min} to ${max}.`, { field: name });
  return n;
}

/** Paths from the panel must be absolute (the bridge's working folder means nothing to a user). */
export function absolutePath(p: string, field = 'path'): string {
  if (!path.isAbsolute(p)) throw new StudioError('E_VALIDATION', `"${field}" must be an absolute path on the bridge machine.`, { field });
  return path.resolve(p);
}
