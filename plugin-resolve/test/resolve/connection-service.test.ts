import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStudioError, StudioError } from '@synthetic-studio/shared';
import { connectResolve } from '../../src/main/connection.js';
import { importResult } from '../../src/main/import-result.js';
import { readSelection } from '../../src/main/read-selection.js';
import { ResolveService } from '../../src/main/service.js';
import { PLUGIN_ID, type Envelope, type ResolvePreloadApi, type SelectionResult } from '../../src/plugin/ipc.js';
import { ResolveHost } from '../../src/renderer/resolve-host.js';
import { makeDouble } from '../doubles/load-fixture.js';

describe('WorkflowIntegration connection', () => {
  it('prefers InitializePromise/GetResolvePromise on 20.1+ (every call returns a Promise)', async () => {
    const d = makeDouble('timeline-24', { version: [21, 1, 0, 5, ''] });
    const c = await connectResolve(d.module, PLUGIN_ID);
    assert.equal(c.flavour, 'promise');
    assert.ok(c.resolve.GetProductName() instanceof Promise);
    assert.equal(d.apiTimeout, 0, 'no SetAPITimeout needed');
  });

  it('uses Initialize + SetAPITimeout + GetResolve before 20.1', async () => {
    const d = makeDouble('timeline-24', { version: [19, 1, 4, 11, ''] });
    assert.equal(typeof d.module.InitializePromise, 'undefined');
    const c = await connectResolve(d.module, PLUGIN_ID, { apiTimeoutSeconds: 12 });
    assert.equal(c.flavour, 'classic');
    assert.equal(d.apiTimeout, 12);
    assert.equal(c.resolve.GetProductName(), 'DaVinci Resolve Studio');
    c.close();
    assert.equal(d.initialized, false, 'CleanUp called');
  });

  it('refuses with a clear message when the id differs, Resolve did not launch the plugin, or the edition is free', async () => {
    const cases = [
      makeDouble('timeline-24', { manifestId: 'com.other.plugin' }),
      makeDouble('timeline-24', { launchedByResolve: false }),
      makeDouble('timeline-24', { studio: false }),
      makeDouble('timeline-24', { studio: false, version: [19, 0, 0, 1, ''] }),
    ];
    for (const d of cases) {
      await assert.rejects(connectResolve(d.module, PLUGIN_ID), (e: unknown) => isStudioError(e) && e.code === 'E_HOST_UNAVAILABLE' && /Scripts/.test(e.message));
    }
  });

  it('registers ResolveQuit on 20.1+ only, and the callback fires', async () => {
    const d = makeDouble('timeline-24');
    let quit = 0;
    assert.equal(d.module.RegisterCallback('ResolveQuit', () => quit++), true);
    d.emit('ResolveQuit');
    assert.equal(quit, 1);
    assert.equal(makeDouble('timeline-24', { version: [19, 1, 0, 0, ''] }).module.RegisterCallback('ResolveQuit', () => {}), false);
  });
});

describe('ResolveService (main.js handlers)', () => {
  it('answers getSelection and info as plain-data envelopes', async () => {
    const d = makeDouble('timeline-24');
    const service = new ResolveService(() => connectResolve(d.module, PLUGIN_ID));
    const sel = await service.getSelection();
    assert.ok(sel.ok && sel.value.selection);
    assert.deepEqual(JSON.parse(JSON.stringify(sel)), sel, 'survives structured cloning as JSON');
    const info = await service.info();
    assert.deepEqual(info, { ok: true, value: { product: 'DaVinci Resolve Studio', version: '21.1.0', studio: true, api: 'promise', timelineSelection: true, page: 'edit' } });
  });

  it('turns a hung Promise-API call into E_HOST_TIMEOUT and keeps serving later requests', async () => {
    const d = makeDouble('timeline-24');
    const service = new ResolveService(() => connectResolve(d.module, PLUGIN_ID), { requestTimeoutMs: 150 });
    d.faults.hang.add('GetCurrentTimeline');
    const hung = await service.getSelection();
    assert.deepEqual(hung.ok ? null : hung.error.code, 'E_HOST_TIMEOUT');
    d.faults.hang.clear();
    const next = await service.getSelection();
    assert.ok(next.ok && next.value.selection, 'the queue is not blocked');
  });

  it('classic API with SetAPITimeout: a hung call comes back empty instead of freezing main.js', async () => {
    const d = makeDouble('timeline-24', { version: [19, 1, 0, 0, ''] });
    const service = new ResolveService(() => connectResolve(d.module, PLUGIN_ID));
    d.faults.hang.add('GetCurrentTimeline');
    const r = await service.getSelection();
    assert.ok(r.ok && r.value.selection === null);
  });

  it('reports a connection refusal as an error envelope', async () => {
    const d = makeDouble('timeline-24', { studio: false });
    const service = new ResolveService(() => connectResolve(d.module, PLUGIN_ID));
    const r = await service.getSelection();
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.error.code, 'E_HOST_UNAVAILABLE');
  });
});

describe('free edition (Scripts menu graph)', () => {
  it('reading and importing use no Studio-gated call, so no upsell modal opens', async () => {
    const d = makeDouble('timeline-24', { studio: false, probe: () => null });
    const resolve = d.scriptingResolve();
    const sel = await readSelection(resolve);
    assert.ok(sel.selection);
    await importResult(resolve, [], { bin: 'Synthetic Studio', placeAbove: true, selection: sel.selection });
    assert.equal(d.modalOpen, false);
  });

  it('a Studio-gated call returns False and its modal breaks later calls until dismissed', async () => {
    const d = makeDouble('timeline-24', { studio: false });
    const resolve = d.scriptingResolve() as unknown as { CreateMagicMask(): unknown; GetProductName(): unknown };
    assert.equal(resolve.CreateMagicMask(), false);
    assert.equal(d.modalOpen, true);
    assert.equal(resolve.GetProductName(), null);
    const sel = await readSelection(d.scriptingResolve()).catch((e: unknown) => e);
    assert.ok(sel instanceof Error || (sel as SelectionResult).selection === null, 'reading fails while the modal is open');
    d.modalOpen = false;
    assert.equal(resolve.GetProductName(), 'DaVinci Resolve');
  });
});

describe('ResolveHost (renderer side, through the preload API)', () => {
  function fakeApi(service: ResolveService): Omit<ResolvePreloadApi, 'socketOpen' | 'socketSend' | 'socketClose'> {
    return {
      getSelection: (r) => service.getSelection(r),
      importResult: (o, opts) => service.importResult(o, opts),
      info: () => service.info(),
      reveal: async () => ({ ok: true, value: null }),
      bridgeConfig: async () => ({ ok: true, value: { url: 'http://127.0.0.1:1' } }),
      bridgeFetch: async () => ({ ok: false, error: { code: 'E_HOST_REFUSED', message: 'no' } }),
    };
  }

  it('implements HostAdapter for Resolve: capabilities, selection, fallback track', async () => {
    const d = makeDouble('timeline-2997df', { version: [20, 2, 0, 7, ''] });
    const host = new ResolveHost(fakeApi(new ResolveService(() => connectResolve(d.module, PLUGIN_ID))));
    assert.deepEqual(host.capabilities, { host: 'resolve', canImport: true, canPlace: true, canReveal: true, selectionEvents: false });
    host.setFallbackTrack(1);
    const r = await host.getSelection();
    assert.equal(r.selection?.sourceIn, 120);
  });

  it('throws a StudioError with the code from an error envelope', async () => {
    const api = { ...fakeApi(new ResolveService(async () => { throw new StudioError('E_HOST_UNAVAILABLE', 'gone'); })) };
    const host = new ResolveHost(api);
    await assert.rejects(host.getSelection(), (e: unknown) => isStudioError(e) && e.code === 'E_HOST_UNAVAILABLE' && e.message === 'gone');
  });

  it('polls for selection changes (Resolve has no selection events) and stops when nobody listens', async () => {
    const d = makeDouble('timeline-24');
    const service = new ResolveService(() => connectResolve(d.module, PLUGIN_ID));
    let tick: (() => void) | null = null;
    let cleared = false;
    const host = new ResolveHost(fakeApi(service), { timers: { setInterval: (fn) => ((tick = fn), 1), clearInterval: () => void (cleared = true) } });
    let changes = 0;
    const off = host.onSelectionChanged(() => changes++);
    assert.ok(tick);
    await host.getSelection(); // what the panel shows
    await host.check();
    await host.check();
    assert.equal(changes, 0, 'no change, no event');
    d.timeline.selected = [d.timeline.video[0]![1]!];
    await host.check();
    assert.equal(changes, 1);
    await host.check();
    assert.equal(changes, 1, 'one event per change');
    d.timeline.selected = [d.timeline.video[0]![0]!];
    host.setFallbackTrack(2); // a rule change refreshes at once
    assert.equal(changes, 2);
    await host.check();
    assert.equal(changes, 3, 'the change made before the rule change is not lost');
    off();
    assert.equal(cleared, true);
  });

  it('envelopes and arguments cross IPC as plain data only', async () => {
    const d = makeDouble('timeline-24');
    const service = new ResolveService(() => connectResolve(d.module, PLUGIN_ID));
    const seen: unknown[] = [];
    const api = fakeApi(service);
    const host = new ResolveHost({ ...api, getSelection: async (r) => { seen.push(r); const e: Envelope<SelectionResult> = await api.getSelection(r); seen.push(e); return e; } });
    await host.getSelection();
    for (const v of seen) assert.doesNotThrow(() => structuredClone(v));
  });
});
