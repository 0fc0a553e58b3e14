import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';
import { WebSocketServer } from 'ws';
import { MAX_MESSAGE_BYTES, serverMessage, type ModelInfo } from '@synthetic-studio/shared';
import { ensureToken, loadConfig, PairingCodes, tokenMatches, type BridgeConfig } from '../config/index.js';
import { JobService, type JobEvent } from '../jobs/index.js';
import { createFileLogger, type Logger } from '../logging/index.js';
import { taskRegistry, type TaskRegistry } from '../tasks/registry.js';
import { originGuard, tokenGuard } from './auth.js';
import { buildCapabilities } from './capabilities.js';
import { apiErrorHandler, jobsApiRouter, jsonBody, publicApiRouter } from './http-api.js';
import { listModels } from './models-info.js';
import { isLoopbackHost, isWildcard, OriginPolicy } from './origin.js';
import { WsConnection } from './ws-connection.js';

export { OriginPolicy, isLoopbackHost, normaliseOrigin } from './origin.js';
export { buildCapabilities, SERVER_NAME, SERVER_VERSION } from './capabilities.js';
export { onnxRuntimeInfo, type OnnxRuntimeInfo } from './runtime-info.js';
export { httpStatusFor } from './http-errors.js';
export { listModels } from './models-info.js';

export interface StartBridgeOptions {
  host?: string;
  /** 0 = a random free port. */
  port?: number;
  dataDir?: string;
  configDir?: string;
  allowedOrigins?: string[];
  concurrency?: number;
  /** PEM text or paths of a certificate and key: serve https/wss instead of http/ws. */
  tls?: { cert: string; key: string };
  /** Override the task registry (tests). */
  tasks?: TaskRegistry;
  /** Installed models for capabilities / models.list. */
  listModels?: () => ModelInfo[] | Promise<ModelInfo[]>;
  /** Called with each new pairing code (at start and after each use). */
  onPairingCode?: (code: string) => void;
  /** Called with warnings meant for the person who started the bridge (e.g. non-loopback bind). */
  onWarning?: (message: string) => void;
  /** Mount the panel's web routes from `src/web/` when present (default true). */
  web?: boolean;
  progressIntervalMs?: number;
}

/** What the panel's route modules get (`src/web/index.ts` → `mountWebRoutes(app, deps)`). */
export interface WebDeps {
  jobs: JobService;
  config: BridgeConfig;
  log: Logger;
  /** Put this before any route that must need the token (Bearer header or ?token=). */
  requireAuth: RequestHandler;
}

export interface Bridge {
  url: string;
  wsUrl: string;
  port: number;
  token: string;
  /** The browser panel's address, when the web routes (src/web) are present. */
  panelUrl?: string;
  /** The current pairing code (it changes after each successful pairing). */
  readonly pairingCode: string;
  config: BridgeConfig;
  jobs: JobService;
  log: Logger;
  close(): Promise<void>;
}

/** WebSocket frames up to this size are read so that 1–2 MiB messages get a coded error, not a dropped connection. */
const WS_MAX_PAYLOAD = MAX_MESSAGE_BYTES * 2;

/**
 * Start the bridge: HTTP API + websocket on one port, the durable job system, auth and origin
 * checks. Resolves once it listens.
 */
export async function startBridge(options: StartBridgeOptions = {}): Promise<Bridge> {
  const config = loadConfig({
    host: options.host,
    port: options.port,
    allowedOrigins: options.allowedOrigins,
    concurrency: options.concurrency,
    configDir: options.configDir,
    dataDir: options.dataDir,
    tls: options.tls,
  });
  const log = createFileLogger(config.dataDir);
  const token = ensureToken(config.configDir);
  const pairing = new PairingCodes((code) => options.onPairingCode?.(code));
  const tasks = options.tasks ?? taskRegistry;
  const jobs = JobService.open({
    dataDir: config.dataDir,
    log,
    concurrency: config.concurrency,
    tasks,
    env: { modelsDir: config.modelsDir, maxPixels: config.maxPixels, executionProviders: config.executionProviders },
    progressIntervalMs: options.progressIntervalMs,
  });

  try {
    const models = async (): Promise<ModelInfo[]> => {
      if (options.listModels) return options.listModels();
      try {
        return listModels(config.modelsDir);
      } catch (err) {
        log.warn({ err }, 'listing models failed');
        return [];
      }
    };
    const capabilities = async () => buildCapabilities(tasks, config, await models());
    const origins = new OriginPolicy(config.allowedOrigins);

    const app: Express = express();
    app.disable('x-powered-by');
    app.use(originGuard(origins));
    app.use('/api', jsonBody);
    const apiDeps = { jobs, token, pairing, capabilities, log };
    app.use('/api', publicApiRouter(apiDeps));
    app.use('/api', jobsApiRouter(apiDeps));
    const webMounted = options.web !== false && (await mountWeb(app, { jobs, config, log, requireAuth: tokenGuard(token) }));
    app.use('/api', apiErrorHandler(log));

    const server = config.tls ? https.createServer({ cert: pem(config.tls.cert), key: pem(config.tls.key) }, app) : http.createServer(app);
    const sockets = new Set<Socket>();
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('clientError', (_err, socket) => socket.destroy());

    const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
    const connections = new Set<WsConnection>();
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => socket.destroy());
      const url = new URL(req.url ?? '/', 'http://bridge');
      if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'Not Found');
      if (!origins.isAllowed(req.headers.origin)) {
        log.warn({ origin: req.headers.origin }, 'websocket from a disallowed origin refused');
        return refuseUpgrade(socket, 403, 'Forbidden');
      }
      const qToken = url.searchParams.get('token');
      if (qToken !== null && !tokenMatches(token, qToken)) return refuseUpgrade(socket, 401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => {
        const conn = new WsConnection(ws, { jobs, token, pairing, capabilities, models, log }, qToken !== null);
        connections.add(conn);
        ws.on('close', () => connections.delete(conn));
      });
    });

    const offJobs = jobs.subscribe((e) => {
      const msg = toServerMessage(e);
      for (const c of connections) if (c.ready) c.send(msg);
    });

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => log.error({ err }, 'server error'));
    const port = (server.address() as AddressInfo).port;
    origins.allowOwn(config.host, port, Boolean(config.tls));
    if (!isLoopbackHost(config.host)) {
      const warning = `The bridge listens on ${config.host}, reachable from other machines; anyone with the token can run jobs and read files this user can read.`;
      log.warn({ host: config.host }, warning);
      options.onWarning?.(warning);
    }
    const urlHost = isWildcard(config.host) ? '127.0.0.1' : config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host;
    const scheme = config.tls ? 'https' : 'http';
    const url = `${scheme}://${urlHost}:${port}`;
    const wsUrl = `${config.tls ? 'wss' : 'ws'}://${urlHost}:${port}/ws`;
    log.info({ url, dataDir: config.dataDir, concurrency: config.concurrency, tasks: [...tasks.keys()] }, 'bridge started');
    options.onPairingCode?.(pairing.code);
    jobs.start();

    let closing: Promise<void> | undefined;
    return {
      url,
      wsUrl,
      port,
      token,
      ...(webMounted ? { panelUrl: `${url}/` } : {}),
      get pairingCode() {
        return pairing.code;
      },
      config,
      jobs,
      log,
      close() {
        closing ??= (async () => {
          offJobs();
          for (const c of connections) c.ws.close(1001, 'bridge shutting down');
          wss.close();
          await new Promise<void>((r) => {
            server.close(() => r());
            for (const s of sockets) s.destroy();
          });
          await jobs.close();
          log.info('bridge stopped');
          log.flush?.();
        })();
        return closing;
      },
    };
  } catch (e) {
    await jobs.close();
    throw e;
  }
}

function toServerMessage(e: JobEvent) {
  switch (e.type) {
    case 'state':
      return serverMessage('job.state', { jobId: e.job.id, state: e.job.state });
    case 'progress':
      return serverMessage('job.progress', { jobId: e.jobId, progress: e.progress });
    case 'result':
      return serverMessage('job.result', { jobId: e.jobId, outputs: e.outputs, metrics: e.metrics, notes: e.notes, seconds: e.seconds });
    case 'error':
      return serverMessage('job.error', { jobId: e.jobId, error: e.error });
  }
}

function refuseUpgrade(socket: import('node:stream').Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function pem(value: string): string {
  return value.includes('-----BEGIN') ? value : fs.readFileSync(value, 'utf8');
}

/** Mount the panel's routes when `src/web/index.ts` exists and exports `mountWebRoutes`. */
async function mountWeb(app: Express, deps: WebDeps): Promise<boolean> {
  const entry = fileURLToPath(new URL('../web/index.ts', import.meta.url));
  if (!fs.existsSync(entry)) return false;
  // A variable specifier: the web folder is optional at type-check time.
  const specifier = '../web/index.js';
  const mod = (await import(specifier)) as { mountWebRoutes?: (app: Express, deps: WebDeps) => void | Promise<void> };
  if (typeof mod.mountWebRoutes === 'function') {
    await mod.mountWebRoutes(app, deps);
    return true;
  }
  deps.log.warn('src/web/index.ts does not export mountWebRoutes; the browser panel is not served');
  return false;
}
