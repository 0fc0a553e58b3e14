import fs from 'node:fs';
import path from 'node:path';
import type { Router } from 'express';
import { StudioError, type JobOutput } from '@synthetic-studio/shared';
import { absolutePath, queryString } from './query.js';
import type { WebDeps } from './web-deps.js';

const sameOrInside = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * May this file be served? Only a job's own outputs: an output file itself, its sidecar, or a file
 * inside an output folder (image sequences). Anything else on disk stays private.
 */
export function isJobOutputFile(file: string, outputs: readonly JobOutput[]): boolean {
  for (const o of outputs) {
    const p = path.resolve(o.path);
    if (file === p) return true;
    if (o.sidecar && file === path.resolve(o.sidecar)) return true;
    if (o.kind === 'sequence' && sameOrInside(file, p)) return true;
  }
  return false;
}

/** `GET /api/outputs/file?path=` → the file, when it belongs to a known job's outputs. */
export function mountOutputRoutes(router: Router, deps: WebDeps): void {
  router.get('/outputs/file', (req, res, next) => {
    const file = absolutePath(queryString(req, 'path'));
    const known = deps.jobs.list().some((j) => isJobOutputFile(file, j.outputs));
    if (!known) throw new StudioError('E_NOT_FOUND', 'That file is not an output of a job on this bridge.', { path: file });
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new StudioError('E_NOT_FOUND', `The output ${file} no longer exists.`, { path: file });
    }
    if (!st.isFile()) throw new StudioError('E_VALIDATION', `${file} is a folder; ask for one of its files.`, { path: file });
    if (req.query.download !== undefined) res.attachment(path.basename(file));
    res.sendFile(file, { dotfiles: 'allow' }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  });
}
