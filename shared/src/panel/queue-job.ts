import type { JobOutput, JobRecord, JobRequest, JobState, Progress, TaskName } from '../protocol/index.js';
import type { HostSelection, ImportReport } from '../host/host-adapter.js';
import { describeError, type PlainError } from './error-text.js';

/** One row of the panel's queue list. */
export interface QueueJob {
  id: string;
  task: TaskName;
  state: JobState;
  request: JobRequest;
  /** Seed the job ran with (re-run uses it again). */
  seed: number | undefined;
  submittedAt: number;
  progress: {
    phase: string;
    done: number;
    total: number;
    /** 0..1 */
    fraction: number;
    /** Seconds left: the bridge's estimate, else one from the observed rate. */
    eta: number | undefined;
  } | null;
  /** data: URL of the latest preview JPEG. */
  preview: string | null;
  outputs: JobOutput[];
  /** Sentences the bridge returned with the result (e.g. how a prompt became a light rig). */
  notes: string[];
  seconds: number | undefined;
  error: PlainError | null;
  import: { status: 'pending' | 'done' | 'failed' | 'skipped'; report?: ImportReport; error?: PlainError } | null;
  /** The host selection and placement choice the job was made from (import places against them). */
  origin: { selection: HostSelection; placeAbove: boolean } | null;
  /** Internal: when and at which count progress was first seen, for the ETA estimate. */
  rateOrigin: { at: number; done: number } | null;
}

export const FINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];
export const isFinal = (s: JobState): boolean => FINAL_STATES.includes(s);

export function newQueueJob(id: string, request: JobRequest, now: number): QueueJob {
  return { id, task: request.task, state: 'queued', request, seed: request.seed, submittedAt: now, progress: null, preview: null, outputs: [], notes: [], seconds: undefined, error: null, import: null, origin: null, rateOrigin: null };
}

/**
 * A job the bridge already had when the panel (re)opened. It is shown, never imported by this
 * panel (it may come from the CLI or another host): `import` is 'skipped'.
 */
export function queueJobFromRecord(r: JobRecord, now: number): QueueJob {
  const created = Date.parse(r.createdAt);
  let job: QueueJob = { ...newQueueJob(r.id, r.request, Number.isFinite(created) ? created : now), import: { status: 'skipped' } };
  if (r.progress) job = applyProgress(job, r.progress, now);
  return {
    ...job,
    state: r.state,
    outputs: r.outputs,
    notes: r.notes,
    ...(r.state === 'succeeded' && job.progress ? { progress: { ...job.progress, done: job.progress.total, fraction: 1, eta: 0 } } : {}),
    ...(r.error ? { error: describeError(r.error.code, r.error.message, r.error.hint) } : {}),
  };
}

/** Fold a progress message into a job, estimating the ETA from the rate when the bridge gives none. */
export function applyProgress(job: QueueJob, p: Progress, now: number): QueueJob {
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const phaseChanged = job.progress?.phase !== p.phase;
  const origin = !job.rateOrigin || phaseChanged || p.done < job.rateOrigin.done ? { at: now, done: p.done } : job.rateOrigin;
  let eta = p.eta;
  if (eta === undefined && p.done > origin.done && now > origin.at) {
    const perUnit = (now - origin.at) / 1000 / (p.done - origin.done);
    eta = Math.max(0, Math.round(perUnit * (p.total - p.done)));
  }
  return {
    ...job,
    state: job.state === 'queued' ? 'running' : job.state,
    progress: { phase: p.phase, done: p.done, total: p.total, fraction, eta },
    preview: p.preview ? `data:image/jpeg;base64,${p.preview}` : job.preview,
    rateOrigin: origin,
  };
}

/** "1:05", "12 s", "" */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}
