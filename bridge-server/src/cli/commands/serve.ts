import type { Command } from 'commander';
import { startBridge } from '../../server/index.js';
import { collect, parseIntOption } from '../options.js';

interface ServeOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  configDir?: string;
  allowOrigin: string[];
  concurrency?: number;
  tlsCert?: string;
  tlsKey?: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the bridge (HTTP API, websocket and browser panel) that host panels and scripts talk to.')
    .option('--host <address>', 'address to listen on (default 127.0.0.1; anything else is reachable from other machines)')
    .option('--port <n>', 'port (default 7788; 0 = any free port)', parseIntOption)
    .option('--data-dir <dir>', 'data folder for jobs, logs and models')
    .option('--config-dir <dir>', 'config folder (config.json, token)')
    .option('--allow-origin <origin>', 'web origin allowed to use the bridge (repeatable)', collect, [])
    .option('--concurrency <n>', 'jobs run at the same time (default 1)', parseIntOption)
    .option('--tls-cert <file>', 'serve https/wss with this certificate (PEM)')
    .option('--tls-key <file>', 'private key for --tls-cert (PEM)')
    .action(async (opts: ServeOptions) => {
      if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw new Error('--tls-cert and --tls-key go together');
      const bridge = await startBridge({
        host: opts.host,
        port: opts.port,
        dataDir: opts.dataDir,
        configDir: opts.configDir,
        allowedOrigins: opts.allowOrigin,
        concurrency: opts.concurrency,
        ...(opts.tlsCert && opts.tlsKey ? { tls: { cert: opts.tlsCert, key: opts.tlsKey } } : {}),
        onPairingCode: (code) => process.stdout.write(`Pairing code: ${code}\n`),
        onWarning: (w) => process.stderr.write(`warning: ${w}\n`),
      });
      process.stdout.write(`Synthetic Studio bridge listening on ${bridge.url} (websocket ${bridge.wsUrl})\n`);
      if (bridge.panelUrl) process.stdout.write(`Browser panel: ${bridge.panelUrl}\n`);
      process.stdout.write(`Data folder: ${bridge.config.dataDir}\n`);
      process.stdout.write(`Tasks: ${[...bridge.jobs.tasks.keys()].join(', ') || '(none)'}\n`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`\n${signal}: stopping (running jobs resume on the next start)…\n`);
        void bridge.close().then(() => process.exit(0));
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
