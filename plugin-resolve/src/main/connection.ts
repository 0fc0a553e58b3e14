import { StudioError } from '@synthetic-studio/shared';
import type { ResolveApi, WorkflowIntegrationModule } from './resolve-api.js';

export interface ResolveConnection {
  resolve: ResolveApi;
  /** 'promise': 20.1+ Promise API; 'classic': blocking calls bounded by SetAPITimeout. */
  flavour: 'promise' | 'classic';
  /** Release Resolve's interface (call when the app quits). */
  close(): void;
}

export interface ConnectOptions {
  /** Upper bound for one classic (blocking) call; default Resolve never times out. */
  apiTimeoutSeconds?: number;
}

/**
 * Initialise `WorkflowIntegration.node` for this plugin and get the Resolve object. Prefers the
 * Promise API (so Electron's main process is never frozen by a slow call, pitfall 23); falls back
 * to the classic API with an API timeout. `Initialize` only succeeds when Resolve itself launched
 * the plugin and the id equals the manifest's <Id> (pitfall 21).
 */
export async function connectResolve(wi: WorkflowIntegrationModule, pluginId: string, options: ConnectOptions = {}): Promise<ResolveConnection> {
  const timeout = options.apiTimeoutSeconds ?? 30;
  if (typeof wi.InitializePromise === 'function' && typeof wi.GetResolvePromise === 'function') {
    const ok = await wi.InitializePromise(pluginId);
    if (!ok) throw notLaunched(pluginId);
    const resolve = await wi.GetResolvePromise();
    if (!resolve) throw notLaunched(pluginId);
    return { resolve, flavour: 'promise', close: () => void wi.CleanUp() };
  }
  if (!wi.Initialize(pluginId)) throw notLaunched(pluginId);
  // Classic calls block the main process and never time out by default.
  wi.SetAPITimeout(timeout);
  const resolve = wi.GetResolve();
  if (!resolve) throw notLaunched(pluginId);
  return { resolve, flavour: 'classic', close: () => void wi.CleanUp() };
}

function notLaunched(pluginId: string): StudioError {
  return new StudioError(
    'E_HOST_UNAVAILABLE',
    `Resolve refused the Workflow Integration connection for ${pluginId}. Open the panel from Workspace → Workflow Integrations in DaVinci Resolve Studio (the free edition has no Workflow Integrations: use Workspace → Scripts → Synthetic Studio instead).`,
  );
}
