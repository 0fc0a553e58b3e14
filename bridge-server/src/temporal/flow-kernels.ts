import { instantiateKernels, wasmModule } from './wasm-arena.js';

/**
 * The DIS flow kernels as WebAssembly (source: bridge-server/wasm/dis-kernels.ts, built by
 * `npm run build:wasm`). Each takes the address of a level header
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

/** The compiled DIS kernel module. */
export function disKernelModule(): WebAssembly.Module {
  return wasmModule('dis-kernels');
}

/** An instance of the DIS kernels working in `memory`. */
export function instantiateDisKernels(memory: WebAssembly.Memory, module: WebAssembly.Module = disKernelModule()): DisKernels {
  return instantiateKernels<DisKernels>(module, memory);
}
