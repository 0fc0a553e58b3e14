import { readFileSync } from 'node:fs';

/**
 * The DIS flow kernels as WebAssembly (source: bridge-server/wasm/dis-kernels.ts, built by
 * `npm run build:wasm`), and the memory they work in. Each takes the address of a level header
 * (flow-dis-bands.ts writes it) and the rows or band to compute.
 */
export interface DisKernels {
  grad(hdr: number, y0: number, y1: number): void;
  grad2(hdr: number, y0: number, y1: number): void;
  stats(hdr: number, j0: number, j1: number): void;
  search(hdr: number, band: number, j0: number, j1: number): void;
  densify(hdr: number, band: number, y0: number, y1: number): void;
  dataTerms(hdr: number, y0: number, y1: number): void;
  fixedPoint(hdr: number, band: number, f: number, b0: number, b1: number): void;
}

let compiled: WebAssembly.Module | null = null;

/** The compiled kernel module (compiled once per thread; it can also be posted to a worker). */
export function disKernelModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(readFileSync(new URL('./dis-kernels.wasm', import.meta.url))));
}

/** An instance of the kernels working in `memory` (one per thread: its globals are the thread's scratch registers). */
export function instantiateDisKernels(memory: WebAssembly.Memory, module: WebAssembly.Module = disKernelModule()): DisKernels {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as DisKernels;
}

const PAGE = 65536;
/** Addresses below this are left to the module (it has no data of its own, but 0 must stay "no array"). */
const BASE = PAGE;
/** wasm32's address space: 65536 pages of 64 KiB. */
const MAX_PAGES = 65536;

/**
 * A bump allocator of typed arrays in one shared WebAssembly.Memory: every thread of a team sees
 * the same arrays at the same addresses. Growing never moves or detaches existing arrays (shared
 * memory), and the whole arena is freed by dropping it.
 */
export class KernelArena {
  readonly memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
  private top = BASE;

  /** Bytes allocated (from the start of the arena). */
  get used(): number {
    return this.top;
  }

  private alloc(bytes: number): number {
    const at = this.top;
    const end = at + ((bytes + 15) & ~15);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) throw new RangeError(`flow working memory would exceed 4 GiB (${Math.ceil(end / 2 ** 20)} MiB asked)`);
      this.memory.grow(pages);
    }
    this.top = end;
    return at;
  }

  float32(n: number): Float32Array {
    const at = this.alloc(4 * n); // first: growing replaces memory.buffer
    return new Float32Array(this.memory.buffer, at, n);
  }

  int32(n: number): Int32Array {
    const at = this.alloc(4 * n); // first: growing replaces memory.buffer
    return new Int32Array(this.memory.buffer, at, n);
  }

  uint8(n: number): Uint8Array {
    const at = this.alloc(n); // first: growing replaces memory.buffer
    return new Uint8Array(this.memory.buffer, at, n);
  }

  /** Forgets every array (the caller drops its views): the space is reused from the start. */
  reset(): void {
    this.top = BASE;
  }
}
