import { loadConfig, type BridgeConfig } from '../config/index.js';
import { JobService } from '../jobs/index.js';
import { createFileLogger, type Logger } from '../logging/index.js';
import type { TaskRegistry } from '../tasks/registry.js';

/**
 * The job system inside the CLI process: the same JobService, store and working folders the
 * server uses, so a `run` that is killed resumes like a server job (on the next `run`/`serve` with
 * this data folder).
 */
export function openLocalJobs(opts: { dataDir?: string; concurrency?: number; tasks?: TaskRegistry } = {}): { jobs: JobService; config: BridgeConfig; log: Logger } {
  const config = loadConfig({ dataDir: opts.dataDir, concurrency: opts.concurrency });
  const log = createFileLogger(config.dataDir);
  const jobs = JobService.open({
    dataDir: config.dataDir,
    log,
    concurrency: config.concurrency,
    ...(opts.tasks ? { tasks: opts.tasks } : {}),
    env: { modelsDir: config.modelsDir, maxPixels: config.maxPixels, executionProviders: config.executionProviders },
  });
  return { jobs, config, log };
}
