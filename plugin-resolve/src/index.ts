// Public surface of the Resolve plugin package (used by the installer CLI and tests).
export { PLUGIN_ID, IPC, PRELOAD_GLOBAL, type ResolvePreloadApi, type Envelope, type HostInfo, type BridgeConfig, type SelectionRequest, type SelectionResult } from './plugin/ipc.js';
export { manifestXml, parseManifestXml, defaultManifest, PLUGIN_FOLDER, type PluginManifest } from './plugin/manifest.js';
export { buildResolvePlugin, DEFAULT_BUILD_DIR, PLUGIN_FILES, PLUGIN_PACKAGE_ROOT, SCRIPT_SOURCE, pluginVersion } from './install/build-plugin.js';
export { ResolveService, type ResolveServiceOptions } from './main/service.js';
export { connectResolve, type ResolveConnection } from './main/connection.js';
export type { WorkflowIntegrationModule, ResolveApi } from './main/resolve-api.js';
export { ResolveHost, type ResolveHostOptions } from './renderer/resolve-host.js';
export { installResolvePlugin, uninstallResolvePlugin, installResolveScript, uninstallResolveScript, InstallError, SCRIPT_NAME, SCRIPT_SETTINGS, BRIDGE_LINK_FILE, type InstallOptions, type InstallResult, type InstallStep, type BridgeLink } from './install/resolve-install.js';
export { workflowPluginsDir, nativeModuleCandidates, fusionScriptsDir, type PlatformEnv } from './install/resolve-paths.js';
