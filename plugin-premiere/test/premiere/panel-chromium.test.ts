import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { startBridge, type Bridge } from '../../../bridge-server/src/server/index.js';
import { makeProres } from '../../../bridge-server/test/media/helpers.js';
// @ts-expect-error plain .mjs build script without declarations
import { buildPlugin } from '../../scripts/build.mjs';
import type { ProjectFixture } from '../double/fixtures.js';

/**
 * The bundled plugin (main.js + index.html, the shared panel inside) in headless Chromium, with
 * the premierepro double as `require('premierepro')` and a UXP-like WebSocket/fetch (protocols
 * required, origins limited to the manifest's network.domains), against a real bridge: pick the
 * selected clip, run a copy job, import the result into the bin and place it on the track above.
 */
const CHROMIUM = '/usr/bin/chromium';
const TPF25 = 10160640000n;
const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(fs.readFileSync(path.join(here, '../../manifest.json'), 'utf8')) as { requiredPermissions: { network: { domains: string[] } } };

/** Runs in the page before the plugin: the double as require('premierepro'), UXP network rules, the paired token. */
const SETUP_PAGE = `function ({ fixture, root, source, port, token, domains }) {
  const double = window.PremiereDouble.createPremiereDouble(fixture, {
    // The double's "disk": movies the bridge writes in the test folder are 8-frame 25 fps clips.
    resolveMedia: (p) => (p.startsWith(root) && p !== source && p.endsWith('.mov') ? { path: p, fps: 25, frames: 8, width: 64, height: 36 } : null),
  });
  window.__double = double;
  window.require = (id) => {
    if (id === 'premierepro') return double.ppro;
    throw new Error("Cannot find module '" + id + "'");
  };
  // UXP: only the manifest's exact origins are reachable; the default port maps to the test bridge.
  const allowed = new Set(domains);
  const permit = (url) => {
    const u = new URL(url);
    if (!allowed.has(u.protocol + '//' + u.host)) throw new Error('Permission denied to the url ' + url + '. Manifest entry not found.');
    return url.replace(':7788', ':' + port);
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class UxpWebSocket extends NativeWebSocket {
    constructor(url, protocols) {
      if (protocols === undefined) throw new TypeError('UXP WebSocket(url, protocols): protocols is required');
      super(permit(url), protocols);
    }
  };
  const nativeFetch = window.fetch.bind(window);
  window.fetch = (input, init) => nativeFetch(permit(typeof input === 'string' ? input : input.url), init);
  localStorage.setItem('synthetic-studio.token', token);
}`;

describe('bundled panel in headless Chromium against a real bridge', { skip: fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed` }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-ppro-e2e-'));
  const clip = path.join(tmp, 'media', 'Source clip é.mov');
  let bridge: Bridge;
  let browser: Browser;
  let page: Page;
  let pageServer: http.Server;
  let pageOrigin = '';

  before(async () => {
    fs.mkdirSync(path.dirname(clip), { recursive: true });
    await makeProres(clip, { size: '64x36', rate: '25', frames: 12, timecode: '01:00:00:00' });
    const pluginDir: string = await buildPlugin({ outDir: path.join(tmp, 'plugin'), minify: false });
    // The plugin folder is served from loopback, as UXP loads it locally: Chromium's local-network-
    // access checks would block a page from any other address space from reaching 127.0.0.1.
    pageServer = http.createServer((req, res) => {
      const file = path.join(pluginDir, path.basename(new URL(req.url ?? '/', 'http://x').pathname));
      if (!fs.existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as { port: number }).port}`;
    // UXP sends no Origin header; Chromium does, so the test page's origin is allowed explicitly.
    bridge = await startBridge({ port: 0, configDir: path.join(tmp, 'config'), dataDir: path.join(tmp, 'data'), web: false, allowedOrigins: [pageOrigin] });
    const doubleJs = (
      await esbuild.build({ entryPoints: [path.join(here, '../double/browser-entry.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'es2020', write: false, logLevel: 'error' })
    ).outputFiles[0]!.text;

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    if (process.env.SS_DEBUG) page.on('console', (m) => console.error('console:', m.text()));
    // Images (<img src>) the panel points at the bridge's default port go to the test bridge.
    await page.route('http://127.0.0.1:7788/**', async (route) => {
      const response = await route.fetch({ url: route.request().url().replace(':7788', `:${bridge.port}`) });
      await route.fulfill({ response });
    });

    const fixture: ProjectFixture = {
      name: 'E2E',
      path: '/Projects/E2E.prproj',
      activeSequence: 0,
      sequences: [
        {
          name: 'Edit 25',
          fps: 25,
          width: 64,
          height: 36,
          tracks: [[{ name: 'Source clip', media: { path: clip, fps: 25, frames: 12, startFrame: 90000, width: 64, height: 36 }, start: 100, in: 2, out: 10, selected: true }], []],
        },
      ],
    };
    await page.addInitScript({ content: doubleJs });
    // Plain JS text: a serialised TS function would carry the test transpiler's helpers.
    const args = { fixture, root: tmp, source: clip, port: bridge.port, token: bridge.token, domains: manifest.requiredPermissions.network.domains };
    await page.addInitScript({ content: `(${SETUP_PAGE})(${JSON.stringify(args)});` });
  });

  after(async () => {
    await browser?.close();
    await bridge?.close();
    pageServer?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs a copy job from the Premiere selection and places the result above the source', async () => {
    await page.goto(`${pageOrigin}/index.html`);
    await page.locator('.ss-conn.ss-ready').waitFor({ timeout: 20000 });
    await page.locator('.ss-selection strong', { hasText: 'Source clip' }).waitFor({ timeout: 10000 });
    assert.match(await page.locator('.ss-selection').innerText(), /frames 2–10 \(8\) · 25 fps · 64×36/);

    await page.locator('[data-key="tab-copy"]').click();
    await page.locator('select[data-key="format"]').selectOption('prores');
    assert.equal(await page.locator('[data-key="place-above"]').isChecked(), true);
    await page.locator('[data-key="generate"]:not([disabled])').click();

    await page.waitForFunction(() => (window as unknown as { __double: { timeline(): unknown[][] } }).__double.timeline()[1]!.length > 0, undefined, { timeout: 60000 });
    await page.getByText('placed on the track above').waitFor({ timeout: 10000 });

    const state = await page.evaluate(() => {
      const d = (window as unknown as { __double: { timeline(): Array<Array<{ path: string; start: bigint; end: bigint }>>; bins(): Map<string, string[]>; undoLog: string[]; violations: string[] } }).__double;
      return {
        timeline: d.timeline().map((t) => t.map((i) => ({ path: i.path, start: String(i.start), end: String(i.end) }))),
        bins: [...d.bins()],
        undo: d.undoLog,
        violations: d.violations,
      };
    });
    const binItems = new Map(state.bins).get('Synthetic Studio');
    assert.equal(binItems?.length, 1);
    const result = binItems![0]!;
    assert.match(result, /_copy_v\d{3}\.mov$/);
    assert.ok(fs.statSync(result).size > 0, 'the bridge wrote the movie');
    assert.deepEqual(state.timeline[1], [{ path: result, start: String(100n * TPF25), end: String(108n * TPF25) }]);
    assert.equal(state.timeline[0]![0]!.path, clip);
    assert.deepEqual(state.undo, ['Synthetic Studio: create bin', 'Synthetic Studio: place result']);
    assert.deepEqual(state.violations, []);
  });
});
