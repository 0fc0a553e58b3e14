import type { Progress } from '@synthetic-studio/shared';

/**
 * Remaining-time estimate for one phase: the average rate since the phase began. A phase change
 * restarts it, because decode and diffusion run at very different speeds.
 */
export class EtaEstimator {
  #phase = '';
  #t0 = 0;
  #done0 = 0;
  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds left, or undefined until there is a rate to go by. */
  update(phase: string, done: number, total: number): number | undefined {
    const t = this.now();
    if (phase !== this.#phase || done < this.#done0) {
      this.#phase = phase;
      this.#t0 = t;
      this.#done0 = done;
      return undefined;
    }
    const elapsed = (t - this.#t0) / 1000;
    const progressed = done - this.#done0;
    if (progressed <= 0 || elapsed <= 0) return undefined;
    const left = Math.max(0, total - done);
    return Math.round((left * elapsed) / progressed * 10) / 10;
  }
}

/**
 * Passes progress on at most once per interval (default 100 ms = 10 messages/s), always keeping
 * the latest value: a value that arrives too early is sent when the interval ends (trailing edge),
 * so the last update before a pause is never lost.
 */
export class ProgressThrottle {
  #last = -Infinity;
  #pending: Progress | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #eta: EtaEstimator;

  constructor(
    private readonly emit: (p: Progress) => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {
    this.#eta = new EtaEstimator(now);
  }

  push(update: { phase: string; done: number; total: number; preview?: string }): void {
    const eta = this.#eta.update(update.phase, update.done, update.total);
    const p: Progress = { phase: update.phase, done: Math.max(0, update.done), total: Math.max(0, update.total), ...(eta !== undefined ? { eta } : {}), ...(update.preview ? { preview: update.preview } : {}) };
    // Keep a preview from a dropped update if the newer one has none.
    if (!p.preview && this.#pending?.preview) p.preview = this.#pending.preview;
    this.#pending = p;
    const wait = this.#last + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else if (!this.#timer) this.#timer = setTimeout(() => this.flush(), wait);
  }

  /** Send the pending value now (used when the job ends). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const p = this.#pending;
    this.#pending = undefined;
    if (!p) return;
    this.#last = this.now();
    this.emit(p);
  }

  /** Send the pending value when the interval allows (used when a job ends: the last value counts). */
  async drain(): Promise<void> {
    if (!this.#pending) return;
    const wait = this.#last + this.intervalMs - this.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait + 1));
    this.flush();
  }

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
  }
}
