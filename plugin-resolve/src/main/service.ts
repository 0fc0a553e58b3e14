import { StudioError, toStudioError, type ImportOptions, type ImportReport, type JobOutput } from '@synthetic-studio/shared';
import type { Envelope, HostInfo, SelectionRequest, SelectionResult } from '../plugin/ipc.js';
import type { ResolveConnection } from './connection.js';
import { importResult } from './import-result.js';
import { readSelection } from './read-selection.js';
import { currentTimeline } from './timeline.js';
import { readVersion } from './version.js';

export interface ResolveServiceOptions {
  /** Deadline for one panel request, in ms (Promise API calls have no timeout of their own). */
  requestTimeoutMs?: number;
}

/**
 * Everything main.js does with Resolve, as plain-data request handlers behind the IPC channels.
 * Requests run one at a time: an import switches the Media Pool's current folder and must not
 * interleave with another request.
 */
export class ResolveService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly timeoutMs: number;

  constructor(
    private readonly connect: () => Promise<ResolveConnection>,
    options: ResolveServiceOptions = {},
  ) {
    this.timeoutMs = options.requestTimeoutMs ?? 60_000;
  }

  getSelection(request: SelectionRequest = {}): Promise<Envelope<SelectionResult>> {
    return this.run(async (c) => readSelection(c.resolve, request));
  }

  importResult(outputs: JobOutput[], options: ImportOptions): Promise<Envelope<ImportReport>> {
    return this.run(async (c) => importResult(c.resolve, outputs, options));
  }

  info(): Promise<Envelope<HostInfo>> {
    return this.run(async (c) => {
      const v = await readVersion(c.resolve);
      const ctx = await currentTimeline(c.resolve);
      return {
        product: v.product,
        version: `${v.major}.${v.minor}.${v.patch}`,
        studio: v.studio,
        api: c.flavour,
        timelineSelection: !('reason' in ctx) && typeof ctx.timeline.GetSelectedClips === 'function',
        page: (await c.resolve.GetCurrentPage()) ?? null,
      };
    });
  }

  private run<T>(work: (c: ResolveConnection) => Promise<T>): Promise<Envelope<T>> {
    const next = this.queue.then(async (): Promise<Envelope<T>> => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StudioError('E_HOST_TIMEOUT', `Resolve did not answer within ${Math.round(this.timeoutMs / 1000)} s; close any open dialog in Resolve and try again.`)), this.timeoutMs);
      });
      try {
        const value = await Promise.race([this.connect().then(work), deadline]);
        return { ok: true, value };
      } catch (e) {
        const err = toStudioError(e);
        return { ok: false, error: { code: err.code, message: err.message } };
      } finally {
        clearTimeout(timer);
      }
    });
    // A hung request must not block the queue forever: the deadline settles `next`.
    this.queue = next.catch(() => undefined);
    return next;
  }
}
