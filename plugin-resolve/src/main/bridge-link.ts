import { existsSync, readFileSync } from 'node:fs';
import { StudioError } from '@synthetic-studio/shared';
import type { BridgeConfig, BridgeFetchRequest, BridgeFetchResponse } from '../plugin/ipc.js';

/** `bridge.json` beside main.js, written by `synthetic-studio install resolve`. */
export interface BridgeLinkFile {
  url: string;
  /** The bridge's token file; read at each request so a re-created token is picked up. */
  tokenFile?: string;
}

export const DEFAULT_BRIDGE_URL = 'http://127.0.0.1:7788';

/** Where the panel finds the bridge, and its token when this machine's bridge has one. */
export function readBridgeConfig(linkPath: string, env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  let link: BridgeLinkFile = { url: DEFAULT_BRIDGE_URL };
  if (existsSync(linkPath)) {
    try {
      link = { ...link, ...(JSON.parse(readFileSync(linkPath, 'utf8')) as Partial<BridgeLinkFile>) };
    } catch {
      /* a damaged link file falls back to the default bridge */
    }
  }
  const url = (env.SYNTHETIC_STUDIO_URL || link.url).replace(/\/$/, '');
  let token = env.SYNTHETIC_STUDIO_TOKEN || undefined;
  if (!token && link.tokenFile && existsSync(link.tokenFile)) {
    const text = readFileSync(link.tokenFile, 'utf8').trim();
    try {
      const parsed = JSON.parse(text) as { token?: unknown };
      if (typeof parsed.token === 'string') token = parsed.token;
    } catch {
      token = text || undefined;
    }
  }
  return token ? { url, token } : { url };
}

/**
 * Fetch from the bridge on behalf of the page. Only URLs under the configured bridge are allowed,
 * so the page cannot use main.js to reach anything else.
 */
export async function bridgeFetch(config: BridgeConfig, req: BridgeFetchRequest): Promise<BridgeFetchResponse> {
  const base = new URL(config.url);
  const target = new URL(req.url);
  if (target.origin !== base.origin) throw new StudioError('E_HOST_REFUSED', `The panel may only call the bridge at ${base.origin}.`);
  const res = await fetch(target, { method: req.method ?? 'GET', headers: req.headers ?? {}, ...(req.body !== undefined ? { body: req.body } : {}) });
  return { status: res.status, body: await res.text() };
}
