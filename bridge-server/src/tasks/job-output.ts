import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import type { OutputWriter, Provenance } from '../media/index.js';
import type { TaskContext, TaskResult } from './task.js';

// How a job hands its frames to the media layer's output writer: shared by every engine's run.

/**
 * The per-frame sink of an engine's output: frame i goes to source frame `indexOf(i)` unless it is
 * already checkpointed (resume), with progress (a preview every 12 frames). Checks cancel first.
 */
export function checkpointFrames(
  ctx: Pick<TaskContext, 'signal' | 'progress'>,
  writer: Pick<OutputWriter, 'has' | 'write'>,
  indexOf: (i: number) => number,
  phase: string,
  total: number,
): (i: number, frame: FloatFrame) => Promise<void> {
  return async (i, frame) => {
    if (ctx.signal.aborted) throw new StudioError('E_CANCELLED');
    const index = indexOf(i);
    if (!writer.has(index)) await writer.write(index, frame);
    ctx.progress({ phase, done: i + 1, total, ...(i % 12 === 0 ? { preview: frame } : {}) });
  };
}

/** Run a job's body; when it fails, the writer's partial outputs are removed (checkpoints stay for a resume). */
export async function abortOutputOnError<T>(writer: OutputWriter, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    await writer.abort().catch(() => undefined);
    throw e;
  }
}

/**
 * The end of a job: a last cancel check, the encode phase, and the writer's finalize with the
 * job's wall time (`provenance` may still add metrics that need it).
 */
export async function finishOutput(
  ctx: Pick<TaskContext, 'signal' | 'progress'>,
  writer: OutputWriter,
  started: number,
  total: number,
  provenance: (wallSeconds: number) => Provenance,
): Promise<TaskResult> {
  if (ctx.signal.aborted) throw new StudioError('E_CANCELLED');
  ctx.progress({ phase: 'encode', done: total, total });
  const wallSeconds = (performance.now() - started) / 1000;
  const p = provenance(wallSeconds);
  const outputs = await writer.finalize(p);
  return { outputs, metrics: p.metrics };
}
