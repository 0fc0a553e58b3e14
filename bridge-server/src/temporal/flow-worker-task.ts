import { parentPort } from 'node:worker_threads';
import { flowBetween, type FlowOptions } from './flow.js';
import type { Plane } from './types.js';

interface FlowJobMessage { id: number; a: Plane; b: Plane; holeA?: Uint8Array | null; holeB?: Uint8Array | null; opts: FlowOptions }

parentPort?.on('message', (m: FlowJobMessage) => {
  try {
    // the pool already uses every core, one pair per worker
    const f = flowBetween(m.a, m.b, { ...m.opts, threads: 1 }, m.holeA, m.holeB);
    parentPort!.postMessage({ id: m.id, flow: f }, [f.u.buffer as ArrayBuffer, f.v.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
