import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJobRequest, serverMessage } from '../../src/index.js';
import { canAutoMatte, createMemoryStorage, createPanel, START_COMMAND, TOKEN_KEY, type PanelStorage } from '../../src/panel/index.js';
import { CAPS, FakeBridge, ManualTimers, MemoryHost, settle } from './fakes.js';

function setup(opts: { storage?: PanelStorage; bridge?: FakeBridge; host?: MemoryHost } = {}) {
  const bridge = opts.bridge ?? new FakeBridge();
  const host = opts.host ?? new MemoryHost();
  const timers = new ManualTimers();
  const storage = opts.storage ?? createMemoryStorage();
  let seedCounter = 0.25;
  const panel = createPanel({
    host,
    bridgeUrl: 'http://127.0.0.1:7788',
    storage,
    WebSocketImpl: bridge.WebSocket,
    timers,
    now: () => timers.now,
    random: () => (seedCounter = (seedCounter + 0.137) % 1),
    reconnect: { initialMs: 500, maxMs: 4000 },
  });
  return { bridge, host, timers, storage, panel };
}

test('bridge not running: offline with the start command, backoff doubles up to the cap, then connects', async () => {
  const { bridge, timers, panel } = setup();
  bridge.running = false;
  panel.start();
  await settle();
  let c = panel.store.get().connection;
  assert.equal(c.status, 'offline');
  assert.match(c.problem!.fix, new RegExp(START_COMMAND.replace(/ /g, ' ')));
  assert.equal(c.problem!.title, 'The Synthetic Studio bridge is not running.');
  assert.deepEqual(timers.pending(), [500]);
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    timers.advance(timers.pending()[0]!);
    await settle();
    delays.push(timers.pending()[0]!);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 4000]);
  bridge.running = true;
  timers.advance(4000);
  await settle();
  c = panel.store.get().connection;
  assert.equal(c.status, 'pairing', 'reached the bridge, which wants a token');
  panel.dispose();
});

test('pairing: wrong code is explained, right code stores the token, the next panel skips pairing', async () => {
  const { bridge, panel, storage } = setup();
  panel.start();
  await settle();
  assert.equal(panel.store.get().connection.status, 'pairing');
  assert.equal(panel.store.get().connection.problem?.code, 'E_AUTH_REQUIRED');

  assert.equal(await panel.pair('000000'), false);
  assert.equal(panel.store.get().connection.status, 'pairing');
  assert.equal(panel.store.get().connection.problem?.code, 'E_AUTH_INVALID');
  assert.equal(storage.getItem(TOKEN_KEY), null);

  assert.equal(await panel.pair(' K7P2Q9 '), true);
  await settle();
  const s = panel.store.get();
  assert.equal(s.connection.status, 'ready');
  assert.equal(storage.getItem(TOKEN_KEY), bridge.token);
  assert.equal(s.capabilities?.executionProviders[0], 'cpu');
  panel.dispose();

  const second = setup({ storage, bridge });
  second.panel.start();
  await settle();
  assert.equal(second.panel.store.get().connection.status, 'ready');
  const hellos = bridge.received.filter((m) => m.type === 'hello');
  assert.equal((hellos.at(-1) as { token?: string }).token, bridge.token);
  second.panel.dispose();
});

test('a stale token is forgotten and the panel asks to pair again', async () => {
  const storage = createMemoryStorage({ [TOKEN_KEY]: 'old-token' });
  const { panel } = setup({ storage });
  panel.start();
  await settle();
  assert.equal(panel.store.get().connection.status, 'pairing');
  assert.equal(panel.store.get().connection.problem?.code, 'E_AUTH_INVALID');
  assert.equal(storage.getItem(TOKEN_KEY), null);
  panel.dispose();
});

async function readyPanel() {
  const bridge = new FakeBridge();
  const ctx = setup({ bridge, storage: createMemoryStorage({ [TOKEN_KEY]: bridge.token }) });
  ctx.panel.start();
  await settle();
  assert.equal(ctx.panel.store.get().connection.status, 'ready');
  return ctx;
}

test('tabs follow the tasks the bridge reports; the model picker lists installed models only', async () => {
  const { panel } = await readyPanel();
  const s = panel.store.get();
  assert.equal(s.tab, 'inpaint', 'first reported tab in panel order');
  assert.deepEqual(panel.engines(), ['classical', 'diffusion']);
  panel.updateSettings({ engine: 'diffusion' });
  assert.deepEqual(panel.models().map((m) => m.name), ['sd15-inpaint']);
  assert.equal(panel.store.get().settings.model, 'sd15-inpaint', 'diffusion picks the first installed model');
  panel.setTab('relight');
  assert.equal(panel.store.get().settings.engine, 'classical', 'relight here only offers classical');
  panel.setTab('extend');
  assert.equal(panel.store.get().tab, 'relight', 'a task the bridge did not report cannot be chosen');
  assert.equal(canAutoMatte(s.capabilities), false);
  assert.equal(canAutoMatte({ ...s.capabilities!, models: [...s.capabilities!.models, { name: 'selfie', kind: 'segmentation', path: '/m/selfie', installed: true }] }), true);
  panel.dispose();
});

test('selection from the host fills the range; the preview URL carries path, frame and token', async () => {
  const { panel, host, bridge } = await readyPanel();
  const s = panel.store.get();
  assert.equal(s.selection?.mediaPath, '/media/shot 01.mov');
  assert.equal(s.previewFrame, 10);
  panel.setPreviewFrame(99);
  assert.equal(panel.store.get().previewFrame, 33, 'clamped to the last frame of [in, out)');
  const url = new URL(panel.previewUrl(320)!);
  assert.equal(url.pathname, '/api/preview');
  assert.equal(url.searchParams.get('path'), '/media/shot 01.mov');
  assert.equal(url.searchParams.get('frame'), '33');
  assert.equal(url.searchParams.get('maxWidth'), '320');
  assert.equal(url.searchParams.get('token'), bridge.token);
  host.select(null);
  await settle();
  assert.equal(panel.store.get().selection, null);
  assert.equal(panel.store.get().selectionReason, 'Select one clip on the timeline.');
  panel.dispose();
});

test('generate: empty mask is refused in plain words; a painted mask goes out as normalised shapes', async () => {
  const { panel, bridge } = await readyPanel();
  assert.equal(await panel.generate(), null);
  assert.equal(panel.store.get().error?.code, 'E_MASK_EMPTY');
  assert.equal(panel.store.get().error?.title, 'The mask is empty.');
  assert.equal(bridge.submitted().length, 0);
  panel.dismissError();

  panel.mask.begin([0.2, 0.3]);
  panel.mask.move([0.25, 0.3]);
  panel.mask.move([0.3, 0.35]);
  panel.mask.end();
  panel.mask.setTool('rect');
  panel.mask.begin([0.6, 0.6]);
  panel.mask.move([0.5, 0.7]);
  panel.mask.end();
  panel.setPreviewFrame(12);
  panel.updateTaskSettings('inpaint', { keyframeSpacing: 6, feather: 3 });

  const job = await panel.generate();
  assert.ok(job);
  await settle();
  const sent = bridge.submitted()[0]!.request;
  assert.equal(sent.task, 'inpaint');
  assert.deepEqual(sent.source, { path: '/media/shot 01.mov', in: 10, out: 34, fps: { num: 24000, den: 1001 }, timecode: '01:00:00:00' });
  assert.deepEqual(sent.placement, { host: 'premiere', track: 0, start: '254016000000' });
  assert.equal(sent.mask?.kind, 'shapes');
  if (sent.mask?.kind !== 'shapes') throw new Error('unreachable');
  assert.equal(sent.mask.frame, 12);
  assert.equal(sent.mask.track, true);
  assert.deepEqual(sent.mask.shapes[0], { shape: 'stroke', points: [[0.2, 0.3], [0.25, 0.3], [0.3, 0.35]], radius: 0.04 });
  assert.deepEqual(sent.mask.shapes[1], { shape: 'rect', x: 0.5, y: 0.6, w: 0.1, h: 0.1 });
  assert.equal(sent.task === 'inpaint' && sent.params.keyframeSpacing, 6);
  assert.equal(sent.task === 'inpaint' && sent.params.feather, 3);
  assert.equal(sent.seed, panel.store.get().settings.seed, 'the seed used is shown');
  panel.dispose();
});

test('classical engine with a replacement prompt is refused with the fix', async () => {
  const { panel, bridge } = await readyPanel();
  panel.mask.stamp([0.5, 0.5]);
  panel.updateSettings({ prompt: 'a red car' });
  assert.equal(await panel.generate(), null);
  assert.equal(panel.store.get().error?.code, 'E_MODEL_REQUIRED');
  assert.match(panel.store.get().error!.fix, /diffusion engine/);
  assert.equal(bridge.submitted().length, 0);
  panel.dispose();
});

test('queue: progress bar, ETA from the rate, preview thumbnail, result imported into the bin, re-run keeps the seed', async () => {
  const { panel, bridge, host, timers } = await readyPanel();
  panel.mask.stamp([0.5, 0.5]);
  const job = (await panel.generate())!;
  const seed = job.seed;
  bridge.broadcast(serverMessage('job.state', { jobId: job.id, state: 'running' }));
  bridge.broadcast(serverMessage('job.progress', { jobId: job.id, progress: { phase: 'propagate', done: 4, total: 24 } }));
  await settle();
  timers.advance(2000);
  bridge.broadcast(serverMessage('job.progress', { jobId: job.id, progress: { phase: 'propagate', done: 12, total: 24, preview: 'AAAA' } }));
  await settle();
  let j = panel.store.get().jobs[0]!;
  assert.equal(j.state, 'running');
  assert.equal(j.progress?.fraction, 0.5);
  assert.equal(j.progress?.eta, 3, '8 frames in 2 s → 12 frames left ≈ 3 s');
  assert.equal(j.preview, 'data:image/jpeg;base64,AAAA');
  bridge.broadcast(serverMessage('job.progress', { jobId: job.id, progress: { phase: 'encode', done: 1, total: 24, eta: 42 } }));
  await settle();
  assert.equal(panel.store.get().jobs[0]!.progress?.eta, 42, "the bridge's ETA wins");

  const outputs = [
    { path: '/media/shot 01_inpaint_v001.mov', kind: 'movie' as const, frames: 24, fps: { num: 24000, den: 1001 }, timecode: '01:00:00:10' },
    { path: '/media/shot 01_inpaint_v001.json', kind: 'sidecar' as const, frames: 0, fps: { num: 24000, den: 1001 }, timecode: '01:00:00:10' },
  ];
  bridge.broadcast(serverMessage('job.result', { jobId: job.id, outputs, metrics: {}, seconds: 5.5 }));
  await settle();
  j = panel.store.get().jobs[0]!;
  assert.equal(j.state, 'succeeded');
  assert.equal(j.progress?.fraction, 1);
  assert.equal(host.imports.length, 1);
  assert.deepEqual(host.imports[0]!.outputs.map((o) => o.kind), ['movie'], 'only media is imported, not the sidecar');
  assert.equal(host.imports[0]!.options.bin, 'Synthetic Studio');
  assert.equal(host.imports[0]!.options.placeAbove, true);
  assert.equal(host.imports[0]!.options.selection?.mediaPath, '/media/shot 01.mov');
  assert.equal(j.import?.status, 'done');

  await panel.reveal(job.id);
  assert.deepEqual(host.revealed, ['/media/shot 01_inpaint_v001.mov']);

  panel.newSeed();
  const again = (await panel.rerun(job.id))!;
  assert.notEqual(again.id, job.id);
  assert.equal(bridge.submitted()[1]!.request.seed, seed, 're-run uses the same seed');
  assert.deepEqual(panel.store.get().jobs.map((x) => x.id), [again.id, job.id]);
  panel.dispose();
});

test('seed lock reuses the seed; unlocked draws a new one each time', async () => {
  const { panel, bridge } = await readyPanel();
  panel.mask.stamp([0.5, 0.5]);
  panel.updateSettings({ seed: 777 });
  panel.toggleSeedLock();
  await panel.generate();
  await panel.generate();
  panel.toggleSeedLock();
  await panel.generate();
  const seeds = bridge.submitted().map((m) => m.request.seed);
  assert.deepEqual(seeds.slice(0, 2), [777, 777]);
  assert.notEqual(seeds[2], 777);
  panel.dispose();
});

test('cancel marks the job cancelled; a failed job shows the plain-language fix', async () => {
  const { panel, bridge } = await readyPanel();
  panel.mask.stamp([0.5, 0.5]);
  const a = (await panel.generate())!;
  const b = (await panel.generate())!;
  await panel.cancel(a.id);
  await settle();
  assert.equal(panel.store.get().jobs.find((j) => j.id === a.id)!.state, 'cancelled');
  assert.ok(bridge.received.some((m) => m.type === 'job.cancel' && m.jobId === a.id));
  bridge.broadcast(serverMessage('job.error', { jobId: b.id, error: { code: 'E_MEDIA_VFR', message: 'VFR detected: 3 distinct frame durations' } }));
  await settle();
  const jb = panel.store.get().jobs.find((j) => j.id === b.id)!;
  assert.equal(jb.state, 'failed');
  assert.equal(jb.error?.title, 'This clip is variable frame rate.');
  assert.match(jb.error!.fix, /Conform it to a constant frame rate first/);
  assert.equal(jb.error?.detail, 'VFR detected: 3 distinct frame durations');
  panel.dispose();
});

test('the bridge dropping mid-session: "lost connection", reconnect with the remembered token, refresh jobs', async () => {
  const { panel, bridge, timers } = await readyPanel();
  panel.mask.stamp([0.5, 0.5]);
  await panel.generate();
  bridge.dropAll();
  await settle();
  const c = panel.store.get().connection;
  assert.equal(c.status, 'offline');
  assert.match(c.problem!.title, /Lost the connection/);
  timers.advance(500);
  await settle();
  assert.equal(panel.store.get().connection.status, 'ready');
  assert.ok(bridge.received.some((m) => m.type === 'jobs.list'), 'unfinished jobs are re-read after reconnecting');
  panel.dispose();
});

test('generate without connection or selection explains what to do', async () => {
  const { panel, bridge, host } = setup();
  bridge.running = false;
  panel.start();
  await settle();
  assert.equal(await panel.generate(), null);
  assert.equal(panel.store.get().error?.code, 'E_BRIDGE_OFFLINE');
  panel.dispose();

  const r = await readyPanel();
  r.host.select(null);
  await settle();
  assert.equal(await r.panel.generate(), null);
  assert.equal(r.panel.store.get().error?.code, 'E_NO_SELECTION');
  assert.ok(host);
  r.panel.dispose();
});

test('hosts without selection events are polled; an unchanged selection does not touch the state', async () => {
  const bridge = new FakeBridge();
  const host = new MemoryHost();
  (host.capabilities as { selectionEvents: boolean }).selectionEvents = false;
  const timers = new ManualTimers();
  const panel = createPanel({ host, bridgeUrl: 'http://127.0.0.1:7788', storage: createMemoryStorage({ [TOKEN_KEY]: bridge.token }), WebSocketImpl: bridge.WebSocket, timers, selectionPollMs: 1000 });
  panel.start();
  await settle();
  const first = panel.store.get().selection;
  assert.ok(first);
  let changes = 0;
  panel.store.subscribe((s, p) => { if (s.selection !== p.selection) changes++; });
  timers.advance(1000);
  await settle();
  assert.equal(panel.store.get().selection, first, 'same selection, same object');
  host.selection = { ...host.selection!, sourceIn: 12 }; // changed with no event
  timers.advance(1000);
  await settle();
  assert.equal(panel.store.get().selection?.sourceIn, 12);
  assert.equal(changes, 1);
  panel.dispose();
  host.selection = { ...host.selection!, sourceIn: 14 };
  timers.advance(5000);
  await settle();
  assert.equal(panel.store.get().selection?.sourceIn, 12, 'no polling after dispose');
});

test('a reopened panel lists the jobs the bridge already has, without importing them', async () => {
  const bridge = new FakeBridge();
  const fps = { num: 25, den: 1 };
  const request = parseJobRequest({ task: 'copy', source: { path: '/media/a.mov', in: 0, out: 10 } });
  bridge.records = [
    { id: 'old-running', state: 'running', request, createdAt: '2026-01-01T10:00:02Z', progress: { phase: 'encode', done: 5, total: 10 }, outputs: [], metrics: {}, notes: [], resumes: 0 },
    { id: 'old-done', state: 'succeeded', request, createdAt: '2026-01-01T10:00:01Z', outputs: [{ path: '/media/a_copy_v001.mov', kind: 'movie', frames: 10, fps, timecode: '00:00:00:00' }], metrics: {}, notes: [], resumes: 0 },
    { id: 'old-failed', state: 'failed', request, createdAt: '2026-01-01T10:00:00Z', outputs: [], metrics: {}, notes: [], resumes: 0, error: { code: 'E_MEDIA_VFR', message: 'vfr' } },
  ];
  const ctx = setup({ bridge, storage: createMemoryStorage({ [TOKEN_KEY]: bridge.token }) });
  ctx.panel.start();
  await settle();
  const jobs = ctx.panel.store.get().jobs;
  assert.deepEqual(jobs.map((j) => [j.id, j.state]), [['old-running', 'running'], ['old-done', 'succeeded'], ['old-failed', 'failed']]);
  assert.equal(jobs[0]!.progress?.fraction, 0.5);
  assert.equal(jobs[1]!.progress?.fraction ?? 1, 1);
  assert.equal(jobs[2]!.error?.title, 'This clip is variable frame rate.');
  bridge.broadcast(serverMessage('job.result', { jobId: 'old-running', outputs: [{ path: '/media/a_copy_v002.mov', kind: 'movie', frames: 10, fps, timecode: '00:00:00:00' }], metrics: {}, seconds: 3 }));
  await settle();
  assert.equal(ctx.panel.store.get().jobs[0]!.state, 'succeeded');
  assert.equal(ctx.host.imports.length, 0, 'jobs from before are never imported by this panel');
  ctx.panel.dispose();
});

test('import places against the clip the job was made from, even after the selection moved on', async () => {
  const { panel, bridge, host } = await readyPanel();
  panel.mask.stamp([0.5, 0.5]);
  panel.updateSettings({ placeAbove: true });
  const job = (await panel.generate())!;
  const original = host.selection!;
  host.select({ ...original, mediaPath: '/media/other.mov', placement: { track: 3, trackBase: 0, start: '0' } });
  panel.updateSettings({ placeAbove: false });
  await settle();
  bridge.broadcast(serverMessage('job.result', { jobId: job.id, outputs: [{ path: '/media/out.mov', kind: 'movie', frames: 24, fps: { num: 24000, den: 1001 }, timecode: '01:00:00:10' }], metrics: {}, seconds: 1 }));
  await settle();
  assert.equal(host.imports.length, 1);
  assert.equal(host.imports[0]!.options.selection?.mediaPath, '/media/shot 01.mov');
  assert.equal(host.imports[0]!.options.selection?.placement?.track, 0);
  assert.equal(host.imports[0]!.options.placeAbove, true, 'the choice made at Generate time');
  panel.dispose();
});

test('extend and relight requests carry their key settings', async () => {
  const bridge = new FakeBridge();
  bridge.capabilities = { ...CAPS, tasks: [...CAPS.tasks, { name: 'extend', engines: ['classical'], label: 'Extend' }] };
  const { panel } = setup({ bridge, storage: createMemoryStorage({ [TOKEN_KEY]: bridge.token }) });
  panel.start();
  await settle();
  panel.setTab('extend');
  panel.updateTaskSettings('extend', { mode: 'temporal', frames: 12, direction: 'before' });
  await panel.generate();
  panel.updateTaskSettings('extend', { mode: 'spatial', aspect: '2.39:1', anchor: 'top' });
  await panel.generate();
  panel.setTab('relight');
  panel.setLightPreset('overcast');
  await panel.generate();
  panel.updateSettings({ prompt: 'warm light from the left' });
  panel.updateTaskSettings('relight', { autoMatte: true });
  await panel.generate();
  panel.mask.stamp([0.5, 0.5]);
  await panel.generate();
  const [t, sp, rl, rp, rm] = bridge.submitted().map((m) => m.request);
  assert.equal(t!.task, 'extend');
  assert.deepEqual(t!.task === 'extend' && [t!.params.mode, t!.params.frames, t!.params.direction, t!.mask], ['temporal', 12, 'before', undefined]);
  assert.deepEqual(sp!.task === 'extend' && [sp!.params.mode, sp!.params.aspect, sp!.params.anchor, sp!.params.frames], ['spatial', '2.39:1', 'top', undefined]);
  // each mode sends its own strength: a low refinement for new frames, full generation for a new border
  assert.deepEqual([t!.task === 'extend' && t!.params.strength, sp!.task === 'extend' && sp!.params.strength], [0.35, 1]);
  assert.equal(rl!.task === 'relight' && rl!.params.light, 'preset:overcast');
  assert.equal(rp!.task === 'relight' && rp!.params.light, undefined, 'a lighting prompt replaces the rig');
  assert.equal(rp!.prompt, 'warm light from the left');
  assert.equal(rp!.task === 'relight' && rp!.params.autoMatte, true, 'automatic matte without a painted mask');
  assert.equal(rm!.task === 'relight' && rm!.params.autoMatte, false, 'a painted subject mask wins over the automatic matte');
  assert.equal(rm!.mask?.kind, 'shapes');
  panel.dispose();
});

test('a bridge that stops while the pairing form is shown turns the panel offline, not a silent pairing loop', async () => {
  const { panel, bridge, timers } = setup();
  panel.start();
  await settle();
  assert.equal(panel.store.get().connection.status, 'pairing');
  bridge.dropAll(); // the bridge may drop an unauthenticated socket: still pairing
  await settle();
  assert.equal(panel.store.get().connection.status, 'pairing');
  bridge.running = false;
  timers.advance(500); // reconnect attempt finds nothing listening
  await settle();
  assert.equal(panel.store.get().connection.status, 'offline');
  assert.equal(panel.store.get().connection.problem?.code, 'E_BRIDGE_OFFLINE');
  bridge.running = true;
  timers.advance(timers.pending()[0]!);
  await settle();
  assert.equal(panel.store.get().connection.status, 'pairing');
  panel.dispose();
});
