import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { execDisBand, type DisLevelState } from './flow-dis-bands.js';
import { disKernelModule, instantiateDisKernels, type DisKernels } from './flow-kernels.js';
import { KernelArena } from './wasm-arena.js';

/**
 * Helper threads for the bands of one flow computation (flow-dis-bands.ts), so a single frame pair
 * uses more than one core. The calling thread stays synchronous: it publishes a step, takes bands
 * itself, and blocks (Atomics.wait) until the bands the helpers took are done. Bands are handed out
 * by an atomic counter, so a helper that is busy, slow to wake or still starting simply takes fewer
 * (the caller does the rest); the result does not depend on who computed which band.
 *
 * Control words (Int32Array on a SharedArrayBuffer):
 *   SEQ   step number, bumped (and notified) to start a step
 *   NEXT  (SEQ & 0x7fffff) << 8 | next band: a helper only takes a band of the step it woke for
 *   DONE  bands finished in the current step (notified)
 *   BANDS, STEP  the step's band count and id; STATE the id of the level state it uses
 *   STOP  1 = helpers exit;  FAIL  1 = a band threw in a helper;  HELPED  bands the helpers ran (statistics)
 */
export const CTRL = { SEQ: 0, NEXT: 1, DONE: 2, BANDS: 3, STEP: 4, STATE: 5, STOP: 6, FAIL: 7, HELPED: 8 } as const;
const CTRL_WORDS = 9;
const CACHE_IDLE_MS = 10_000;

export const pack = (seq: number, band: number): number => ((seq & 0x7fffff) << 8) | band;

/**
 * Takes and runs bands of the step with sequence number seq until none is left; returns when this
 * thread has nothing more to take. Shared by the caller and the helpers.
 */
export function takeBands(ctrl: Int32Array, seq: number, bands: number, run: (band: number) => void): void {
  for (;;) {
    const v = Atomics.load(ctrl, CTRL.NEXT);
    if (v >>> 8 !== (seq & 0x7fffff) || (v & 255) >= bands) return;
    if (Atomics.compareExchange(ctrl, CTRL.NEXT, v, v + 1) !== v) continue;
    try {
      run(v & 255);
    } finally {
      Atomics.add(ctrl, CTRL.DONE, 1);
      Atomics.notify(ctrl, CTRL.DONE);
    }
  }
}

export class FlowTeam {
  readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL_WORDS));
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private seq = 0;
  private stateId = 0;
  private state: DisLevelState | null = null;

  /**
   * threads: threads working on a pair, the caller included (helpers = threads − 1). With
   * helpersOnly the caller takes no bands and only waits (to check that a helper computes the same).
   */
  constructor(readonly threads: number, readonly helpersOnly = false) {
    // an inherited --input-type (`node --input-type=module -e …`, as npm run bench starts) stops a
    // worker from starting from a file: drop it
    const execArgv: string[] = [];
    for (let i = 0; i < process.execArgv.length; i++) {
      const a = process.execArgv[i];
      if (a === '--input-type') { i++; continue; }
      if (!a.startsWith('--input-type=')) execArgv.push(a);
    }
    for (let t = 1; t < threads; t++) {
      try {
        const { port1, port2 } = new MessageChannel();
        const w = new Worker(new URL('./flow-team-worker.mjs', import.meta.url), { execArgv, workerData: { ctrl: this.ctrl, port: port2 }, transferList: [port2] });
        // a helper that fails to start (or dies) takes no bands; the caller computes them, and
        // without helpers the arrays go back to plain memory
        const drop = () => { const i = this.workers.indexOf(w); if (i >= 0) { this.workers.splice(i, 1); this.ports.splice(i, 1)[0].close(); } };
        w.on('error', drop);
        w.on('exit', drop);
        w.unref();
        this.workers.push(w);
        this.ports.push(port1);
      } catch {
        break;
      }
    }
  }

  private cache = new Map<string, object>();
  private cacheTag = '';
  private cacheTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Level arrays are kept for the next computation with the same tag (image size and parameters):
   * allocating and first touching them costs about as much as a refinement sweep. A different tag
   * drops them, and so do 10 s without a computation, so an idle thread holds nothing.
   */
  useCache(tag: string): void {
    if (tag !== this.cacheTag) { this.cache.clear(); this.arenaRef?.reset(); this.cacheTag = tag; }
    if (this.cacheTimer) this.cacheTimer.refresh();
    else this.cacheTimer = setTimeout(() => { this.cache.clear(); this.cacheTag = ''; this.arenaRef = null; this.kernels = null; this.cacheTimer = undefined; }, CACHE_IDLE_MS).unref();
  }

  levelCache<T extends object>(key: string, make: () => T): T {
    let v = this.cache.get(key) as T | undefined;
    if (!v) { v = make(); this.cache.set(key, v); }
    return v;
  }

  /** True when helper threads exist. */
  get shared(): boolean {
    return this.workers.length > 0;
  }

  private arenaRef: KernelArena | null = null;
  private kernels: DisKernels | null = null;
  /** The arena the helpers were last sent. */
  private postedArena: KernelArena | null = null;

  /** The memory the level arrays live in (a new one after the team has been idle). */
  get arena(): KernelArena {
    if (!this.arenaRef) { this.arenaRef = new KernelArena(); this.kernels = instantiateDisKernels(this.arenaRef.memory); }
    return this.arenaRef;
  }

  /** The level state the following steps work on (posted to the helpers, with the memory when it is new to them). */
  setState(s: DisLevelState): void {
    this.state = s;
    this.stateId++;
    const arena = this.arena;
    const memory = arena !== this.postedArena ? { memory: arena.memory, module: disKernelModule() } : {};
    this.postedArena = arena;
    for (const p of this.ports) p.postMessage({ id: this.stateId, state: s, ...memory });
  }

  /** Runs all bands of a step; returns when every band is done. */
  run(step: number, bands: number): void {
    const s = this.state!, k = this.kernels!;
    if (!this.shared) {
      for (let b = 0; b < bands; b++) execDisBand(s, step, b, k);
      return;
    }
    const c = this.ctrl;
    const seq = ++this.seq;
    Atomics.store(c, CTRL.STEP, step);
    Atomics.store(c, CTRL.BANDS, bands);
    Atomics.store(c, CTRL.STATE, this.stateId);
    Atomics.store(c, CTRL.DONE, 0);
    Atomics.store(c, CTRL.NEXT, pack(seq, 0));
    Atomics.store(c, CTRL.SEQ, seq);
    Atomics.notify(c, CTRL.SEQ);
    if (!this.helpersOnly) takeBands(c, seq, bands, (b) => execDisBand(s, step, b, k));
    const t0 = this.helpersOnly ? Date.now() : 0;
    for (;;) {
      const d = Atomics.load(c, CTRL.DONE);
      if (d >= bands) break;
      if (!this.helpersOnly) { Atomics.wait(c, CTRL.DONE, d); continue; }
      // nobody else takes the bands here: do not wait forever for a helper that never started
      if (Atomics.wait(c, CTRL.DONE, d, 1000) === 'timed-out' && Atomics.load(c, CTRL.NEXT) === pack(seq, 0) && Date.now() - t0 > 60_000) throw new Error('flow helper thread did not start');
    }
    if (Atomics.load(c, CTRL.FAIL)) {
      Atomics.store(c, CTRL.FAIL, 0);
      throw new Error('flow helper thread failed');
    }
  }

  /** Bands the helpers have run so far. */
  get helped(): number {
    return Atomics.load(this.ctrl, CTRL.HELPED);
  }

  /** Stops the helpers (a closed team computes in the calling thread). */
  close(): void {
    if (!this.shared) return;
    Atomics.store(this.ctrl, CTRL.STOP, 1);
    Atomics.add(this.ctrl, CTRL.SEQ, 1);
    Atomics.notify(this.ctrl, CTRL.SEQ);
    for (const p of this.ports) p.close();
    this.ports.length = 0;
    this.cache.clear();
    this.workers.length = 0;
  }
}

const teams = new Map<number, FlowTeam>();
const inline = new FlowTeam(1);

/**
 * The process-wide team for a thread count (created on first use; its helpers do not keep the
 * process alive). threads ≤ 1 computes in the calling thread.
 */
export function flowTeam(threads = 1): FlowTeam {
  const t = Math.max(1, Math.min(8, Math.floor(threads)));
  if (t === 1) return inline;
  let team = teams.get(t);
  if (!team) { team = new FlowTeam(t); teams.set(t, team); }
  return team;
}
