/**
 * Stable error codes, defined once. Every failure that reaches a user (panel, CLI, HTTP, logs)
 * carries one of these codes plus a sentence that says what to do.
 */
export const ERROR_CODES = {
  // protocol / transport
  E_PROTOCOL_MALFORMED: 'The message is not valid JSON or does not match the protocol schema.',
  E_PROTOCOL_TOO_LARGE: 'The message is larger than the 1 MiB limit; send media by path, not inline.',
  E_PROTOCOL_UNKNOWN_TYPE: 'The message type is not known to this bridge; update the panel or the bridge.',
  E_PROTOCOL_VERSION: 'The panel and the bridge speak different protocol versions; update the older one.',
  E_PROTOCOL_ORDER: 'Messages arrived out of order: say hello (with the token) before anything else.',
  E_AUTH_REQUIRED: 'The bridge needs its access token; pair the panel with the code the bridge prints.',
  E_AUTH_INVALID: 'The access token or pairing code is wrong; pair again with the code the bridge prints.',
  E_ORIGIN: 'This web origin may not talk to the bridge; add it to allowedOrigins in the config if you trust it.',
  E_VALIDATION: 'The request is not valid; see details for the field at fault.',
  E_NOT_FOUND: 'No such job or resource.',
  E_BUSY: 'The bridge is busy; try again shortly.',
  // media
  E_MEDIA_MISSING: 'The media file does not exist; check the path (and that the drive is mounted).',
  E_MEDIA_EMPTY: 'The media file is empty (0 bytes); re-export or re-copy it.',
  E_MEDIA_CORRUPT: 'The media file cannot be read (truncated or corrupt); re-export it.',
  E_MEDIA_NO_VIDEO: 'The file has no video stream (audio only?); pick a video clip.',
  E_MEDIA_STILL: 'The file is a still image, not a clip; use an image sequence or a movie.',
  E_MEDIA_VFR: 'This clip is variable frame rate; conform it to a constant rate first (e.g. transcode to ProRes at the project rate), or ask for conform.',
  E_MEDIA_TOO_LARGE: 'The frame size is above the configured limit; raise maxPixels in the config or downscale first.',
  E_MEDIA_PIXFMT: 'The pixel format is not supported; transcode to ProRes or H.264 first.',
  E_RANGE: 'The in/out range is invalid: in must be below out and both inside the clip.',
  // masks
  E_MASK_MISSING: 'The mask file does not exist.',
  E_MASK_SIZE: 'The mask size does not match the source and its aspect ratio differs, so it cannot be scaled.',
  E_MASK_FRAMES: 'The mask has a different number of frames than the range.',
  E_MASK_FPS: 'The mask movie has a different frame rate than the source.',
  E_MASK_CHANNEL: 'The mask channel is ambiguous or empty; choose luma or alpha explicitly.',
  E_MASK_EMPTY: 'The mask is empty: nothing is selected.',
  // engines / models
  E_MODEL_MISSING: 'The model is not installed; run `synthetic-studio models list` and install one.',
  E_MODEL_REQUIRED: 'This needs a diffusion model: the classical engine cannot invent content from a prompt.',
  E_MODEL_SIGNATURE: 'The model does not have the expected inputs/outputs; it is not a supported export.',
  E_MODEL_CORRUPT: 'A model file fails its hash or cannot be parsed; run `synthetic-studio models repair`.',
  E_PROVIDER: 'The requested execution provider is unavailable; the bridge fell back to another.',
  E_ENGINE_UNSUPPORTED: 'That engine cannot run this task.',
  E_TASK_UNKNOWN: 'The task is not known to this bridge.',
  // hosts (panel adapters)
  E_HOST_UNAVAILABLE: 'The editing application cannot be reached; open the panel from inside it (Resolve: Workspace → Workflow Integrations).',
  E_HOST_TIMEOUT: 'The editing application did not answer in time; close any open dialog in it and try again.',
  E_HOST_REFUSED: 'The editing application refused the operation; see the message for what to change.',
  // jobs / output
  E_CANCELLED: 'The job was cancelled.',
  E_OUTPUT: 'The output could not be written; check the output folder exists and is writable.',
  E_DISK: 'Not enough free disk space for the output.',
  E_FFMPEG: 'ffmpeg failed; see details for its message.',
  E_INTERNAL: 'An internal error occurred; the log has details.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** An error as a value: stable code, a sentence for people, structured details for tools. */
export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_CODES[code]);
    this.name = 'StudioError';
    this.code = code;
    this.details = details;
  }
  /** The remedy sentence for this code. */
  get hint(): string {
    return ERROR_CODES[this.code];
  }
  toJSON(): { code: ErrorCode; message: string; hint: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, hint: this.hint, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isStudioError(e: unknown): e is StudioError {
  return e instanceof StudioError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'StudioError' && typeof (e as { code?: unknown }).code === 'string');
}

/** Wrap anything thrown into a StudioError (unknown errors become E_INTERNAL). */
export function toStudioError(e: unknown): StudioError {
  if (isStudioError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof Error && e.name === 'AbortError') return new StudioError('E_CANCELLED');
  return new StudioError('E_INTERNAL', message);
}
