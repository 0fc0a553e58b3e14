import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StudioError } from '@synthetic-studio/shared';
import { defaultStudioDirs } from './paths.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7788;

/** The user-editable settings file `<configDir>/config.json`; every key is optional. */
export const ConfigFileSchema = z
  .object({
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    /** Web origins (scheme://host:port) allowed besides the bridge's own. */
    allowedOrigins: z.array(z.string()).optional(),
    /** Jobs run at the same time. */
    concurrency: z.number().int().min(1).max(16).optional(),
    /** Data folder override (jobs, logs, models). */
    dataDir: z.string().min(1).optional(),
    modelsDir: z.string().min(1).optional(),
    /** Largest accepted source frame in pixels. Default covers DCI 4K; 8K is refused. */
    maxPixels: z.number().int().positive().optional(),
    /** onnxruntime execution providers to try, in order. */
    executionProviders: z.array(z.string()).optional(),
    tls: z.object({ cert: z.string(), key: z.string() }).strict().optional(),
  })
  .strict();
export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/** Settings after defaults, file and explicit options are merged. */
export interface BridgeConfig {
  host: string;
  port: number;
  /** True when the host was chosen explicitly (a non-loopback bind is then allowed, with a warning). */
  hostExplicit: boolean;
  allowedOrigins: string[];
  concurrency: number;
  configDir: string;
  dataDir: string;
  modelsDir: string;
  maxPixels: number;
  executionProviders: string[];
  tls?: { cert: string; key: string };
}

export const DEFAULT_MAX_PIXELS = 4096 * 2304;

export interface ConfigOverrides {
  host?: string;
  port?: number;
  allowedOrigins?: string[];
  concurrency?: number;
  configDir?: string;
  dataDir?: string;
  tls?: { cert: string; key: string };
}

/** Read `<configDir>/config.json` (absent = empty); a broken file is an error that names it. */
export function readConfigFile(configDir: string): ConfigFile {
  const file = path.join(configDir, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StudioError('E_VALIDATION', `The config file ${file} is not valid JSON; fix or delete it.`, { file });
  }
  const r = ConfigFileSchema.safeParse(json);
  if (!r.success) throw new StudioError('E_VALIDATION', `The config file ${file} is invalid: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { file });
  return r.data;
}

/** Defaults ← config file ← explicit options (CLI flags, startBridge options). */
export function loadConfig(overrides: ConfigOverrides = {}): BridgeConfig {
  const dirs = defaultStudioDirs();
  const configDir = path.resolve(overrides.configDir ?? dirs.configDir);
  const file = readConfigFile(configDir);
  const dataDir = path.resolve(overrides.dataDir ?? file.dataDir ?? (overrides.configDir ? path.join(configDir, 'data') : dirs.dataDir));
  const host = overrides.host ?? file.host;
  return {
    host: host ?? DEFAULT_HOST,
    hostExplicit: host !== undefined,
    port: overrides.port ?? file.port ?? DEFAULT_PORT,
    allowedOrigins: [...(file.allowedOrigins ?? []), ...(overrides.allowedOrigins ?? [])],
    concurrency: overrides.concurrency ?? file.concurrency ?? 1,
    configDir,
    dataDir,
    modelsDir: path.resolve(file.modelsDir ?? path.join(dataDir, 'models')),
    maxPixels: file.maxPixels ?? DEFAULT_MAX_PIXELS,
    executionProviders: file.executionProviders ?? ['cpu'],
    ...(overrides.tls ?? file.tls ? { tls: overrides.tls ?? file.tls } : {}),
  };
}
