/**
 * Execution-provider selection. onnxruntime does not fall back by itself when a registered provider
 * fails to load (e.g. 'cuda' without the CUDA libraries): we try each requested provider in turn
 * (with 'cpu' behind it for unsupported ops), catch the failure, and end on plain 'cpu'.
 */
import { StudioError } from '@synthetic-studio/shared';
import type { ExecutionProvider, ProviderAttempt, SessionOptions } from './types.js';

export interface OrtSessionLike {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: readonly unknown[];
  outputMetadata?: readonly unknown[];
  run(feeds: Record<string, unknown>): Promise<Record<string, unknown>>;
  release(): Promise<void>;
}

export type SessionFactory = (path: string, options: Record<string, unknown>) => Promise<OrtSessionLike>;

/** The provider chain to try, deduplicated, always ending with 'cpu'. */
export function providerChain(requested: ExecutionProvider[] | undefined): ExecutionProvider[] {
  const chain: ExecutionProvider[] = [];
  for (const p of requested ?? ['cpu']) if (!chain.includes(p)) chain.push(p);
  if (!chain.includes('cpu')) chain.push('cpu');
  return chain.slice(0, chain.indexOf('cpu') + 1);
}

export function ortSessionOptions(opts: SessionOptions, provider: ExecutionProvider): Record<string, unknown> {
  const o: Record<string, unknown> = {
    executionProviders: provider === 'cpu' ? ['cpu'] : [provider, 'cpu'],
    graphOptimizationLevel: opts.graphOptimization ?? 'all',
    enableCpuMemArena: opts.memArena ?? true,
    logSeverityLevel: 3,
  };
  if (opts.intraOpThreads !== undefined) o.intraOpNumThreads = opts.intraOpThreads;
  if (opts.interOpThreads !== undefined) o.interOpNumThreads = opts.interOpThreads;
  if (provider === 'dml') { o.enableMemPattern = false; o.executionMode = 'sequential'; }
  // ORT's pool threads spin-wait between runs by default; that steals the cores the event loop and
  // the pipeline's own work need between UNet steps (worse when inference runs in a worker thread)
  if (!opts.spinWait) o.extra = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
  return o;
}

/**
 * Try each provider of the chain. `available` lists the providers compiled into the installed
 * onnxruntime (ort.listSupportedBackends()); others are skipped with a reason, because onnxruntime
 * would silently drop them and we would misreport what runs.
 */
export async function createWithFallback(
  factory: SessionFactory,
  path: string,
  opts: SessionOptions,
  available?: readonly string[],
): Promise<{ session: OrtSessionLike; provider: ExecutionProvider; attempts: ProviderAttempt[] }> {
  const attempts: ProviderAttempt[] = [];
  let lastError: unknown;
  for (const provider of providerChain(opts.providers)) {
    if (available && provider !== 'cpu' && !available.includes(provider)) {
      attempts.push({ provider, ok: false, error: `not available in this onnxruntime build on ${process.platform}/${process.arch} (available: ${available.join(', ')})` });
      continue;
    }
    try {
      const session = await factory(path, ortSessionOptions(opts, provider));
      attempts.push({ provider, ok: true });
      return { session, provider, attempts };
    } catch (e) {
      lastError = e;
      attempts.push({ provider, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  throw Object.assign(lastError instanceof Error ? lastError : new Error(String(lastError)), { attempts });
}

/**
 * An E_PROVIDER warning when a session runs on a different provider than the first one asked for
 * (jobs log it and show it to the user), or null when the first choice runs.
 */
export function providerWarning(s: { path: string; provider: ExecutionProvider; attempts: ProviderAttempt[] }): StudioError | null {
  const first = s.attempts[0];
  if (!first || first.ok) return null;
  const failed = s.attempts.filter((a) => !a.ok).map((a) => `${a.provider} (${(a.error ?? '').split('\n')[0]})`);
  return new StudioError('E_PROVIDER', `${failed.join('; ')} unavailable for ${s.path}; running on ${s.provider}`, { requested: first.provider, running: s.provider, attempts: s.attempts });
}
