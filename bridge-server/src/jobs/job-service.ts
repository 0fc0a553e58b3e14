import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  ERROR_CODES,
  parseJobRequest,
  StudioError,
  toStudioError,
  type ErrorPayload,
  type JobOutput,
  type JobRecord,
  type JobRequest,
  type Progress,
} from '@synthetic-studio/shared';
import type { Logger } from '../logging/index.js';
import type { ProgressUpdate, TaskContext, TaskEnvironment, TaskResult } from '../tasks/task.js';
import { taskRegistry, type AnyTaskDefinition, type TaskRegistry } from '../tasks/registry.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import { encodePreview } from './preview.js';
import { ProgressThrottle } from './progress.js';
import { JobStore } from './store.js';

export type JobEvent =
  | { type: 'state'; job: JobRecord }
  | { type: 'progress'; jobId: string; progress: Progress }
  | { type: 'result'; jobId: string; outputs: JobOutput[]; metrics: Record<string, number>; notes: string[]; seconds: number }
  | { type: 'error'; jobId: string; error: ErrorPayload };

export interface JobServiceOptions {
  dataDir: string;
  log: Logger;
  env: TaskEnvironment;
  /** Jobs that run at the same time (default 1). */
  concurrency?: number;
  tasks?: TaskRegistry;
  /** Minimum time between progress events of one job (default 100 ms → ≤ 10/s). */
  progressIntervalMs?: number;
}

interface Running {
  controller: AbortController;
  throttle: ProgressThrottle;
  settled: Promise<void>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
/** Abort reasons: a user cancel ends the job; a shutdown leaves it to resume on the next start. */
const CANCEL = 'cancel';
const SHUTDOWN = 'shutdown';
/** Progress is persisted at most this often (it is sent to clients more often). */
const PERSIST_PROGRESS_MS = 1000;
/** Previews are encoded at most this often per job. */
const PREVIEW_MS = 500;

/**
 * The durable job system: validates and stores requests, runs them by priority with bounded
 * concurrency, fans out progress, and on open re-queues jobs a crash left `running` so their
 * tasks resume from the checkpoints in their working folders.
 */
export class JobService {
  readonly dataDir: string;
  readonly tasks: TaskRegistry;
  readonly concurrency: number;
  readonly #store: JobStore;
  readonly #lock: DataDirLock;
  readonly #log: Logger;
  readonly #env: TaskEnvironment;
  readonly #progressIntervalMs: number;
  readonly #running = new Map<string, Running>();
  readonly #listeners = new Set<(e: JobEvent) => void>();
  #started = false;
  #closing = false;

  private constructor(opts: JobServiceOptions, lock: DataDirLock, store: JobStore) {
    this.dataDir = opts.dataDir;
    this.tasks = opts.tasks ?? taskRegistry;
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.#lock = lock;
    this.#store = store;
    this.#log = opts.log;
    this.#env = opts.env;
    this.#progressIntervalMs = opts.progressIntervalMs ?? 100;
  }

  /**
   * Open the job system of a data folder (one process at a time: the folder is locked). Jobs a
   * crash left `running` are put back in the queue with `resumes` incremented; nothing runs until
   * `start()`.
   */
  static open(opts: JobServiceOptions): JobService {
    const dataDir = path.resolve(opts.dataDir);
    fs.mkdirSync(path.join(dataDir, 'jobs'), { recursive: true });
    const lock = acquireDataDirLock(dataDir);
    let store: JobStore;
    try {
      store = new JobStore(path.join(dataDir, 'jobs.sqlite'));
    } catch (e) {
      lock.release();
      throw e;
    }
    const service = new JobService({ ...opts, dataDir }, lock, store);
    for (const job of store.byState('running')) {
      const next: JobRecord = { ...job, state: 'queued', resumes: job.resumes + 1 };
      delete next.progress;
      store.update(next);
      opts.log.info({ jobId: job.id, task: job.request.task, from: 'running', to: 'queued', resumes: next.resumes }, 'job re-queued after an interrupted run');
    }
    return service;
  }

  /** Begin running queued jobs. */
  start(): void {
    this.#started = true;
    this.#pump();
  }

  /**
   * Validate and queue a request (any boundary's raw input). Throws StudioError E_VALIDATION,
   * E_TASK_UNKNOWN or E_ENGINE_UNSUPPORTED, or the task's own validation error.
   */
  submit(input: unknown): { job: JobRecord; position: number } {
    if (this.#closing) throw new StudioError('E_BUSY', 'The bridge is shutting down.');
    const request = parseJobRequest(input);
    const task = this.#taskFor(request);
    (task.validate as ((r: JobRequest) => void) | undefined)?.call(task, request);
    const job: JobRecord = { id: newJobId(), state: 'queued', request, createdAt: new Date().toISOString(), outputs: [], metrics: {}, notes: [], resumes: 0 };
    this.#store.insert(job);
    this.#log.info({ jobId: job.id, task: request.task, engine: request.engine, priority: request.priority, to: 'queued' }, 'job queued');
    const position = this.position(job.id);
    // After the caller has answered the submit (job.accepted goes out before job.state).
    queueMicrotask(() => {
      this.#emit({ type: 'state', job });
      this.#pump();
    });
    return { job, position };
  }

  find(id: string): JobRecord | undefined {
    return this.#store.get(id);
  }

  get(id: string): JobRecord {
    const job = this.#store.get(id);
    if (!job) throw new StudioError('E_NOT_FOUND', `No job with id ${id}.`, { jobId: id });
    return job;
  }

  /** Newest first. */
  list(limit?: number): JobRecord[] {
    return this.#store.list(limit);
  }

  /** Jobs ahead of this one in the queue (0 = next to start, or running). */
  position(id: string): number {
    const i = this.#store.queueOrder().indexOf(id);
    return i < 0 ? 0 : i;
  }

  /**
   * Cancel a job. A queued job is cancelled at once; a running one is aborted and this resolves
   * once its task has stopped (tasks check the signal every frame) and its working folder is gone.
   */
  async cancel(id: string): Promise<JobRecord> {
    const job = this.get(id);
    if (TERMINAL.has(job.state)) return job;
    const running = this.#running.get(id);
    if (running) {
      running.controller.abort(CANCEL);
      await running.settled;
      return this.get(id);
    }
    const cancelled: JobRecord = { ...job, state: 'cancelled', finishedAt: new Date().toISOString(), error: new StudioError('E_CANCELLED').toJSON() };
    this.#store.update(cancelled);
    this.#log.info({ jobId: id, task: job.request.task, from: job.state, to: 'cancelled' }, 'job cancelled');
    this.#emit({ type: 'state', job: cancelled });
    removeDir(this.workDir(id));
    return cancelled;
  }

  /** Resolve with the job's record once it reaches a terminal state. */
  wait(id: string): Promise<JobRecord> {
    const now = this.get(id);
    if (TERMINAL.has(now.state)) return Promise.resolve(now);
    return new Promise((resolve) => {
      const off = this.subscribe((e) => {
        if (e.type === 'state' && e.job.id === id && TERMINAL.has(e.job.state)) {
          off();
          resolve(e.job);
        }
      });
    });
  }

  subscribe(listener: (e: JobEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  workDir(id: string): string {
    return path.join(this.dataDir, 'jobs', id);
  }

  /**
   * Stop: running jobs are aborted and left queued, so the next start resumes them from their
   * checkpoints; then the store and the data-folder lock are released.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const settled = [...this.#running.values()].map((r) => {
      r.controller.abort(SHUTDOWN);
      return r.settled;
    });
    await Promise.all(settled);
    this.#store.close();
    this.#lock.release();
    this.#listeners.clear();
  }

  #taskFor(request: JobRequest): AnyTaskDefinition {
    const task = this.tasks.get(request.task);
    if (!task) throw new StudioError('E_TASK_UNKNOWN', `The task "${request.task}" is not available in this bridge.`, { task: request.task, available: [...this.tasks.keys()] });
    if (!task.engines.includes(request.engine)) throw new StudioError('E_ENGINE_UNSUPPORTED', `The ${request.engine} engine cannot run ${request.task}; use ${task.engines.join(' or ')}.`, { task: request.task, engine: request.engine, engines: task.engines });
    return task;
  }

  #emit(e: JobEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch (err) {
        this.#log.error({ err }, 'job event listener failed');
      }
    }
  }

  #pump(): void {
    if (!this.#started || this.#closing) return;
    while (this.#running.size < this.concurrency) {
      const next = this.#store.queueOrder().find((id) => !this.#running.has(id));
      if (!next) return;
      this.#launch(next);
    }
  }

  #launch(id: string): void {
    const controller = new AbortController();
    let done!: () => void;
    const settled = new Promise<void>((r) => (done = r));
    const throttle = new ProgressThrottle((progress) => this.#onProgress(id, progress), this.#progressIntervalMs);
    this.#running.set(id, { controller, throttle, settled });
    void this.#execute(id, controller, throttle)
      .catch((err) => {
        // A bug in the runner itself: never leave the record claiming to run.
        this.#log.error({ jobId: id, err }, 'job runner failed');
        const job = this.#store.get(id);
        if (job && !TERMINAL.has(job.state)) this.#finish(job, 'failed', { error: errorPayload(err) }, this.#log);
      })
      .finally(() => {
        throttle.dispose();
        this.#running.delete(id);
        done();
        this.#pump();
      });
  }

  #lastPersist = new Map<string, number>();

  #lastProgress = new Map<string, Progress>();

  #onProgress(id: string, progress: Progress): void {
    const { preview: _p, ...slimProgress } = progress;
    this.#lastProgress.set(id, slimProgress);
    this.#emit({ type: 'progress', jobId: id, progress });
    const now = Date.now();
    if (now - (this.#lastPersist.get(id) ?? 0) < PERSIST_PROGRESS_MS) return;
    this.#lastPersist.set(id, now);
    const job = this.#store.get(id);
    if (job && job.state === 'running') {
      const { preview: _preview, ...slim } = progress;
      this.#store.update({ ...job, progress: slim });
    }
  }

  async #execute(id: string, controller: AbortController, throttle: ProgressThrottle): Promise<void> {
    const queued = this.get(id);
    const startedAt = new Date();
    let job: JobRecord = { ...queued, state: 'running', startedAt: startedAt.toISOString() };
    delete job.error;
    this.#store.update(job);
    const log = this.#log.child({ jobId: id, task: job.request.task });
    log.info({ from: 'queued', to: 'running', resumes: job.resumes }, 'job running');
    this.#emit({ type: 'state', job });

    let task: AnyTaskDefinition;
    try {
      task = this.#taskFor(job.request);
    } catch (e) {
      this.#finish(job, 'failed', { error: errorPayload(e) }, log);
      return;
    }
    const workDir = this.workDir(id);
    fs.mkdirSync(workDir, { recursive: true });

    let lastPreview = 0;
    let previewBusy = false;
    const progress = (u: ProgressUpdate): void => {
      if (controller.signal.aborted) return;
      const base = { phase: u.phase, done: u.done, total: u.total };
      const now = Date.now();
      if (u.preview && !previewBusy && now - lastPreview >= PREVIEW_MS) {
        previewBusy = true;
        lastPreview = now;
        encodePreview(u.preview)
          .then((preview) => { if (!controller.signal.aborted) throttle.push({ ...base, preview }); })
          .catch((err) => log.warn({ err }, 'preview encoding failed'))
          .finally(() => (previewBusy = false));
        return;
      }
      throttle.push(base);
    };
    const ctx: TaskContext = { jobId: id, request: job.request, workDir, signal: controller.signal, progress, log, env: this.#env };

    try {
      const result = await (task.run as (c: TaskContext) => Promise<TaskResult>)(ctx);
      const notes = result.notes ?? [];
      await throttle.drain();
      const seconds = (Date.now() - startedAt.getTime()) / 1000;
      job = this.get(id);
      this.#finish(job, 'succeeded', { outputs: result.outputs, metrics: result.metrics, notes }, log, () =>
        this.#emit({ type: 'result', jobId: id, outputs: result.outputs, metrics: result.metrics, notes, seconds }),
      );
      removeDir(workDir);
    } catch (e) {
      throttle.dispose();
      job = this.get(id);
      const reason = controller.signal.aborted ? controller.signal.reason : undefined;
      if (reason === SHUTDOWN) {
        const requeued: JobRecord = { ...job, state: 'queued' };
        delete requeued.progress;
        this.#store.update(requeued);
        log.info({ from: 'running', to: 'queued' }, 'job paused by shutdown; it resumes on the next start');
        return;
      }
      if (reason === CANCEL) {
        this.#finish(job, 'cancelled', { error: new StudioError('E_CANCELLED').toJSON() }, log);
        removeDir(workDir);
        return;
      }
      const error = errorPayload(e);
      this.#finish(job, 'failed', { error }, log, () => this.#emit({ type: 'error', jobId: id, error }));
    }
  }

  /** Store the final record, log the transition, then emit `beforeState` (result/error) and the final state, in that order. */
  #finish(job: JobRecord, state: 'succeeded' | 'failed' | 'cancelled', patch: Partial<JobRecord>, log: Logger, beforeState?: () => void): void {
    const last = this.#lastProgress.get(job.id);
    const finished: JobRecord = { ...job, ...(last ? { progress: last } : {}), ...patch, state, finishedAt: new Date().toISOString() };
    this.#store.update(finished);
    this.#lastPersist.delete(job.id);
    this.#lastProgress.delete(job.id);
    const seconds = job.startedAt ? (Date.parse(finished.finishedAt!) - Date.parse(job.startedAt)) / 1000 : undefined;
    log[state === 'failed' ? 'warn' : 'info']({ from: job.state, to: state, seconds, ...(finished.error ? { code: finished.error.code } : {}), ...(state === 'succeeded' ? { outputs: finished.outputs.map((o) => o.path) } : {}) }, `job ${state}`);
    beforeState?.();
    this.#emit({ type: 'state', job: finished });
  }
}

/** A StudioError (or anything thrown) as the protocol's error payload. */
export function errorPayload(e: unknown): ErrorPayload {
  const se = toStudioError(e);
  const code = String(se.code);
  const known = code in ERROR_CODES;
  return {
    code: known ? code : 'E_INTERNAL',
    message: String(se.message),
    hint: known ? ERROR_CODES[code as keyof typeof ERROR_CODES] : ERROR_CODES.E_INTERNAL,
    ...(se.details && typeof se.details === 'object' ? { details: se.details } : {}),
  };
}

/** Time-sortable, folder-safe job id. */
export function newJobId(): string {
  return `j${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

function removeDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // A leftover working folder is harmless; the next start of the same id never happens.
  }
}
