import { ERROR_CODES, type ErrorCode } from '../errors.js';

/** What the panel shows for a failure: what happened, and what to do about it. */
export interface PlainError {
  code: string;
  /** What happened, in plain words. */
  title: string;
  /** The fix. */
  fix: string;
  /** The bridge's own message, for the curious (may repeat the title). */
  detail?: string;
}

/** The command that starts the bridge; shown whenever the panel cannot reach it. */
export const START_COMMAND = 'npx synthetic-studio serve';

// Editor-facing wording for the codes people actually meet; every other code falls back to the
// remedy sentence defined once in shared/src/errors.ts.
const PANEL_TEXT: Partial<Record<ErrorCode | 'E_BRIDGE_OFFLINE' | 'E_NO_SELECTION', [string, string]>> = {
  E_BRIDGE_OFFLINE: ['The Synthetic Studio bridge is not running.', `Start it with \`${START_COMMAND}\` in a terminal; the panel connects by itself.`],
  E_NO_SELECTION: ['No clip is selected.', 'Select one clip on the timeline (or pick a media file) and try again.'],
  E_AUTH_REQUIRED: ['The panel is not paired with the bridge yet.', 'Enter the pairing code the bridge printed when it started.'],
  E_AUTH_INVALID: ['That pairing code or token is wrong (or expired).', 'Enter the code the bridge prints now; restart the bridge to get a new one.'],
  E_ORIGIN: ['The bridge refused this panel’s origin.', 'Add the origin to allowedOrigins in the bridge config if you trust it.'],
  E_PROTOCOL_VERSION: ['The panel and the bridge are different versions.', 'Update the older one so both match.'],
  E_MEDIA_VFR: ['This clip is variable frame rate.', 'Conform it to a constant frame rate first (e.g. transcode to ProRes at the project rate).'],
  E_MEDIA_MISSING: ['The source media file cannot be found.', 'Check the path and that the drive is mounted, or relink the clip.'],
  E_MEDIA_CORRUPT: ['The source media cannot be read.', 'Re-export or re-copy the clip.'],
  E_MEDIA_NO_VIDEO: ['The selected item has no video.', 'Pick a video clip.'],
  E_MEDIA_STILL: ['The selected item is a still image.', 'Use a movie or an image sequence.'],
  E_MEDIA_TOO_LARGE: ['The frame size is above the bridge’s limit.', 'Raise maxPixels in the bridge config or use a smaller proxy.'],
  E_RANGE: ['The in/out range is not valid.', 'Set an in point before the out point, both inside the clip.'],
  E_MASK_EMPTY: ['The mask is empty.', 'Paint over the area to remove before you generate.'],
  E_MODEL_MISSING: ['The chosen model is not installed.', 'Run `synthetic-studio models list` and install one, or pick the classical engine.'],
  E_MODEL_REQUIRED: ['A prompt needs a diffusion model.', 'Pick the diffusion engine and an installed model, or clear the prompt to use the classical engine.'],
  E_TASK_UNKNOWN: ['This bridge cannot run that job.', 'Update the bridge, or choose a job shown in the tabs.'],
  E_DISK: ['The disk is full.', 'Free some space on the output drive and re-run.'],
  E_OUTPUT: ['The result could not be written.', 'Check that the output folder exists and is writable.'],
  E_CANCELLED: ['The job was cancelled.', 'Re-run it when you are ready.'],
  E_BUSY: ['The bridge is busy.', 'Try again in a moment.'],
};

/** Turn a code (and the bridge's message) into a sentence pair for people. */
export function describeError(code: string, message?: string, hint?: string): PlainError {
  const mapped = PANEL_TEXT[code as keyof typeof PANEL_TEXT];
  if (mapped) return { code, title: mapped[0], fix: mapped[1], ...(message && message !== mapped[0] ? { detail: message } : {}) };
  const known = (ERROR_CODES as Record<string, string>)[code];
  const fix = hint ?? known ?? 'See the bridge log for details.';
  return { code, title: message ?? 'Something went wrong.', fix, ...(message ? { detail: message } : {}) };
}

/** Describe anything thrown or received (StudioError, error payload, plain Error). */
export function describeAny(e: unknown): PlainError {
  if (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string') {
    const x = e as { code: string; message?: string; hint?: string };
    return describeError(x.code, x.message, x.hint);
  }
  return describeError('E_INTERNAL', e instanceof Error ? e.message : String(e));
}
