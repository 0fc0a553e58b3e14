import fs from 'node:fs';
import path from 'node:path';
import { pino, destination, stdTimeFunctions, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON log at `<dataDir>/logs/bridge.log`. Writes are synchronous: there are few lines
 * (one per job transition plus warnings), and a line written just before a SIGKILL must survive.
 */
export function createFileLogger(dataDir: string, level: string = process.env.SYNTHETIC_STUDIO_LOG_LEVEL ?? 'info'): Logger {
  const dir = path.join(dataDir, 'logs');
  fs.mkdirSync(dir, { recursive: true });
  const dest = destination({ dest: path.join(dir, 'bridge.log'), sync: true, append: true });
  return pino({ level, base: { pid: process.pid }, timestamp: stdTimeFunctions.isoTime }, dest);
}

/** Path of the log file for a data folder. */
export function logFilePath(dataDir: string): string {
  return path.join(dataDir, 'logs', 'bridge.log');
}
