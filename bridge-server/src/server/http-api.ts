import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION, StudioError, toStudioError, type Capabilities } from '@synthetic-studio/shared';
import type { PairingCodes } from '../config/index.js';
import type { JobService } from '../jobs/index.js';
import type { Logger } from '../logging/index.js';
import { sendError, tokenGuard } from './auth.js';
import { SERVER_NAME, SERVER_VERSION } from './capabilities.js';

export interface HttpApiDeps {
  jobs: JobService;
  token: string;
  pairing: PairingCodes;
  capabilities: () => Promise<Capabilities>;
  log: Logger;
}

/**
 * The job API for clients without a websocket (Resolve's Python scripts, curl): the same
 * JobRequest, the same JobService. `/api/health` and `/api/pair` need no token; the rest do.
 */
export function publicApiRouter(deps: HttpApiDeps): Router {
  const r = express.Router();
  r.get('/health', (_req, res) => {
    res.json({ ok: true, name: SERVER_NAME, version: SERVER_VERSION, protocol: PROTOCOL_VERSION });
  });
  r.post('/pair', (req, res) => {
    const code = (req.body as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'string') return sendError(res, new StudioError('E_VALIDATION', 'Send {"code": "<the code the bridge printed>"}.'));
    try {
      const token = deps.pairing.exchange(code, deps.token);
      deps.log.info('a client paired over HTTP');
      res.json({ token });
    } catch (e) {
      sendError(res, toStudioError(e));
    }
  });
  return r;
}

export function jobsApiRouter(deps: HttpApiDeps): Router {
  const r = express.Router();
  r.use(tokenGuard(deps.token));
  r.get('/capabilities', async (_req, res, next) => {
    try {
      res.json(await deps.capabilities());
    } catch (e) {
      next(e);
    }
  });
  r.post('/jobs', (req, res) => {
    const { job, position } = deps.jobs.submit(req.body);
    res.status(202).json({ job, position });
  });
  r.get('/jobs', (_req, res) => {
    res.json({ jobs: deps.jobs.list() });
  });
  r.get('/jobs/:id', (req, res) => {
    res.json(deps.jobs.get(req.params.id!));
  });
  r.delete('/jobs/:id', async (req, res, next) => {
    try {
      res.json(await deps.jobs.cancel(req.params.id!));
    } catch (e) {
      next(e);
    }
  });
  return r;
}

export const jsonBody = express.json({ limit: MAX_MESSAGE_BYTES, type: ['application/json', 'application/*+json'] });

/** Every error becomes `{error: {code, message, hint}}` with a matching status. */
export function apiErrorHandler(log: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const e = err as { type?: string; status?: number };
    let se: StudioError;
    if (e?.type === 'entity.too.large') se = new StudioError('E_PROTOCOL_TOO_LARGE');
    else if (e?.type === 'entity.parse.failed') se = new StudioError('E_PROTOCOL_MALFORMED', 'The request body is not valid JSON.');
    else se = toStudioError(err);
    if (se.code === 'E_INTERNAL') log.error({ err }, 'HTTP request failed');
    if (res.headersSent) return;
    sendError(res, se);
  };
}
