import type { ErrorCode } from '@synthetic-studio/shared';

/** The HTTP status each error code maps to (anything not listed is a 500). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  E_PROTOCOL_MALFORMED: 400,
  E_PROTOCOL_TOO_LARGE: 413,
  E_PROTOCOL_UNKNOWN_TYPE: 400,
  E_PROTOCOL_VERSION: 400,
  E_PROTOCOL_ORDER: 400,
  E_AUTH_REQUIRED: 401,
  E_AUTH_INVALID: 401,
  E_ORIGIN: 403,
  E_VALIDATION: 400,
  E_NOT_FOUND: 404,
  E_BUSY: 429,
  E_TASK_UNKNOWN: 400,
  E_ENGINE_UNSUPPORTED: 400,
  E_MODEL_REQUIRED: 400,
  E_RANGE: 400,
  E_MEDIA_MISSING: 400,
  E_MASK_MISSING: 400,
};

export function httpStatusFor(code: string): number {
  return STATUS[code as ErrorCode] ?? 500;
}
