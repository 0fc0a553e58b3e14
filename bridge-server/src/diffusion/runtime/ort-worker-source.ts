/**
 * Source of the inference worker thread, kept as plain JavaScript text and started with
 * `new Worker(src, {eval: true})` so it runs the same under tsx, in tests and in a bundled build.
 * It owns onnxruntime sessions and runs them off the main thread; tensors travel as
 * {type, dims, data} with their buffers transferred, not copied.
 */
export const ORT_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = new Map();
let nextId = 1;
function meta(list) {
  return (list || []).map((m) => ({ name: m.name, type: m.type, shape: m.shape ? Array.from(m.shape) : [] }));
}
parentPort.on('message', async (msg) => {
  try {
    if (msg.op === 'create') {
      const s = await ort.InferenceSession.create(msg.path, msg.options);
      const sid = nextId++;
      sessions.set(sid, s);
      parentPort.postMessage({ id: msg.id, ok: true, sessionId: sid, inputNames: s.inputNames, outputNames: s.outputNames,
        inputMetadata: meta(s.inputMetadata), outputMetadata: meta(s.outputMetadata) });
    } else if (msg.op === 'run') {
      const s = sessions.get(msg.sessionId);
      if (!s) throw new Error('session was released');
      const feeds = {};
      for (const [k, t] of Object.entries(msg.feeds)) feeds[k] = new ort.Tensor(t.type, t.data, t.dims);
      const t0 = performance.now();
      const res = await s.run(feeds);
      const runMs = performance.now() - t0;
      const outputs = {};
      const transfer = [];
      for (const [k, t] of Object.entries(res)) {
        let data = t.data;
        if (typeof Float16Array !== 'undefined' && data instanceof Float16Array) data = new Uint16Array(data.buffer, data.byteOffset, data.length);
        outputs[k] = { type: t.type, dims: Array.from(t.dims), data };
        transfer.push(data.buffer);
      }
      parentPort.postMessage({ id: msg.id, ok: true, outputs, runMs }, transfer);
    } else if (msg.op === 'release') {
      const s = sessions.get(msg.sessionId);
      sessions.delete(msg.sessionId);
      if (s) await s.release();
      parentPort.postMessage({ id: msg.id, ok: true });
    }
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, error: (e && e.message) || String(e) });
  }
});
`;
