// The bundled Resolve panel page in headless Chromium: the Resolve double sits behind the preload
// API (as main.js would run it), the page opens its websocket to a real bridge, a job completes,
// and the result is imported into the "Synthetic Studio" bin and placed on the track above.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../../../bridge-server/src/server/index.js';
import { buildResolvePlugin } from '../../src/install/build-plugin.js';
import { bridgeFetch } from '../../src/main/bridge-link.js';
import { connectResolve } from '../../src/main/connection.js';
import { ResolveService } from '../../src/main/service.js';
import { PLUGIN_ID, PRELOAD_GLOBAL, type ResolvePreloadApi } from '../../src/plugin/ipc.js';
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

  /** A page with the double behind the preload API, as main.js would serve it. */
  async function openPanel(pluginDir: string, d: ResolveDouble) {
    // What main.js does: ResolveService over WorkflowIntegration.node, bridge config and fetch.
    const service = new ResolveService(() => connectResolve(d.module, PLUGIN_ID));
    const config = { url: bridge.url, token: bridge.token };
    const api: ResolvePreloadApi = {
      getSelection: (r) => service.getSelection(r),
      importResult: (o, opts) => service.importResult(o, opts),
      info: () => service.info(),
      reveal: async () => ({ ok: true, value: null }),
      bridgeConfig: async () => ({ ok: true, value: config }),
      bridgeFetch: async (req) => ({ ok: true, value: await bridgeFetch(config, req) }),
    };

    const page = await browser.newPage({ viewport: { width: 440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    const explain = async (e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- page text ---\n${await page.locator('body').innerText().catch(() => '?')}\n--- console ---\n${consoleLines.join('\n')}\n--- errors ---\n${errors.join('\n')}`);
    };
    // preload.js: contextBridge exposes IPC calls; here each call is a structured-clone hop to Node.
    await page.exposeFunction('__ssIpc', async (method: keyof ResolvePreloadApi, args: unknown[]) => (api[method] as (...a: unknown[]) => Promise<unknown>)(...args));
    // (A string, not a function: the test is compiled with helpers the page does not have.)
    await page.addInitScript(`(() => {
      const call = (m) => (...args) => window.__ssIpc(m, args);
      window[${JSON.stringify(PRELOAD_GLOBAL)}] = Object.freeze({
        getSelection: call('getSelection'), importResult: call('importResult'), info: call('info'),
        reveal: call('reveal'), bridgeConfig: call('bridgeConfig'), bridgeFetch: call('bridgeFetch'),
      });
    })();`);
    // main.js strips the Origin header of the panel's bridge socket (a file:// page sends "null",
    // which the bridge refuses); here the socket is relayed from Node, which sends no Origin.
    await page.routeWebSocket(/\/ws/, (route) => {
      const upstream = new WebSocket(route.url());
      const pending: string[] = [];
      upstream.on('open', () => pending.splice(0).forEach((m) => upstream.send(m)));
      upstream.on('message', (data) => route.send(data.toString()));
      upstream.on('close', () => route.close({ code: 1000 }));
      route.onMessage((m) => (upstream.readyState === WebSocket.OPEN ? upstream.send(String(m)) : pending.push(String(m))));
      route.onClose(() => upstream.close());
    });
    await page.goto(pathToFileURL(join(pluginDir, 'index.html')).href);
    return { page, errors, explain };
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

    const { page, errors, explain } = await openPanel(pluginDir, double);
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
    await page.close();
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
