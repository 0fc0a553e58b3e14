import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { createLocalTls, enableTlsInConfig, trustInstructions, writeLocalTls } from '../../security/index.js';

interface CertOptions {
  configDir?: string;
  dir?: string;
  config: boolean;
}

/**
 * `synthetic-studio cert`: create a local CA and a 127.0.0.1/localhost certificate, switch the
 * bridge to https/wss, and explain how to trust the CA (Premiere on macOS needs a trusted
 * certificate for wss://).
 */
export function registerCertCommand(program: Command): void {
  program
    .command('cert')
    .description('Create a local certificate authority and a 127.0.0.1/localhost certificate so the bridge serves https:// and wss:// (needed by Premiere Pro on macOS), and explain how to trust it.')
    .option('--config-dir <dir>', 'config folder (config.json, token)')
    .option('--dir <dir>', 'where to write the certificate files (default <config folder>/tls)')
    .option('--no-config', 'only write the files; do not switch config.json to TLS')
    .action((opts: CertOptions) => {
      const config = loadConfig({ configDir: opts.configDir });
      const dir = path.resolve(opts.dir ?? path.join(config.configDir, 'tls'));
      const paths = writeLocalTls(dir, createLocalTls());
      process.stdout.write(`Wrote ${paths.caCert}\n      ${paths.cert}\n      ${paths.key}\n`);
      if (opts.config) {
        const file = enableTlsInConfig(config.configDir, paths);
        process.stdout.write(`Updated ${file}: the bridge now serves https://${config.host}:${config.port} and wss://${config.host}:${config.port}/ws\n`);
      }
      process.stdout.write(`\n${trustInstructions(paths.caCert)}\n`);
    });
}
