/**
 * Resumable HTTP(S) download of one file: bytes go to `<dest>.part`; an interrupted transfer is
 * resumed with a Range request (a server that ignores Range restarts from zero); retries with
 * backoff; the finished file's size and sha256 are checked before an atomic rename to `dest`.
 */
import { createWriteStream, existsSync, renameSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import http from 'node:http';
import https from 'node:https';
import { StudioError } from '@synthetic-studio/shared';
import { sha256File } from './hash.js';

export interface DownloadOptions {
  url: string;
  dest: string;
  size?: number | 'unknown';
  sha256?: string | 'unknown';
  /** Attempts after the first (default 4). */
  retries?: number;
  /** First backoff delay in ms, doubled per retry (default 500). */
  backoffMs?: number;
  /** Abort a transfer that stalls for this long (default 30 s). */
  idleTimeoutMs?: number;
  onProgress?: (p: { path: string; received: number; total: number | null }) => void;
  signal?: AbortSignal;
  /** Called for every HTTP request made (tests, logging). */
  onRequest?: (r: { url: string; range: string | null; status: number }) => void;
}

export interface DownloadResult {
  bytes: number;
  sha256: string;
  /** Number of requests that resumed a partial file. */
  resumed: number;
  attempts: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One request: append to .part from its current length. Resolves when the body ended cleanly. */
function transfer(url: string, part: string, o: DownloadOptions, redirects = 0): Promise<{ status: number; resumed: boolean }> {
  return new Promise((resolve, reject) => {
    const have = existsSync(part) ? statSync(part).size : 0;
    const headers: Record<string, string> = { 'user-agent': 'synthetic-studio-models/1' };
    if (have > 0) headers.range = `bytes=${have}-`;
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { headers, signal: o.signal }, (res) => {
      const status = res.statusCode ?? 0;
      o.onRequest?.({ url, range: headers.range ?? null, status });
      if (status >= 300 && status < 400 && res.headers.location && redirects < 5) {
        res.resume();
        resolve(transfer(new URL(res.headers.location, url).toString(), part, o, redirects + 1));
        return;
      }
      if (status === 416) { res.resume(); resolve({ status, resumed: false }); return; } // .part already complete (or too long): verify decides
      if (status !== 200 && status !== 206) {
        res.resume();
        reject(Object.assign(new Error(`HTTP ${status} for ${url}`), { permanent: status === 404 || status === 403 || status === 401 }));
        return;
      }
      const append = status === 206 && have > 0;
      const total = Number(res.headers['content-length'] ?? NaN);
      const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
      let received = append ? have : 0;
      const fullTotal = Number.isFinite(total) ? total + (append ? have : 0) : null;
      let failure: Error | null = null;
      // on a drop keep what arrived: end the file gracefully (destroying it would lose buffered bytes)
      const stop = (e: Error) => { if (!failure) { failure = e; res.unpipe(out); out.end(); } };
      res.setTimeout(o.idleTimeoutMs ?? 30000, () => { stop(new Error('download stalled')); res.destroy(); });
      res.on('data', (c: Buffer) => { received += c.length; o.onProgress?.({ path: o.dest, received, total: fullTotal }); });
      res.on('aborted', () => stop(new Error('connection dropped mid-file')));
      res.on('error', (e) => stop(e));
      res.pipe(out);
      out.on('error', (e) => reject(e));
      out.on('finish', () => {
        if (failure) reject(failure);
        else if (!res.complete) reject(new Error('connection dropped mid-file'));
        else if (fullTotal !== null && received !== fullTotal) reject(new Error(`short body: ${received} of ${fullTotal} bytes`));
        else resolve({ status, resumed: append });
      });
    });
    req.on('error', reject);
  });
}

export async function downloadFile(o: DownloadOptions): Promise<DownloadResult> {
  const part = `${o.dest}.part`;
  mkdirSync(dirname(o.dest), { recursive: true });
  const retries = o.retries ?? 4;
  let resumed = 0;
  let lastErr: unknown = null;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (o.signal?.aborted) throw new StudioError('E_CANCELLED', 'download cancelled');
    if (attempt > 0) await sleep((o.backoffMs ?? 500) * 2 ** (attempt - 1));
    try {
      const r = await transfer(o.url, part, o);
      if (r.resumed) resumed++;
    } catch (e) {
      lastErr = e;
      if ((e as { permanent?: boolean }).permanent || o.signal?.aborted) break;
      continue; // keep the .part: the next attempt resumes it
    }
    const bytes = existsSync(part) ? statSync(part).size : 0;
    if (typeof o.size === 'number' && bytes !== o.size) {
      lastErr = new Error(`size ${bytes} differs from the expected ${o.size}`);
      if (bytes > o.size) rmSync(part, { force: true }); // cannot be a prefix: start over
      continue;
    }
    const sha256 = await sha256File(part);
    if (o.sha256 && o.sha256 !== 'unknown' && sha256 !== o.sha256) {
      lastErr = new Error(`sha256 ${sha256} differs from the expected ${o.sha256}`);
      rmSync(part, { force: true });
      continue;
    }
    renameSync(part, o.dest); // atomic within one folder
    return { bytes, sha256, resumed, attempts: attempt + 1 };
  }
  if (o.signal?.aborted) throw new StudioError('E_CANCELLED', 'download cancelled');
  const msg = lastErr instanceof Error ? lastErr.message : String(lastErr);
  const code = /sha256|size/.test(msg) ? 'E_MODEL_CORRUPT' : 'E_MODEL_MISSING';
  throw new StudioError(code, `download of ${o.url} failed after ${retries + 1} attempts: ${msg}`, { url: o.url, dest: o.dest });
}
