import { posix, win32 } from 'node:path';

/** Where an install looks, for one OS (injectable so macOS/Windows plans are testable anywhere). */
export interface PlatformEnv {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
}

export function pathFor(platform: NodeJS.Platform): typeof posix {
  return platform === 'win32' ? win32 : posix;
}

const MAC_BMD = '/Library/Application Support/Blackmagic Design/DaVinci Resolve';

function programData(p: PlatformEnv): string {
  return p.env.PROGRAMDATA ?? p.env.ProgramData ?? 'C:\\ProgramData';
}

/** Resolve scans this folder at startup (hosts.md 2.2). Linux has no Workflow Integrations: null. */
export function workflowPluginsDir(p: PlatformEnv): string | null {
  if (p.platform === 'darwin') return `${MAC_BMD}/Workflow Integration Plugins`;
  if (p.platform === 'win32') return win32.join(programData(p), 'Blackmagic Design', 'DaVinci Resolve', 'Support', 'Workflow Integration Plugins');
  return null;
}

/**
 * `WorkflowIntegration.node` from the user's own Resolve: its Developer package ships it with the
 * examples. SamplePlugin's binary first (the modern sandboxed model), then the Promise sample's.
 */
export function nativeModuleCandidates(p: PlatformEnv): string[] {
  let base: string | null = null;
  if (p.platform === 'darwin') base = `${MAC_BMD}/Developer/Workflow Integrations/Examples`;
  if (p.platform === 'win32') base = win32.join(programData(p), 'Blackmagic Design', 'DaVinci Resolve', 'Support', 'Developer', 'Workflow Integrations', 'Examples');
  if (!base) return [];
  const path = pathFor(p.platform);
  return ['SamplePlugin', 'SamplePromisePlugin'].map((s) => path.join(base!, s, 'WorkflowIntegration.node'));
}

/** Per-user Fusion Scripts folder (no administrator rights needed); scripts go in its Utility sub-folder (every page). */
export function fusionScriptsDir(p: PlatformEnv): string {
  if (p.platform === 'darwin') return posix.join(p.home, 'Library', 'Application Support', 'Blackmagic Design', 'DaVinci Resolve', 'Fusion', 'Scripts');
  if (p.platform === 'win32') {
    // The README prints "%APPDATA%\Roaming\..."; %APPDATA% already ends in Roaming.
    const appData = p.env.APPDATA ?? win32.join(p.home, 'AppData', 'Roaming');
    return win32.join(appData, 'Blackmagic Design', 'DaVinci Resolve', 'Support', 'Fusion', 'Scripts');
  }
  return posix.join(p.home, '.local', 'share', 'DaVinciResolve', 'Fusion', 'Scripts');
}
