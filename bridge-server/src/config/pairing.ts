import { randomInt } from 'node:crypto';
import { StudioError } from '@synthetic-studio/shared';
import { tokenMatches } from './token.js';

export interface PairingOptions {
  /** Failed attempts allowed per window before every attempt is refused. */
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}

/**
 * The short code the bridge prints so a panel can obtain the token once. A code works one time
 * and is then replaced (the new one is printed); wrong guesses are rate-limited for everyone,
 * since every local caller shares the loopback address anyway.
 */
export class PairingCodes {
  #code: string;
  #failures: number[] = [];
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #onNewCode: (code: string) => void;

  constructor(onNewCode: (code: string) => void = () => {}, opts: PairingOptions = {}) {
    this.#maxFailures = opts.maxFailures ?? 5;
    this.#windowMs = opts.windowMs ?? 60_000;
    this.#now = opts.now ?? Date.now;
    this.#onNewCode = onNewCode;
    this.#code = newCode();
  }

  get code(): string {
    return this.#code;
  }

  /** Exchange a code for the token; throws E_BUSY when rate-limited, E_AUTH_INVALID when wrong. */
  exchange(given: string, token: string): string {
    const now = this.#now();
    this.#failures = this.#failures.filter((t) => now - t < this.#windowMs);
    if (this.#failures.length >= this.#maxFailures) {
      const retryAfter = Math.ceil((this.#windowMs - (now - this.#failures[0]!)) / 1000);
      throw new StudioError('E_BUSY', `Too many wrong pairing codes; try again in ${retryAfter} s.`, { retryAfter });
    }
    const normalised = String(given).replace(/[\s-]/g, '');
    if (!tokenMatches(this.#code, normalised)) {
      this.#failures.push(now);
      throw new StudioError('E_AUTH_INVALID', 'Wrong pairing code; use the code the bridge printed.');
    }
    this.#code = newCode();
    this.#onNewCode(this.#code);
    return token;
  }
}

function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}
