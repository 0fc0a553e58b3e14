import { BridgeRequestError } from './bridge-client.js';
import { TOKEN_KEY, type PanelStorage } from './storage.js';

/** The subset of fetch the panel uses (browser, Electron and UXP all provide it). */
export type FetchLike = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}>;

/**
 * HTTP side of the bridge: previews, probe, mask previews, file browsing, result files. The token
 * goes in the `token` query parameter because <img src> cannot carry a header (and UXP sockets
 * cannot either), and in an Authorization header on fetches.
 */
export class BridgeHttp {
  constructor(
    readonly baseUrl: string,
    private readonly storage: PanelStorage,
    private readonly fetchImpl: FetchLike | undefined,
  ) {}

  get token(): string | null {
    return this.storage.getItem(TOKEN_KEY);
  }

  /** Absolute URL with query (undefined values dropped) and the token. */
  url(path: string, query: Record<string, string | number | boolean | undefined> = {}): string {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(query)) if (v !== undefined) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
    const token = this.token;
    if (token) parts.push(`token=${encodeURIComponent(token)}`);
    return `${this.baseUrl.replace(/\/$/, '')}${path}${parts.length ? `?${parts.join('&')}` : ''}`;
  }

  getJson<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
    return this.send<T>('GET', path, query);
  }

  postJson<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, {}, body);
  }

  private async send<T>(method: string, path: string, query: Record<string, string | number | boolean | undefined>, body?: unknown): Promise<T> {
    const g = (globalThis as { fetch?: FetchLike }).fetch;
    // Called through a wrapper: a detached window.fetch may throw "Illegal invocation".
    const f: FetchLike | undefined = this.fetchImpl ?? (g ? (url, init) => g.call(globalThis, url, init) : undefined);
    if (!f) throw new BridgeRequestError('E_INTERNAL', 'This host has no fetch().');
    const headers: Record<string, string> = {};
    const token = this.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await f(this.url(path, query), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (e) {
      throw new BridgeRequestError('E_BRIDGE_OFFLINE', e instanceof Error ? e.message : String(e));
    }
    const text = await res.text();
    let value: unknown = undefined;
    try { value = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    if (!res.ok) {
      const err = (value as { error?: { code?: string; message?: string; hint?: string; details?: Record<string, unknown> } } | undefined)?.error;
      throw new BridgeRequestError(err?.code ?? (res.status === 401 ? 'E_AUTH_REQUIRED' : res.status === 404 ? 'E_NOT_FOUND' : 'E_INTERNAL'), err?.message ?? `HTTP ${res.status}`, err?.hint, err?.details);
    }
    return value as T;
  }
}
