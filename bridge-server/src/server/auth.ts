import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { StudioError } from '@synthetic-studio/shared';
import { tokenMatches } from '../config/index.js';
import { httpStatusFor } from './http-errors.js';
import type { OriginPolicy } from './origin.js';

/** The token a request presents: `Authorization: Bearer …` or `?token=…`. */
export function requestToken(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (typeof h === 'string' && /^Bearer\s+/i.test(h)) return h.replace(/^Bearer\s+/i, '').trim();
  const q = req.query.token;
  return typeof q === 'string' ? q : undefined;
}

export function sendError(res: Response, e: StudioError): void {
  res.status(httpStatusFor(e.code)).json({ error: e.toJSON() });
}

/**
 * 403 for any web origin that is not allowed (all routes, before anything else). An allowed web
 * origin (e.g. a configured dev server) gets CORS headers, and its preflight is answered here.
 */
export function originGuard(policy: OriginPolicy): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (policy.isAllowed(origin)) {
      if (typeof origin === 'string') {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        if (req.method === 'OPTIONS') {
          res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
          res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
          res.setHeader('Access-Control-Max-Age', '600');
          res.status(204).end();
          return;
        }
      }
      return next();
    }
    sendError(res, new StudioError('E_ORIGIN', `The origin ${String(req.headers.origin)} may not use the bridge; add it to allowedOrigins in the config if you trust it.`));
  };
}

/** 401 unless the request carries the bridge token. */
export function tokenGuard(token: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = requestToken(req);
    if (given === undefined) return sendError(res, new StudioError('E_AUTH_REQUIRED'));
    if (!tokenMatches(token, given)) return sendError(res, new StudioError('E_AUTH_INVALID'));
    next();
  };
}
