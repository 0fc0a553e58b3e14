import { spawn } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { StudioError } from '@synthetic-studio/shared';

/**
 * A file path as ffmpeg must see it: absolute (so it can never start with `-` and be read as an
 * option), and with a `file:` prefix in the one case an absolute path could still look like an
 * option or a protocol.
 */
export function ffmpegPath(p: string): string {
  const abs = resolvePath(p);
  return abs.startsWith('-') ? `file:${abs}` : abs;
}

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Kill the process after this long (a corrupt file must never hang a job). */
  timeoutMs?: number;
  /** Keep at most this many bytes of stdout. */
  maxStdout?: number;
}

/**
 * Run a tool to completion with an argument array (never a shell), collecting stdout/stderr.
 * Resolves with the exit code; rejects only for spawn failures, abort (E_CANCELLED) and timeouts.
 */
export function runTool(bin: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new StudioError('E_CANCELLED'));
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let settled = false;
    const max = opts.maxStdout ?? 512 * 1024 * 1024;
    child.stdout.on('data', (b: Buffer) => {
      if (outBytes < max) out.push(b);
      outBytes += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 256 * 1024) err += b.toString('utf8');
    });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      child.kill('SIGKILL');
      finish(() => reject(new StudioError('E_CANCELLED')));
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
          finish(() => reject(new StudioError('E_FFMPEG', `${bin} did not finish within ${opts.timeoutMs} ms.`, { args })));
        }, opts.timeoutMs)
      : undefined;
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => finish(() => reject(new StudioError('E_FFMPEG', `Cannot start ${bin}: ${e.message}`))));
    child.on('close', (code) => finish(() => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err })));
  });
}

/** The last meaningful lines of ffmpeg's stderr, for error messages. */
export function stderrTail(stderr: string, lines = 4): string {
  return stderr.trim().split(/\r?\n/).filter(Boolean).slice(-lines).join(' | ');
}
