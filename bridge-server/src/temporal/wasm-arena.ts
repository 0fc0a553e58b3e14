import { readFileSync } from 'node:fs';

/**
 * WebAssembly kernels of the temporal engine: their compiled modules (binaries built from
 * bridge-server/wasm/ by `npm run build:wasm`, next to this file) and the memory they work in.
 */

const compiled = new Map<string, WebAssembly.Module>();

/** The compiled module of `<name>.wasm` beside this file (compiled once per thread; it can also be posted to a worker). */
export function wasmModule(name: string): WebAssembly.Module {
  let m = compiled.get(name);
  if (!m) { m = new WebAssembly.Module(readFileSync(new URL(`./${name}.wasm`, import.meta.url))); compiled.set(name, m); }
  return m;
}

/** An instance of a kernel module working in `memory` (one per thread: its globals are the thread's scratch registers). */
export function instantiateKernels<T>(module: WebAssembly.Module, memory: WebAssembly.Memory): T {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as T;
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

  float64(n: number): Float64Array {
    const at = this.alloc(8 * n); // first: growing replaces memory.buffer
    return new Float64Array(this.memory.buffer, at, n);
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
