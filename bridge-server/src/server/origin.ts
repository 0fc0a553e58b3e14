/**
 * Web-origin policy: a request with no Origin (UXP, scripts, curl, the CLI) is allowed; a browser
 * request is allowed only from the bridge's own pages or an origin the user configured. Any other
 * web page in the user's browser must not be able to drive the bridge.
 */
export class OriginPolicy {
  readonly #allowed = new Set<string>();

  constructor(configured: readonly string[] = []) {
    for (const o of configured) {
      const n = normaliseOrigin(o);
      if (n) this.#allowed.add(n);
    }
  }

  /** Add the bridge's own origins once its port is known. */
  allowOwn(host: string, port: number, secure: boolean): void {
    const schemes = secure ? ['https'] : ['http'];
    const hosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
    if (!isWildcard(host)) hosts.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    for (const s of schemes) for (const h of hosts) this.#allowed.add(`${s}://${h}:${port}`);
  }

  isAllowed(origin: string | string[] | undefined): boolean {
    if (origin === undefined) return true;
    if (Array.isArray(origin)) return false;
    const n = normaliseOrigin(origin);
    return n !== undefined && this.#allowed.has(n);
  }

  get allowed(): string[] {
    return [...this.#allowed];
  }
}

/** `scheme://host:port` with the default port made explicit; undefined for "null" and junk. */
export function normaliseOrigin(origin: string): string | undefined {
  if (origin === 'null') return undefined;
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return `${u.protocol}//${u.hostname.toLowerCase()}:${port}`;
  } catch {
    return undefined;
  }
}

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}
