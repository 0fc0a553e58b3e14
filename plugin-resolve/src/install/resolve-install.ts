import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { buildResolvePlugin, PLUGIN_FILES, SCRIPT_SOURCE } from './build-plugin.js';
import { PLUGIN_FOLDER, parseManifestXml } from '../plugin/manifest.js';
import { PLUGIN_ID } from '../plugin/ipc.js';
import { fusionScriptsDir, nativeModuleCandidates, pathFor, workflowPluginsDir, type PlatformEnv } from './resolve-paths.js';

/** The bridge the installed panel and script talk to (written beside them as JSON). */
export interface BridgeLink {
  url: string;
  tokenFile?: string;
}

export interface InstallOptions extends PlatformEnv {
  /** Install into DIR instead of the OS folder (the plugin goes in DIR/com.syntheticstudio.resolve). */
  dest?: string;
  dryRun?: boolean;
  /** An explicit WorkflowIntegration.node to copy. */
  from?: string;
  bridge: BridgeLink;
  exists?: (path: string) => boolean;
}

export interface InstallStep {
  op: 'build' | 'copy' | 'write' | 'remove';
  to: string;
  from?: string;
}

export interface InstallResult {
  /** Where the plugin folder or script is. */
  target: string;
  steps: InstallStep[];
  /** Lines for the person installing. */
  messages: string[];
  /** The WorkflowIntegration.node copied (or that would be), null when none was found. */
  nativeModule: string | null;
}

export const SCRIPT_NAME = 'Synthetic Studio.py';
export const SCRIPT_SETTINGS = 'synthetic_studio_bridge.json';
export const BRIDGE_LINK_FILE = 'bridge.json';

export class InstallError extends Error {}

function pluginTarget(o: InstallOptions): string {
  const path = pathFor(o.platform);
  const root = o.dest ?? workflowPluginsDir(o);
  if (!root) {
    throw new InstallError('DaVinci Resolve has no Workflow Integration plugins on Linux. Use `synthetic-studio install resolve-script` (Workspace → Scripts), or --dest DIR to stage the plugin folder.');
  }
  return path.join(root, PLUGIN_FOLDER);
}

function run(step: InstallStep): void {
  if (step.op === 'copy') copyFileSync(step.from!, step.to);
  if (step.op === 'remove') rmSync(step.to, { recursive: true, force: true });
}

function permissionHint(e: unknown, platform: NodeJS.Platform): never {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    throw new InstallError(platform === 'win32' ? 'Permission denied: run the command from an Administrator terminal (the plugin folder is under ProgramData).' : 'Permission denied: run the command with sudo (the plugin folder is under /Library).');
  }
  throw e;
}

/**
 * Install the Workflow Integration plugin: build it into the plugins folder, link it to the
 * bridge, and copy WorkflowIntegration.node from the user's own Resolve (never redistributed).
 * Without Resolve it installs the rest and says where that file will come from.
 */
export async function installResolvePlugin(o: InstallOptions): Promise<InstallResult> {
  const path = pathFor(o.platform);
  const exists = o.exists ?? existsSync;
  const target = pluginTarget(o);
  const candidates = o.from ? [o.from] : nativeModuleCandidates(o);
  const native = candidates.find((c) => exists(c)) ?? null;
  const steps: InstallStep[] = [];
  if (exists(target)) {
    assertOurs(target, o.platform);
    steps.push({ op: 'remove', to: target });
  }
  steps.push({ op: 'build', to: target });
  for (const f of PLUGIN_FILES) steps.push({ op: 'write', to: path.join(target, f) });
  steps.push({ op: 'write', to: path.join(target, BRIDGE_LINK_FILE) });
  if (native) steps.push({ op: 'copy', from: native, to: path.join(target, 'WorkflowIntegration.node') });

  const messages: string[] = [];
  messages.push(`${o.dryRun ? 'Would install' : 'Installed'} the Synthetic Studio Workflow Integration plugin in ${target}`);
  if (native) {
    messages.push(`WorkflowIntegration.node ${o.dryRun ? 'would be copied' : 'copied'} from your Resolve installation: ${native}`);
  } else {
    messages.push(
      o.from
        ? `WorkflowIntegration.node not found at ${o.from}.`
        : 'DaVinci Resolve Studio is not installed here, so WorkflowIntegration.node was not copied.',
      `It comes from your own Resolve Studio installation (${candidates.join(' or ') || 'its Developer/Workflow Integrations/Examples folder'}); install Resolve Studio and run \`synthetic-studio install resolve\` again, or pass --from PATH.`,
    );
  }
  messages.push('Restart DaVinci Resolve Studio, then open Workspace → Workflow Integrations → Synthetic Studio.');
  if (o.dryRun) return { target, steps, messages, nativeModule: native };

  try {
    for (const step of steps) {
      if (step.op === 'remove') run(step);
    }
    mkdirSync(target, { recursive: true });
    await buildResolvePlugin(target);
    writeFileSync(path.join(target, BRIDGE_LINK_FILE), JSON.stringify(o.bridge, null, 2) + '\n');
    for (const step of steps) if (step.op === 'copy') run(step);
  } catch (e) {
    if (e instanceof InstallError) throw e;
    permissionHint(e, o.platform);
  }
  return { target, steps, messages, nativeModule: native };
}

/** Refuse to replace or remove a folder whose manifest names another plugin. */
function assertOurs(target: string, platform: NodeJS.Platform): void {
  const manifest = pathFor(platform).join(target, 'manifest.xml');
  if (!existsSync(manifest)) return; // a half-installed folder of ours, or an empty one
  if (parseManifestXml(readFileSync(manifest, 'utf8')).id !== PLUGIN_ID) {
    throw new InstallError(`${target} is not a Synthetic Studio plugin folder (its manifest.xml has another Id); not touching it.`);
  }
}

/** Remove the plugin folder, but only when its manifest says it is ours. */
export function uninstallResolvePlugin(o: Omit<InstallOptions, 'bridge' | 'from'>): InstallResult {
  const exists = o.exists ?? existsSync;
  const target = pluginTarget({ ...o, bridge: { url: '' } });
  if (!exists(target)) return { target, steps: [], messages: [`Nothing to remove: ${target} does not exist.`], nativeModule: null };
  assertOurs(target, o.platform);
  const steps: InstallStep[] = [{ op: 'remove', to: target }];
  if (!o.dryRun) {
    try {
      run(steps[0]!);
    } catch (e) {
      permissionHint(e, o.platform);
    }
  }
  return { target, steps, messages: [`${o.dryRun ? 'Would remove' : 'Removed'} ${target}. Restart DaVinci Resolve to drop it from the menu.`], nativeModule: null };
}

function scriptTarget(o: Pick<InstallOptions, 'dest' | 'platform' | 'env' | 'home'>): string {
  return o.dest ?? pathFor(o.platform).join(fusionScriptsDir(o), 'Utility');
}

/** Put the free-edition script (and its bridge link) in the Fusion Scripts/Utility folder. */
export function installResolveScript(o: Omit<InstallOptions, 'from'>): InstallResult {
  const path = pathFor(o.platform);
  const target = scriptTarget(o);
  const script = path.join(target, SCRIPT_NAME);
  const steps: InstallStep[] = [
    { op: 'copy', from: SCRIPT_SOURCE, to: script },
    { op: 'write', to: path.join(target, SCRIPT_SETTINGS) },
  ];
  const messages = [
    `${o.dryRun ? 'Would install' : 'Installed'} ${script}`,
    'Restart DaVinci Resolve, then run Workspace → Scripts → Synthetic Studio (free and Studio editions).',
  ];
  if (o.platform === 'darwin') messages.push('Resolve on macOS finds Python 3 only via PYTHON3HOME or /usr/local/bin/python3; without it the script does not appear.');
  if (!o.dryRun) {
    try {
      mkdirSync(target, { recursive: true });
      run(steps[0]!);
      writeFileSync(steps[1]!.to, JSON.stringify(o.bridge, null, 2) + '\n');
    } catch (e) {
      permissionHint(e, o.platform);
    }
  }
  return { target: script, steps, messages, nativeModule: null };
}

export function uninstallResolveScript(o: Omit<InstallOptions, 'bridge' | 'from'>): InstallResult {
  const path = pathFor(o.platform);
  const target = scriptTarget(o);
  const steps: InstallStep[] = [SCRIPT_NAME, SCRIPT_SETTINGS].map((f) => ({ op: 'remove' as const, to: path.join(target, f) }));
  if (!o.dryRun) for (const s of steps) run(s);
  return { target: path.join(target, SCRIPT_NAME), steps, messages: [`${o.dryRun ? 'Would remove' : 'Removed'} ${path.join(target, SCRIPT_NAME)}.`], nativeModule: null };
}
