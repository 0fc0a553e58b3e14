import type { RequestHandler } from 'express';
import type { BridgeConfig } from '../config/index.js';
import type { JobService } from '../jobs/index.js';
import type { Logger } from '../logging/index.js';

/** What the spine hands `mountWebRoutes` (mirrors server/index.ts `WebDeps`). */
export interface WebDeps {
  jobs: JobService;
  config: BridgeConfig;
  log: Logger;
  /** Token check (Bearer header or ?token=) for every /api route here. */
  requireAuth: RequestHandler;
}
