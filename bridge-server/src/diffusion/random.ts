/**
 * Deterministic randomness: the same seed gives the same numbers on every run and platform.
 * xoshiro128** seeded through splitmix32, Gaussian via Box–Muller. Only integer ops plus
 * Math.log/sqrt/cos, which V8 implements with its own fdlibm port on every OS. Results do not
 * (and cannot) match PyTorch's generator bit-for-bit.
 */
export interface NoiseSource {
  /** Fill `n` standard-normal values. */
  normal(n: number): Float32Array;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Mix a job seed with stream ids (frame, step, purpose) into one 32-bit seed. */
export function deriveSeed(seed: number, ...stream: number[]): number {
  let h = (seed >>> 0) ^ 0x5bd1e995;
  for (const s of stream) {
    h = Math.imul(h ^ (s >>> 0), 0x27d4eb2d) >>> 0;
    h ^= h >>> 15;
  }
  return splitmix32(h)();
}

export class SeededRandom implements NoiseSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number) {
    const sm = splitmix32(seed);
    this.a = sm(); this.b = sm(); this.c = sm(); this.d = sm();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next uint32 (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a; this.d ^= this.b; this.b ^= this.c; this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  gaussian(): number {
    if (this.spare !== null) { const s = this.spare; this.spare = null; return s; }
    const u1 = (this.nextU32() + 1) / 4294967297; // (0,1): never log(0)
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const th = 2 * Math.PI * u2;
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }

  normal(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.gaussian();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A noise source that always returns zeros (deterministic skeleton of stochastic samplers). */
export const zeroNoise: NoiseSource = { normal: (n) => new Float32Array(n) };
