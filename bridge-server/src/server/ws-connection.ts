import type { WebSocket } from 'ws';
import {
  MAX_MESSAGE_BYTES,
  parseClientMessage,
  serverMessage,
  StudioError,
  toStudioError,
  type Capabilities,
  type ClientMessage,
  type ModelInfo,
  type ServerMessage,
} from '@synthetic-studio/shared';
import { tokenMatches, type PairingCodes } from '../config/index.js';
import type { JobService } from '../jobs/index.js';
import type { Logger } from '../logging/index.js';

export interface WsDeps {
  jobs: JobService;
  token: string;
  pairing: PairingCodes;
  capabilities: () => Promise<Capabilities>;
  models: () => Promise<ModelInfo[]>;
  log: Logger;
}

/** Progress is dropped (state and results never are) while a slow client has this much unsent. */
const PROGRESS_BACKLOG_BYTES = 4 * 1024 * 1024;

/**
 * One websocket client. The conversation: `hello` first (with the token, unless the upgrade URL
 * carried it), or `pair` to trade the printed code for the token. Every bad message gets a coded
 * `error` / `job.error` reply and the connection stays open.
 */
export class WsConnection {
  /** hello received */
  #greeted = false;
  #authenticated = false;

  constructor(
    readonly ws: WebSocket,
    private readonly deps: WsDeps,
    /** The upgrade URL already carried the right token. */
    private readonly urlToken: boolean,
  ) {
    ws.on('message', (data, isBinary) => {
      void this.#onMessage(data as Buffer | ArrayBuffer | Buffer[], isBinary).catch((err) => {
        deps.log.error({ err }, 'websocket message handling failed');
        this.send(serverMessage('error', { error: toStudioError(err).toJSON() }));
      });
    });
    ws.on('error', (err) => deps.log.warn({ err: err.message }, 'websocket error'));
  }

  get ready(): boolean {
    return this.#greeted && this.#authenticated;
  }

  send(msg: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (msg.type === 'job.progress' && this.ws.bufferedAmount > PROGRESS_BACKLOG_BYTES) return;
    this.ws.send(JSON.stringify(msg));
  }

  async #onMessage(data: Buffer | ArrayBuffer | Buffer[], _isBinary: boolean): Promise<void> {
    const raw = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    let msg: ClientMessage;
    try {
      msg = parseClientMessage(raw);
    } catch (e) {
      const err = toStudioError(e);
      const env = raw.byteLength <= MAX_MESSAGE_BYTES ? peekEnvelope(raw) : {};
      if (env.type === 'job.submit' || env.type === 'job.cancel') this.send(serverMessage('job.error', { replyTo: env.id, error: err.toJSON() }));
      else this.send(serverMessage('error', { replyTo: env.id, error: err.toJSON() }));
      return;
    }
    const replyTo = msg.id;
    if (msg.type === 'hello') return this.#hello(msg);
    if (msg.type === 'pair') return this.#pair(msg.code, replyTo);
    if (!this.#greeted) return this.#refuse(msg, new StudioError('E_PROTOCOL_ORDER'));
    if (!this.#authenticated) return this.#refuse(msg, new StudioError('E_AUTH_REQUIRED'));
    try {
      switch (msg.type) {
        case 'ping':
          return this.send(serverMessage('pong', { replyTo }));
        case 'capabilities.get':
          return this.send(serverMessage('capabilities', { replyTo, capabilities: await this.deps.capabilities() }));
        case 'models.list':
          return this.send(serverMessage('models', { replyTo, models: await this.deps.models() }));
        case 'jobs.list':
          return this.send(serverMessage('jobs', { replyTo, jobs: this.deps.jobs.list() }));
        case 'job.submit': {
          const { job, position } = this.deps.jobs.submit(msg.request);
          return this.send(serverMessage('job.accepted', { replyTo, jobId: job.id, position, request: job.request }));
        }
        case 'job.cancel': {
          const job = await this.deps.jobs.cancel(msg.jobId);
          return this.send(serverMessage('job.state', { replyTo, jobId: job.id, state: job.state }));
        }
      }
    } catch (e) {
      return this.#refuse(msg, toStudioError(e));
    }
  }

  #hello(msg: Extract<ClientMessage, { type: 'hello' }>): void {
    this.#greeted = true;
    if (msg.token !== undefined) this.#authenticated = tokenMatches(this.deps.token, msg.token);
    else this.#authenticated = this.urlToken;
    if (!this.#authenticated) {
      const code = msg.token === undefined ? 'E_AUTH_REQUIRED' : 'E_AUTH_INVALID';
      this.send(serverMessage('error', { replyTo: msg.id, error: new StudioError(code).toJSON() }));
      this.send(serverMessage('welcome', { replyTo: msg.id, authenticated: false }));
      return;
    }
    this.deps.log.info({ client: msg.client }, 'client connected');
    void this.deps.capabilities().then(
      (capabilities) => this.send(serverMessage('welcome', { replyTo: msg.id, authenticated: true, capabilities })),
      () => this.send(serverMessage('welcome', { replyTo: msg.id, authenticated: true })),
    );
  }

  #pair(code: string, replyTo: string | undefined): void {
    try {
      const token = this.deps.pairing.exchange(code, this.deps.token);
      this.deps.log.info('a client paired over websocket');
      this.send(serverMessage('paired', { replyTo, token }));
    } catch (e) {
      this.send(serverMessage('error', { replyTo, error: toStudioError(e).toJSON() }));
    }
  }

  #refuse(msg: ClientMessage, err: StudioError): void {
    const error = err.toJSON();
    if (msg.type === 'job.submit' || msg.type === 'job.cancel') this.send(serverMessage('job.error', { replyTo: msg.id, ...(msg.type === 'job.cancel' ? { jobId: msg.jobId } : {}), error }));
    else this.send(serverMessage('error', { replyTo: msg.id, error }));
  }
}

/** Best-effort `type` and `id` of a message that failed validation, to address the reply. */
function peekEnvelope(raw: Buffer): { type?: string; id?: string } {
  try {
    const v = JSON.parse(raw.toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null) return {};
    const { type, id } = v as { type?: unknown; id?: unknown };
    return { ...(typeof type === 'string' ? { type } : {}), ...(typeof id === 'string' && id.length <= 128 ? { id } : {}) };
  } catch {
    return {};
  }
}
