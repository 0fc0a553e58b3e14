import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '@synthetic-studio/shared';
import type { LocalTls } from './local-ca.js';

export interface TlsPaths {
  dir: string;
  /** The CA certificate to trust (.crt so Windows opens it with the certificate installer). */
  caCert: string;
  /** Server certificate chain (PEM) and key (PEM, owner-only). */
  cert: string;
  key: string;
}

export function tlsPaths(dir: string): TlsPaths {
  return {
    dir,
    caCert: path.join(dir, 'synthetic-studio-ca.crt'),
    cert: path.join(dir, 'server.pem'),
    key: path.join(dir, 'server-key.pem'),
  };
}

/** Write the CA certificate and the server pair; the key is readable by its owner only. */
export function writeLocalTls(dir: string, tls: LocalTls): TlsPaths {
  const p = tlsPaths(dir);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(p.caCert, tls.caCertPem);
  fs.writeFileSync(p.cert, tls.server.certPem);
  fs.writeFileSync(p.key, tls.server.keyPem, { mode: 0o600 });
  fs.chmodSync(p.key, 0o600); // also when the file existed with wider permissions
  return p;
}

/**
 * Point `<configDir>/config.json` at the certificate (`tls: {cert, key}`), keeping every other
 * setting. The bridge then serves https/wss on its usual port.
 */
export function enableTlsInConfig(configDir: string, paths: { cert: string; key: string }): string {
  const file = path.join(configDir, 'config.json');
  let config: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      throw new StudioError('E_VALIDATION', `The config file ${file} is not valid JSON; fix or delete it, then run the command again.`, { file });
    }
  }
  config.tls = { cert: paths.cert, key: paths.key };
  fs.mkdirSync(configDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`);
  fs.renameSync(tmp, file);
  return file;
}
