export { resolveStudioDirs, resolveUserPath, defaultStudioDirs, jobWorkDir, APP_DISPLAY_NAME, APP_SLUG, type StudioDirs, type DirsInput } from './paths.js';
export { loadConfig, readConfigFile, ConfigFileSchema, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_PIXELS, type BridgeConfig, type ConfigFile, type ConfigOverrides } from './config.js';
export { ensureToken, tokenMatches, TOKEN_FILE } from './token.js';
export { PairingCodes, type PairingOptions } from './pairing.js';
