import type { HostAdapter, HostSelection } from '../host/host-adapter.js';
import type { Capabilities, EngineName, JobRequest, ServerMessage, TaskName } from '../protocol/index.js';
import { BridgeClient, BridgeRequestError, defaultTimers, type ConnectionInfo, type Timers, type WebSocketConstructor } from './bridge-client.js';
import { BridgeHttp, type FetchLike } from './bridge-http.js';
import { describeAny, describeError, type PlainError } from './error-text.js';
import { availableTabs, buildJobRequest, defaultSettings, modelsFor, randomSeed, taskUsesMask, type JobSettings } from './job-settings.js';
import { applyPreset, editRig, type LightRig } from './light-rig.js';
import * as M from './mask-model.js';
import { applyProgress, isFinal, newQueueJob, queueJobFromRecord, type QueueJob } from './queue-job.js';
import { createMemoryStorage, type PanelStorage } from './storage.js';
import { createStore, type Store } from './store.js';

export const RESULT_BIN = 'Synthetic Studio';

export interface TrackPreview {
  status: 'idle' | 'running' | 'done' | 'error';
  /** Tracked mask over a few frames of the range, as data: URLs the bridge rendered. */
  frames: { frame: number; image: string }[];
  error: PlainError | null;
}

export interface PanelState {
  connection: ConnectionInfo;
  capabilities: Capabilities | null;
  selection: HostSelection | null;
  /** Why there is no selection, in plain words. */
  selectionReason: string | null;
  tab: TaskName | null;
  settings: JobSettings;
  mask: M.MaskState;
  /** Source frame shown in the mask editor (and the frame the mask is painted on). */
  previewFrame: number;
  track: TrackPreview;
  jobs: QueueJob[];
  /** Banner error with its fix; dismissable. */
  error: PlainError | null;
  submitting: boolean;
}

export interface PanelOptions {
  host: HostAdapter;
  /** HTTP base of the bridge, e.g. "http://127.0.0.1:7788". */
  bridgeUrl: string;
  /** WebSocket URL; default: the bridge URL with ws:// and path "/ws". */
  wsUrl?: string;
  storage?: PanelStorage;
  /** Default: globalThis.WebSocket. */
  WebSocketImpl?: WebSocketConstructor;
  protocols?: string | string[];
  /** Default: globalThis.fetch. */
  fetchImpl?: FetchLike;
  client?: { name: string; version: string };
  reconnect?: { initialMs?: number; maxMs?: number };
  requestTimeoutMs?: number;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
  /** How many frames the "track" preview shows. */
  trackFrames?: number;
  /** How many finished jobs from before this panel opened to list (default 5; newest first). */
  adoptFinishedJobs?: number;
  /** Poll interval for hosts without selection events (capabilities.selectionEvents false). */
  selectionPollMs?: number;
}

export interface MaskActions {
  setTool(tool: M.MaskTool): void;
  setBrushRadius(radius: number): void;
  begin(p: M.Point): void;
  move(p: M.Point): void;
  end(): void;
  cancel(): void;
  stamp(p: M.Point): void;
  undo(): void;
  redo(): void;
  clear(): void;
}

/** The panel's model: state plus actions, no DOM. Views call these and render `store`. */
export interface Panel {
  readonly store: Store<PanelState>;
  readonly host: HostAdapter;
  readonly http: BridgeHttp;
  readonly client: BridgeClient;
  readonly mask: MaskActions;
  start(): void;
  dispose(): void;
  pair(code: string): Promise<boolean>;
  useToken(token: string): Promise<boolean>;
  forgetToken(): void;
  retryNow(): void;
  refreshSelection(): Promise<void>;
  setTab(task: TaskName): void;
  updateSettings(patch: Partial<Omit<JobSettings, 'inpaint' | 'extend' | 'relight'>>): void;
  updateTaskSettings<T extends 'inpaint' | 'extend' | 'relight'>(task: T, patch: Partial<JobSettings[T]>): void;
  newSeed(): void;
  toggleSeedLock(): void;
  setLightPreset(id: string): void;
  editLight(patch: Partial<Omit<LightRig, 'preset'>>): void;
  setPreviewFrame(frame: number): void;
  /** URL of the preview JPEG of the current frame, or null without a selection. */
  previewUrl(maxWidth?: number): string | null;
  trackPreview(): Promise<void>;
  generate(): Promise<QueueJob | null>;
  cancel(jobId: string): Promise<void>;
  rerun(jobId: string): Promise<QueueJob | null>;
  reveal(jobId: string): Promise<void>;
  removeJob(jobId: string): void;
  dismissError(): void;
  /** Engines the current tab offers. */
  engines(): EngineName[];
  /** Installed models for the current tab. */
  models(): { name: string; kind: string }[];
}

function defaultWsUrl(bridgeUrl: string): string {
  return `${bridgeUrl.replace(/\/$/, '').replace(/^http/, 'ws')}/ws`;
}

export function createPanel(options: PanelOptions): Panel {
  const { host } = options;
  const storage = options.storage ?? createMemoryStorage();
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? Math.random;
  const WebSocketImpl = options.WebSocketImpl ?? ((globalThis as { WebSocket?: unknown }).WebSocket as WebSocketConstructor | undefined);
  if (!WebSocketImpl) throw new Error('createPanel: this host has no WebSocket; pass WebSocketImpl');

  const client = new BridgeClient({
    wsUrl: options.wsUrl ?? defaultWsUrl(options.bridgeUrl),
    WebSocketImpl,
    ...(options.protocols !== undefined ? { protocols: options.protocols } : {}),
    client: { name: options.client?.name ?? 'synthetic-studio-panel', version: options.client?.version ?? '0.1.0', host: host.capabilities.host },
    storage,
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  const http = new BridgeHttp(options.bridgeUrl, storage, options.fetchImpl);

  const store = createStore<PanelState>({
    connection: client.connection,
    capabilities: null,
    selection: null,
    selectionReason: null,
    tab: null,
    settings: defaultSettings(randomSeed(random)),
    mask: M.emptyMask(),
    previewFrame: 0,
    track: { status: 'idle', frames: [], error: null },
    jobs: [],
    error: null,
    submitting: false,
  });

  const updateJob = (id: string, f: (j: QueueJob) => QueueJob): void => {
    store.set((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? f(j) : j)) }));
  };
  const findJob = (id: string): QueueJob | undefined => store.get().jobs.find((j) => j.id === id);
  const fail = (e: unknown): void => store.set({ error: describeAny(e) });

  /** Keep the tab and engine consistent with what the bridge reports. */
  const reconcile = (caps: Capabilities | null): void => {
    const s = store.get();
    const tabs = availableTabs(caps);
    const tab = tabs.find((t) => t.task === s.tab) ? s.tab : tabs[0]?.task ?? null;
    store.set({ capabilities: caps, tab });
    fixEngine();
  };
  const fixEngine = (): void => {
    const s = store.get();
    const engines = panel.engines();
    let { engine, model } = s.settings;
    if (engines.length && !engines.includes(engine)) engine = engines[0]!;
    const models = modelsFor(s.capabilities, s.tab ?? 'copy');
    if (engine === 'diffusion' && !models.some((m) => m.name === model)) model = models[0]?.name ?? null;
    if (engine !== s.settings.engine || model !== s.settings.model) store.set({ settings: { ...s.settings, engine, model } });
  };

  const onImport = async (job: QueueJob): Promise<void> => {
    const media = job.outputs.filter((o) => o.kind === 'movie' || o.kind === 'sequence');
    if (!host.capabilities.canImport || media.length === 0) {
      updateJob(job.id, (j) => ({ ...j, import: { status: 'skipped' } }));
      return;
    }
    updateJob(job.id, (j) => ({ ...j, import: { status: 'pending' } }));
    // Place against the clip the job was made from, even if the editor selected another since.
    const origin = job.origin;
    try {
      const report = await host.importResult(media, {
        bin: RESULT_BIN,
        placeAbove: Boolean(origin?.placeAbove) && host.capabilities.canPlace,
        ...(origin ? { selection: origin.selection } : {}),
      });
      updateJob(job.id, (j) => ({ ...j, import: { status: 'done', report } }));
    } catch (e) {
      updateJob(job.id, (j) => ({ ...j, import: { status: 'failed', error: describeAny(e) } }));
    }
  };

  const onMessage = (m: ServerMessage): void => {
    switch (m.type) {
      case 'job.state':
        if (findJob(m.jobId)) updateJob(m.jobId, (j) => (isFinal(j.state) && j.state !== m.state && m.state !== 'succeeded' ? j : { ...j, state: m.state, ...(m.state === 'cancelled' ? { error: describeError('E_CANCELLED') } : {}) }));
        break;
      case 'job.progress':
        if (findJob(m.jobId)) updateJob(m.jobId, (j) => (isFinal(j.state) ? j : applyProgress(j, m.progress, now())));
        break;
      case 'job.result': {
        const job = findJob(m.jobId);
        if (!job) break;
        updateJob(m.jobId, (j) => ({
          ...j,
          state: 'succeeded',
          outputs: m.outputs,
          notes: m.notes ?? [],
          seconds: m.seconds,
          progress: j.progress ? { ...j.progress, done: j.progress.total, fraction: 1, eta: 0 } : { phase: 'done', done: 1, total: 1, fraction: 1, eta: 0 },
        }));
        // Jobs adopted from before this panel opened are shown, not imported (import: skipped).
        if (!job.import) void onImport(findJob(m.jobId)!);
        break;
      }
      case 'job.error':
        if (m.jobId && findJob(m.jobId)) {
          const cancelled = m.error.code === 'E_CANCELLED';
          updateJob(m.jobId!, (j) => ({ ...j, state: cancelled ? 'cancelled' : 'failed', error: describeError(m.error.code, m.error.message, m.error.hint) }));
        }
        break;
      case 'jobs': {
        // After a reconnect: bring known jobs up to date from the bridge's records.
        for (const r of m.jobs) {
          const known = findJob(r.id);
          if (!known || isFinal(known.state)) continue;
          updateJob(r.id, (j) => ({
            ...(r.progress ? applyProgress(j, r.progress, now()) : j),
            state: r.state,
            outputs: r.outputs,
            ...(r.error ? { error: describeError(r.error.code, r.error.message, r.error.hint) } : {}),
          }));
          if (r.state === 'succeeded' && !known.import) void onImport(findJob(r.id)!);
        }
        break;
      }
      default:
        break;
    }
  };

  const submit = async (request: JobRequest, origin: QueueJob['origin']): Promise<QueueJob | null> => {
    store.set({ submitting: true, error: null });
    try {
      const reply = await client.request({ type: 'job.submit', request });
      if (reply.type !== 'job.accepted') throw new BridgeRequestError('E_PROTOCOL_MALFORMED', `Expected "job.accepted", got "${reply.type}".`);
      const job = { ...newQueueJob(reply.jobId, reply.request, now()), origin };
      if (!findJob(job.id)) store.set((s) => ({ jobs: [job, ...s.jobs] }));
      return findJob(job.id) ?? job;
    } catch (e) {
      fail(e);
      return null;
    } finally {
      store.set({ submitting: false });
    }
  };

  const setMask = (f: (m: M.MaskState) => M.MaskState): void => {
    store.set((s) => {
      const mask = f(s.mask);
      // Any committed change invalidates the tracked preview.
      return mask.shapes !== s.mask.shapes ? { mask, track: { status: 'idle', frames: [], error: null } } : { mask };
    });
  };

  const unsubs: (() => void)[] = [];
  /** On the first connection, show what the bridge is already doing (e.g. after a panel reload). */
  let adopted = false;
  const adoptBridgeJobs = async (): Promise<void> => {
    adopted = true;
    try {
      const reply = await client.request({ type: 'jobs.list' });
      if (reply.type !== 'jobs') return;
      const unfinished = reply.jobs.filter((r) => !isFinal(r.state));
      const recent = reply.jobs.filter((r) => isFinal(r.state)).slice(0, options.adoptFinishedJobs ?? 5);
      const fresh = [...unfinished, ...recent].filter((r) => !findJob(r.id)).map((r) => queueJobFromRecord(r, now()));
      if (fresh.length) store.set((s) => ({ jobs: [...s.jobs, ...fresh].sort((a, b) => b.submittedAt - a.submittedAt) }));
    } catch {
      adopted = false; // try again on the next connection
    }
  };
  const timers = options.timers ?? defaultTimers;
  let pollTimer: unknown = null;
  let polling = false;
  /** Hosts that cannot push selection changes are asked again every few moments. */
  const poll = (): void => {
    pollTimer = timers.setTimeout(() => {
      if (!polling) return;
      void panel.refreshSelection().finally(() => { if (polling) poll(); });
    }, options.selectionPollMs ?? 1500);
  };

  const panel: Panel = {
    store,
    host,
    http,
    client,
    mask: {
      setTool: (tool) => setMask((m) => M.setTool(m, tool)),
      setBrushRadius: (r) => setMask((m) => M.setBrushRadius(m, r)),
      begin: (p) => setMask((m) => M.beginDraft(m, p)),
      move: (p) => setMask((m) => M.extendDraft(m, p)),
      end: () => setMask((m) => M.commitDraft(m)),
      cancel: () => setMask((m) => M.cancelDraft(m)),
      stamp: (p) => setMask((m) => M.stamp(m, p)),
      undo: () => setMask((m) => M.undo(m)),
      redo: () => setMask((m) => M.redo(m)),
      clear: () => setMask((m) => M.clearMask(m)),
    },

    start() {
      unsubs.push(
        client.onStatus((connection) => {
          store.set({ connection });
          if (connection.status === 'ready') {
            reconcile(client.capabilities);
            void panel.refreshSelection();
            if (!adopted) void adoptBridgeJobs();
            else if (store.get().jobs.some((j) => !isFinal(j.state))) client.request({ type: 'jobs.list' }).catch(() => undefined);
          }
        }),
        client.onMessage(onMessage),
        host.onSelectionChanged(() => void panel.refreshSelection()),
      );
      client.start();
      void panel.refreshSelection();
      if (!host.capabilities.selectionEvents) {
        polling = true;
        poll();
      }
    },

    dispose() {
      for (const u of unsubs.splice(0)) u();
      polling = false;
      if (pollTimer !== null) timers.clearTimeout(pollTimer);
      client.stop();
    },

    async pair(code) {
      try {
        await client.pair(code);
        store.set({ error: null });
        return true;
      } catch (e) {
        store.set({ connection: { ...client.connection, status: client.connection.status === 'ready' ? 'ready' : 'pairing', problem: describeAny(e) } });
        return false;
      }
    },

    async useToken(token) {
      try {
        await client.useToken(token);
        return true;
      } catch (e) {
        store.set({ connection: { ...client.connection, problem: describeAny(e) } });
        return false;
      }
    },

    forgetToken: () => client.forgetToken(),
    retryNow: () => client.retryNow(),

    async refreshSelection() {
      let r: Awaited<ReturnType<HostAdapter['getSelection']>>;
      try {
        r = await host.getSelection();
      } catch (e) {
        store.set({ selection: null, selectionReason: describeAny(e).title });
        return;
      }
      const prev = store.get().selection;
      if (!r.selection) {
        if (prev !== null || store.get().selectionReason !== r.reason) store.set({ selection: null, selectionReason: r.reason });
        return;
      }
      const sel = r.selection;
      // Unchanged (polling hosts ask often): keep the same object so nothing re-renders.
      if (prev && JSON.stringify(prev) === JSON.stringify(sel)) return;
      const sameMedia = prev?.mediaPath === sel.mediaPath;
      const f = store.get().previewFrame;
      const previewFrame = sameMedia && f >= sel.sourceIn && f < sel.sourceOut ? f : sel.sourceIn;
      store.set((s) => ({
        selection: sel,
        selectionReason: null,
        previewFrame,
        ...(sameMedia ? {} : { mask: M.emptyMask() }),
        ...(sameMedia && previewFrame === s.previewFrame && prev?.sourceIn === sel.sourceIn && prev?.sourceOut === sel.sourceOut ? {} : { track: { status: 'idle', frames: [], error: null } }),
      }));
    },

    setTab(task) {
      if (!availableTabs(store.get().capabilities).some((t) => t.task === task)) return;
      store.set({ tab: task });
      fixEngine();
    },

    updateSettings(patch) {
      store.set((s) => ({ settings: { ...s.settings, ...patch } }));
      if ('engine' in patch) fixEngine();
    },

    updateTaskSettings(task, patch) {
      store.set((s) => ({ settings: { ...s.settings, [task]: { ...s.settings[task], ...patch } } }));
    },

    newSeed() {
      store.set((s) => ({ settings: { ...s.settings, seed: randomSeed(random) } }));
    },

    toggleSeedLock() {
      store.set((s) => ({ settings: { ...s.settings, seedLocked: !s.settings.seedLocked } }));
    },

    setLightPreset(id) {
      store.set((s) => ({ settings: { ...s.settings, relight: { ...s.settings.relight, rig: applyPreset(id) } } }));
    },

    editLight(patch) {
      store.set((s) => ({ settings: { ...s.settings, relight: { ...s.settings.relight, rig: editRig(s.settings.relight.rig, patch) } } }));
    },

    setPreviewFrame(frame) {
      const sel = store.get().selection;
      if (!sel) return;
      const f = Math.round(Math.min(sel.sourceOut - 1, Math.max(sel.sourceIn, frame)));
      if (f !== store.get().previewFrame) store.set({ previewFrame: f, track: { status: 'idle', frames: [], error: null } });
    },

    previewUrl(maxWidth = 640) {
      const { selection, previewFrame } = store.get();
      if (!selection) return null;
      return http.url('/api/preview', { path: selection.mediaPath, frame: previewFrame, maxWidth });
    },

    async trackPreview() {
      const { selection, mask, previewFrame, settings } = store.get();
      if (!selection) return fail({ code: 'E_NO_SELECTION' });
      if (!M.hasPaint(mask)) {
        store.set({ track: { status: 'error', frames: [], error: describeError('E_MASK_EMPTY') } });
        return;
      }
      store.set({ track: { status: 'running', frames: [], error: null } });
      try {
        const r = await http.postJson<{ frames: { frame: number; image: string }[] }>('/api/masks/preview', {
          path: selection.mediaPath,
          frame: previewFrame,
          in: selection.sourceIn,
          out: selection.sourceOut,
          shapes: mask.shapes,
          dilate: settings.inpaint.dilate,
          feather: settings.inpaint.feather,
          track: true,
          count: options.trackFrames ?? 4,
          maxWidth: 240,
        });
        store.set({ track: { status: 'done', frames: r.frames, error: null } });
      } catch (e) {
        store.set({ track: { status: 'error', frames: [], error: describeAny(e) } });
      }
    },

    async generate() {
      const s = store.get();
      if (s.connection.status !== 'ready') {
        fail({ code: s.connection.status === 'pairing' ? 'E_AUTH_REQUIRED' : 'E_BRIDGE_OFFLINE' });
        return null;
      }
      if (!s.tab) return null;
      if (!s.selection) {
        store.set({ error: { ...describeError('E_NO_SELECTION'), ...(s.selectionReason ? { detail: s.selectionReason } : {}) } });
        return null;
      }
      const usesMask = taskUsesMask(s.tab);
      if (usesMask === 'required' && !M.hasPaint(s.mask)) {
        fail({ code: 'E_MASK_EMPTY' });
        return null;
      }
      // Replacing needs a model: the classical engine can only remove (the bridge says the same).
      if (s.tab === 'inpaint' && s.settings.engine === 'classical' && s.settings.prompt.trim()) {
        fail({ code: 'E_MODEL_REQUIRED' });
        return null;
      }
      const seed = s.settings.seedLocked ? s.settings.seed : randomSeed(random);
      if (seed !== s.settings.seed) store.set({ settings: { ...s.settings, seed } });
      let request: JobRequest;
      try {
        const mask = usesMask === 'none' ? undefined : M.toMaskSpec(s.mask, s.previewFrame);
        request = buildJobRequest({ task: s.tab, settings: s.settings, selection: s.selection, host: host.capabilities.host, seed, ...(mask ? { mask } : {}) });
      } catch (e) {
        fail(e);
        return null;
      }
      return submit(request, { selection: s.selection, placeAbove: s.settings.placeAbove });
    },

    async cancel(jobId) {
      const job = findJob(jobId);
      if (!job || isFinal(job.state)) return;
      try {
        await client.request({ type: 'job.cancel', jobId });
      } catch (e) {
        fail(e);
      }
    },

    async rerun(jobId) {
      const job = findJob(jobId);
      if (!job) return null;
      return submit(job.request, job.origin);
    },

    async reveal(jobId) {
      const job = findJob(jobId);
      const path = job?.outputs.find((o) => o.kind === 'movie' || o.kind === 'sequence')?.path ?? job?.outputs[0]?.path;
      if (!path || !host.capabilities.canReveal || !host.reveal) return;
      try {
        await host.reveal(path);
      } catch (e) {
        fail(e);
      }
    },

    removeJob(jobId) {
      store.set((s) => ({ jobs: s.jobs.filter((j) => j.id !== jobId || !isFinal(j.state)) }));
    },

    dismissError: () => store.set({ error: null }),

    engines() {
      const s = store.get();
      return availableTabs(s.capabilities).find((t) => t.task === s.tab)?.engines ?? [];
    },

    models() {
      const s = store.get();
      return modelsFor(s.capabilities, s.tab ?? 'copy').map((m) => ({ name: m.name, kind: m.kind }));
    },
  };
  return panel;
}
