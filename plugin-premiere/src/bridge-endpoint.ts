import type { PanelStorage } from '@synthetic-studio/shared/panel/index.js';

/**
 * Where the panel finds the bridge. UXP only lets a plugin reach origins listed in its manifest
 * (`requiredPermissions.network.domains`, exact scheme://host:port), so the port is fixed at build
 * time: it must equal the bridge's default port (bridge-server/src/config DEFAULT_PORT; the
 * manifest test checks both). The literal 127.0.0.1 avoids `localhost` resolving to ::1 on macOS.
 */
export const BRIDGE_HOST = '127.0.0.1';
export const DEFAULT_BRIDGE_PORT = 7788;

/** Every origin the panel may use: ws/http normally, wss/https after `synthetic-studio cert`. */
export function bridgeOrigins(port: number = DEFAULT_BRIDGE_PORT): string[] {
  return ['ws', 'http', 'wss', 'https'].map((scheme) => `${scheme}://${BRIDGE_HOST}:${port}`);
}

export interface EndpointSettings {
  /** Use https/wss (needed where Premiere refuses plain ws/http, e.g. macOS). */
  secure: boolean;
}

export const SECURE_KEY = 'synthetic-studio.secure';

export function readEndpoint(storage: PanelStorage): EndpointSettings {
  return { secure: storage.getItem(SECURE_KEY) === '1' };
}

export function writeEndpoint(storage: PanelStorage, settings: EndpointSettings): void {
  if (settings.secure) storage.setItem(SECURE_KEY, '1');
  else storage.removeItem(SECURE_KEY);
}

/** HTTP base of the bridge; the panel derives the websocket URL (ws→wss with https). */
export function bridgeUrl(settings: EndpointSettings, port: number = DEFAULT_BRIDGE_PORT): string {
  return `${settings.secure ? 'https' : 'http'}://${BRIDGE_HOST}:${port}`;
}
