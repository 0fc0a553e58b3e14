import type { EngineName, FloatFrame, JobOutput, JobRequest, TaskName } from '@synthetic-studio/shared';

/** Minimal structured logger surface (pino-compatible) handed to tasks. */
export interface TaskLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface ProgressUpdate {
  /** Short phase name shown to users: "decode", "flow", "propagate", "encode", … */
  phase: string;
  done: number;
  total: number;
  /** Optional preview: a frame (the runner scales and JPEG-encodes it) or ready JPEG bytes. */
  preview?: FloatFrame | Uint8Array;
}

/** Settings a task may read (resolved from the bridge config). */
export interface TaskEnvironment {
  /** Folder holding installed models (one sub-folder per model). */
  modelsDir: string;
  /** Largest accepted source frame in pixels (width * height). */
  maxPixels: number;
  /** onnxruntime execution providers to try, in order. */
  executionProviders: string[];
}

/**
 * What the job runner hands a task. The task reads the source through the media layer, does its
 * work with pure engines, and writes through the media layer's output writer into `workDir`;
 * the writer's checkpoints in `workDir` are what makes a killed job resume where it stopped.
 */
export interface TaskContext<R extends JobRequest = JobRequest> {
  jobId: string;
  request: R;
  /** Persistent working folder of this job; it survives a crash and a restart. */
  workDir: string;
  /** Aborted on cancel; check it at least once per frame. */
  signal: AbortSignal;
  /** Report progress; the runner throttles (≤ 10/s), estimates ETA and fans it out. */
  progress(update: ProgressUpdate): void;
  log: TaskLogger;
  env: TaskEnvironment;
}

export interface TaskResult {
  outputs: JobOutput[];
  metrics: Record<string, number>;
  /** Plain sentences shown to the user with the result (e.g. how a prompt was mapped to a light rig). */
  notes?: string[];
}

export interface TaskDefinition<T extends TaskName = TaskName> {
  name: T;
  /** Human label for panels. */
  label: string;
  /** Engines this bridge can run the task with. */
  engines: EngineName[];
  /**
   * Cheap checks before the job is queued (no media decode): throw a StudioError for requests
   * that can never run (e.g. a replacement prompt with the classical engine).
   */
  validate?(request: Extract<JobRequest, { task: T }>): void;
  run(ctx: TaskContext<Extract<JobRequest, { task: T }>>): Promise<TaskResult>;
}
