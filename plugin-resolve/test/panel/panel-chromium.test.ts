// The bundled Resolve panel page in headless Chromium: the built preload.js runs in the page over
// an emulated Electron IPC, main.js's side of it (ResolveService over the Resolve double, bridge
// config and fetch, and the websocket relay) runs in this process. The page's bridge socket goes
// through that relay to a real bridge (the page itself would send Origin: null, refused), a job
// completes, and the result is imported into the "Synthetic Studio" bin and placed on the track above.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startBridge, type Bridge } from '../../../bridge-server/src/server/index.js';
import { buildResolvePlugin } from '../../src/install/build-plugin.js';
import { bridgeFetch } from '../../src/main/bridge-link.js';
import { connectResolve } from '../../src/main/connection.js';
import { ResolveService } from '../../src/main/service.js';
import { BridgeSocketRelay, registerSocketRelay, type RelaySender } from '../../src/main/socket-relay.js';
import { IPC, PLUGIN_ID } from '../../src/plugin/ipc.js';
import { loadFixture, makeDouble } from '../doubles/load-fixture.js';
import type { ResolveDouble } from '../doubles/resolve-double.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const sharedClip = join(repo, '..', 'shared', 'data', 'clips', 'light-a-video', 'input_animatediff_car.mp4');
const skip = !existsSync(CHROMIUM) ? 'chromium not installed' : !existsSync(sharedClip) ? 'shared test clip absent' : false;

describe('Resolve panel page in headless Chromium', { skip }, () => {
  let dir: string;
  let bridge: Bridge;
  let browser: Browser;
  let double: ResolveDouble;
  // Results are written beside the source: work on a copy in a temporary folder, never in shared/.
  let clip: string;
  let pluginDir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ss-resolve-panel-'));
    mkdirSync(join(dir, 'media'));
    clip = join(dir, 'media', 'car clip.mp4');
    copyFileSync(sharedClip, clip);
    pluginDir = await buildResolvePlugin(join(dir, 'com.syntheticstudio.resolve'));
    bridge = await startBridge({ port: 0, configDir: join(dir, 'cfg'), dataDir: join(dir, 'data'), concurrency: 1 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await bridge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A page running the built preload.js, with main.js's side of the IPC served from here. */
  async function openPanel(pluginDir: string, d: ResolveDouble) {
    // What main.js does: ResolveService over WorkflowIntegration.node, bridge config and fetch, the socket relay.
    const service = new ResolveService(() => connectResolve(d.module, PLUGIN_ID));
    const config = { url: bridge.url, token: bridge.token };
    const invokeHandlers: Record<string, (...args: never[]) => Promise<unknown>> = {
      [IPC.getSelection]: (r: never) => service.getSelection(r),
      [IPC.importResult]: (o: never, opts: never) => service.importResult(o, opts),
      [IPC.info]: () => service.info(),
      [IPC.reveal]: async () => ({ ok: true, value: null }),
      [IPC.bridgeConfig]: async () => ({ ok: true, value: config }),
      [IPC.bridgeFetch]: async (req: never) => ({ ok: true, value: await bridgeFetch(config, req) }),
    };
    const relay = new BridgeSocketRelay(() => config.url);
    const mainListeners = new Map<string, (event: { sender: RelaySender }, ...args: never[]) => void>();
    registerSocketRelay({ on: (channel, fn) => void mainListeners.set(channel, fn) }, relay);

    const page = await browser.newPage({ viewport: { width: 440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    const explain = async (e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- page text ---\n${await page.locator('body').innerText().catch(() => '?')}\n--- console ---\n${consoleLines.join('\n')}\n--- errors ---\n${errors.join('\n')}`);
    };
    // The page's webContents as main sees it: main -> page messages are delivered in order.
    let delivery = Promise.resolve();
    const sender: RelaySender = {
      id: 1,
      send: (channel, ...args) => {
        delivery = delivery.then(() => page.evaluate(([c, a]) => (window as unknown as { __ssDeliver(c: string, a: unknown[]): void }).__ssDeliver(c, a), [channel, args] as const)).catch(() => {});
      },
      isDestroyed: () => page.isClosed(),
      once: (_event, fn) => page.once('close', fn),
    };
    // Electron's IPC, emulated: invoke/send from the page arrive here by structured cloning.
    await page.exposeFunction('__ssInvoke', (channel: string, args: never[]) => invokeHandlers[channel]!(...args));
    await page.exposeFunction('__ssSend', (channel: string, args: never[]) => mainListeners.get(channel)!({ sender }, ...args));
    // The built preload.js with require('electron') giving it contextBridge and ipcRenderer over that IPC.
    const preload = readFileSync(join(pluginDir, 'preload.js'), 'utf8');
    await page.addInitScript(`(() => {
      const listeners = new Map();
      window.__ssDeliver = (channel, args) => (listeners.get(channel) || []).forEach((fn) => fn({}, ...args));
      const electron = {
        contextBridge: { exposeInMainWorld: (key, api) => { window[key] = Object.freeze(api); } },
        ipcRenderer: {
          invoke: (channel, ...args) => window.__ssInvoke(channel, args),
          send: (channel, ...args) => void window.__ssSend(channel, args),
          on: (channel, fn) => listeners.set(channel, [...(listeners.get(channel) || []), fn]),
        },
      };
      const require = (id) => { if (id === 'electron') return electron; throw new Error('preload may not require ' + id); };
      const module = { exports: {} };
      (function (require, module, exports) {\n${preload}\n})(require, module, module.exports);
    })();`);
    await page.goto(pathToFileURL(join(pluginDir, 'index.html')).href);
    return { page, errors, explain, relay };
  }

  it('completes a job and imports + places the result through the preload API', async () => {
    // 24 fps timeline at 01:00:00:00; the clip on V1 is the real 8 fps test clip, frames [2, 6).
    const fx = loadFixture('timeline-24');
    fx.media[0] = { id: 'A', name: 'car clip.mp4', path: clip, fps: 8, startTC: '00:00:00:00', frames: 16, resolution: '512x512' };
    fx.timeline.video[0]![0] = { media: 'A', start: 86400, duration: 12, leftOffset: 6 };
    // Resolve reads imported media itself; here the bridge's own job records say what it wrote.
    double = makeDouble(fx, {
      probe: (path) => {
        const out = bridge.jobs.list().flatMap((j) => j.outputs).find((o) => o.path === path);
        return out ? { fps: out.fps.num / out.fps.den, frames: out.frames, resolution: `${out.width}x${out.height}` } : null;
      },
    });
    const dailies = double.mediaPool.AddSubFolder(double.mediaPool.root, 'Dailies');
    double.mediaPool.current = dailies;

    const { page, errors, explain, relay } = await openPanel(pluginDir, double);
    const job = page.locator('li.ss-job').first();
    try {
      // Ready without pairing (token from the installer's link), with the Resolve selection shown.
      await page.locator('[data-key="tab-copy"]').waitFor({ timeout: 20_000 });
      await page.getByText('car clip.mp4').first().waitFor({ timeout: 20_000 });
      await page.locator('[data-key="tab-copy"]').click();
      await page.locator('[data-key="generate"]').click();
      await job.locator('text=/Imported into the .Synthetic Studio. bin, placed on the track above/').waitFor({ timeout: 45_000 });
    } catch (e) {
      await explain(e);
    }
    assert.equal(await job.getAttribute('class').then((c) => /ss-succeeded/.test(c ?? '')), true);
    assert.equal(await job.locator('[role="progressbar"]').getAttribute('aria-valuenow'), '100');
    mkdirSync(join(repo, '.artifacts'), { recursive: true });
    await page.screenshot({ path: join(repo, '.artifacts', 'resolve-panel-job-done.png') });

    // The job the bridge ran is the selection's range of the clip.
    const record = bridge.jobs.list().find((j) => j.state === 'succeeded')!;
    assert.deepEqual([record.request.source.path, record.request.source.in, record.request.source.out], [clip, 2, 6]);
    const movie = record.outputs.find((o) => o.kind === 'movie')!;
    assert.equal(movie.frames, 4);

    // Resolve side: in the bin, current folder restored, placed on V2 at 01:00:00:00, 12 frames at 24p.
    const bin = double.mediaPool.root.folders.find((f) => f.name === 'Synthetic Studio')!;
    assert.deepEqual(bin.clips.map((c) => c.info.path), [movie.path]);
    assert.equal(double.mediaPool.current, dailies);
    const placed = double.timeline.video[1]!.find((i) => i.media?.info.path === movie.path)!;
    assert.deepEqual([placed.start, placed.duration], [86400, 12]);
    assert.deepEqual(errors, []);
    // The panel's one bridge connection is the relayed socket; it goes when the page goes.
    assert.equal(relay.count(), 1);
    await page.close();
    assert.equal(relay.count(), 0);
  });

  it('on a build without Timeline.GetSelectedClips the page offers the playhead track rule and follows it', async () => {
    const d = makeDouble('timeline-2997df', { version: [20, 2, 0, 7, ''] });
    const { page, errors, explain } = await openPanel(pluginDir, d);
    try {
      const picker = page.getByLabel('Video track for the clip under the playhead');
      await picker.waitFor({ timeout: 20_000 });
      // Resolve's current video item first, then the clip under the playhead on V1.
      await page.getByText('news 2997.mov').first().waitFor({ timeout: 20_000 });
      await picker.selectOption('1');
      await page.getByText('news 2997.mov').first().waitFor({ timeout: 20_000 });
      // Move the playhead off the clip: the panel follows (polling) and says why nothing is selected.
      d.timeline.playhead = 108000;
      await page.getByText('No clip under the playhead on V1').waitFor({ timeout: 20_000 });
    } catch (e) {
      await explain(e);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
});
