import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { execDisBand, type DisLevelState } from './flow-dis-bands.js';
import { instantiateDisKernels, type DisKernels } from './flow-kernels.js';
import { CTRL, takeBands } from './flow-team.js';

/**
 * Helper-thread loop of a FlowTeam: sleep until the caller publishes a step, then take bands of it
 * until none is left. Level states arrive as messages (with the team's kernel memory when it is new
 * to this thread) and are read synchronously, since this thread never returns to its event loop.
 */
const { ctrl, port } = workerData as { ctrl: Int32Array; port: MessagePort };
const states = new Map<number, DisLevelState>();
let kernels: DisKernels | null = null;
// 0, not the current step: a step published while this thread was starting is still joined
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.SEQ, seen);
  if (Atomics.load(ctrl, CTRL.STOP)) break;
  const seq = Atomics.load(ctrl, CTRL.SEQ);
  seen = seq;
  const step = Atomics.load(ctrl, CTRL.STEP), bands = Atomics.load(ctrl, CTRL.BANDS), id = Atomics.load(ctrl, CTRL.STATE);
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const { id: mid, state, memory, module } = m.message as { id: number; state: DisLevelState; memory?: WebAssembly.Memory; module?: WebAssembly.Module };
    if (memory) kernels = instantiateDisKernels(memory, module);
    states.clear(); // only the latest level is ever worked on
    states.set(mid, state);
  }
  const s = states.get(id);
  if (!s || !kernels) continue; // a step of a level this thread has not seen: the caller does it
  takeBands(ctrl, seq, bands, (b) => {
    try { execDisBand(s, step, b, kernels!); } catch { Atomics.store(ctrl, CTRL.FAIL, 1); }
    Atomics.add(ctrl, CTRL.HELPED, 1);
  });
}
port.close();
