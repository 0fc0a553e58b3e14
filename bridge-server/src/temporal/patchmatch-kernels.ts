import { instantiateKernels, wasmModule } from './wasm-arena.js';

/**
 * The PatchMatch inpainting kernels as WebAssembly (source: bridge-server/wasm/patchmatch-kernels.ts,
 * built by `npm run build:wasm`). Addresses are byte offsets of arrays in the instance's memory
 * (a KernelArena); `level` selects the arrays the other kernels work on.
 */
export interface PatchMatchKernels {
  seed(s: number): void;
  level(img: number, hole: number, srcOK: number, isTgt: number, tgt: number, nT: number,
    nX: number, nY: number, dist: number, acc: number, w: number, h: number, c: number, r: number): void;
  accStride(c: number): number;
  init(prevNX: number, prevNY: number, prevW: number, prevH: number, src: number, nSrc: number): void;
  search(fwd: number, maxRad: number, fresh: number): void;
  recompute(): void;
  vote(): void;
}

/** An instance of the PatchMatch kernels working in `memory`. */
export function instantiatePatchMatchKernels(memory: WebAssembly.Memory): PatchMatchKernels {
  return instantiateKernels<PatchMatchKernels>(wasmModule('patchmatch-kernels'), memory);
}
