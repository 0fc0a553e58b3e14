// End to end in Chromium against a real bridge: open the panel, pair, pick the sample clip, set
// in/out, paint a mask, run a classical job, watch progress reach 100 %, see the result listed,
// cancel a second job. Screenshots of every step go to <repo>/.artifacts/panel/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { renderSampleScene } from '../../src/media/index.js';
import { webBridge } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';

/** Bounding box (normalised) of the white pixels of a grey mask PNG. */
async function maskBox(file: string): Promise<{ x0: number; y0: number; x1: number; y1: number }> {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  let x0 = 1, y0 = 1, x1 = 0, y1 = 0;
  for (let p = 0; p < info.width * info.height; p++) {
    if (data[p]! < 128) continue;
    const x = (p % info.width) / info.width, y = Math.floor(p / info.width) / info.height;
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1 / info.width); y1 = Math.max(y1, y + 1 / info.height);
  }
  return { x0, y0, x1, y1 };
}
const ARTIFACTS = fileURLToPath(new URL('../../../.artifacts/panel/', import.meta.url));

test('browser panel end to end', { skip: fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`, timeout: 240_000 }, async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ss panel e2e '));
  const sampleDir = path.join(work, 'sample clip');
  const meta = await renderSampleScene({ dir: sampleDir, width: 160, height: 90, frames: 24, codec: 'prores' });
  const clip = path.join(sampleDir, meta.clip);
  const bridge = await webBridge();
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-chromium-'));
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 720, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const pageErrors: string[] = [];
  let step = 0;
  const shot = async (page: Page, name: string) => {
    step++;
    await page.screenshot({ path: path.join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
    // A full-page capture leaves Chromium's scroll offset stale: the next focus change scrolls the
    // page between mousedown and mouseup and the click is lost. Start each step from the top.
    await page.evaluate(() => window.scrollTo(0, 0));
  };
  let current: Page | undefined;
  try {
    const page = await context.newPage();
    current = page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) pageErrors.push(m.text()); });
    const tasks = [...bridge.jobs.tasks.keys()];
    // The classical inpaint when the bridge has it; otherwise the copy task exercises the same path.
    const task = tasks.includes('inpaint') ? 'inpaint' : 'copy';
    // The mask is painted on the inpaint tab, or (copy fallback) on the relight tab's subject mask.
    const maskTab = task === 'inpaint' ? 'inpaint' : tasks.includes('relight') ? 'relight' : null;

    // 1. Open the panel: it reaches the bridge and asks for the pairing code.
    await page.goto(`${bridge.url}/`);
    await page.waitForSelector('[data-key=pair-code]');
    assert.match(await page.locator('.ss-pairing').innerText(), /pairing code/i);
    await shot(page, 'pairing');

    // 2. A wrong code is explained; the printed one pairs.
    await page.fill('[data-key=pair-code]', '000000');
    await page.click('[data-key=pair]');
    await page.waitForSelector('.ss-pairing .ss-warn');
    await page.fill('[data-key=pair-code]', bridge.pairingCode);
    await page.click('[data-key=pair]');
    await page.waitForSelector('.ss-ready');
    assert.match(await page.locator('.ss-ready').innerText(), /Connected/);
    const tabs = await page.locator('[role=tab]').allInnerTexts();
    assert.ok(tabs.length >= 1, 'job tabs from the bridge capabilities');
    await shot(page, 'paired');

    // 3. Pick the sample clip with the file browser.
    await page.fill('#bh-path', sampleDir);
    await page.click('#bh-browse');
    const entry = page.locator(`#bh-files-wrap button[data-path="${clip.replace(/"/g, '\\"')}"]`);
    await entry.waitFor();
    await shot(page, 'browse');
    await entry.click();
    await page.waitForSelector('#bh-scrub');
    await page.waitForFunction(() => (document.getElementById('bh-thumb') as HTMLImageElement | null)?.naturalWidth! > 0);
    assert.match(await page.locator('.bh [role=status]').innerText(), new RegExp(`160×90 .* ${meta.frames} frames`));

    // 4. Scrub to set in/out: frames [4, 20).
    await page.fill('#bh-scrub', '4');
    await page.click('#bh-set-in');
    await page.fill('#bh-scrub', '19');
    await page.click('#bh-set-out');
    assert.equal(await page.locator('#bh-range').innerText(), 'in 4 · out 20 (16 frames)');
    await page.waitForFunction(() => document.querySelector('.ss-selection')?.textContent?.includes('frames 4–20'));
    await shot(page, 'clip-range');

    // 5. Paint a mask over the sample object: ellipse, brush stroke, a rectangle undone, keyboard dab + undo, track.
    if (maskTab) await page.click(`[data-key=tab-${maskTab}]`);
    const panelState = () => page.evaluate(() => (window as any).studio.panel.store.get());
    if (maskTab) {
      await page.waitForFunction(() => (document.querySelector('.ss-frame') as HTMLImageElement | null)?.naturalWidth! > 0);
      const stage = page.locator('.ss-overlay');
      await stage.scrollIntoViewIfNeeded();
      const box = (await stage.boundingBox())!;
      const at = (x: number, y: number) => [box.x + box.width * x, box.y + box.height * y] as const;
      // The object's true extent on the painted frame (the sample scene ships its masks).
      const ball = await maskBox(path.join(sampleDir, meta.mask, `${String(4).padStart(5, '0')}.png`));
      // Ellipse tool dragged over the ball's box, then a brush stroke across it.
      await page.click('[data-key=tool-ellipse]');
      await page.mouse.move(...at(ball.x0 - 0.02, ball.y0 - 0.03));
      await page.mouse.down();
      await page.mouse.move(...at(ball.x1 + 0.02, ball.y1 + 0.03), { steps: 5 });
      await page.mouse.up();
      await page.click('[data-key=tool-brush]');
      await page.mouse.move(...at(ball.x0, (ball.y0 + ball.y1) / 2));
      await page.mouse.down();
      for (let i = 1; i <= 6; i++) await page.mouse.move(...at(ball.x0 + ((ball.x1 - ball.x0) * i) / 6, (ball.y0 + ball.y1) / 2));
      await page.mouse.up();
      // A rectangle, checked for normalised coordinates, then removed with the Undo button.
      await page.click('[data-key=tool-rect]');
      await page.mouse.move(...at(0.7, 0.1));
      await page.mouse.down();
      await page.mouse.move(...at(0.85, 0.3), { steps: 4 });
      await page.mouse.up();
      let s = await panelState();
      assert.deepEqual(s.mask.shapes.map((x: any) => x.shape), ['ellipse', 'stroke', 'rect']);
      const rect = s.mask.shapes[2];
      assert.ok(Math.abs(rect.x - 0.7) < 0.02 && Math.abs(rect.w - 0.15) < 0.02 && Math.abs(rect.h - 0.2) < 0.03, `rect in normalised frame coordinates: ${JSON.stringify(rect)}`);
      const ellipse = s.mask.shapes[0];
      assert.ok(Math.abs(ellipse.cx - (ball.x0 + ball.x1) / 2) < 0.02 && Math.abs(ellipse.cy - (ball.y0 + ball.y1) / 2) < 0.03, 'ellipse centred on the ball');
      await page.click('[data-key=undo]');
      s = await panelState();
      assert.equal(s.mask.shapes.length, 2, 'Undo removes the rectangle');
      await page.click('[data-key=tool-brush]');
      await page.focus('[data-key=mask-stage]');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      s = await panelState();
      assert.equal(s.mask.shapes.length, 3, 'Enter paints a dab at the keyboard cursor');
      await page.keyboard.press('Control+z');
      s = await panelState();
      assert.equal(s.mask.shapes.length, 2, 'Ctrl+Z undoes it');
      await page.keyboard.press('e');
      assert.equal((await panelState()).mask.tool, 'eraser', 'E picks the eraser');
      await page.keyboard.press('b');
      assert.ok(await page.locator('.ss-overlay .ss-shape').count() > 3, 'strokes drawn as vector divs over the frame');
      await shot(page, 'mask');
      if (await page.locator('[data-key=track]').isEnabled()) {
        await page.click('[data-key=track]');
        await page.waitForFunction(() => {
          const t = (window as any).studio.panel.store.get().track.status;
          return t === 'done' || t === 'error';
        }, undefined, { timeout: 60_000 });
        const t = (await panelState()).track;
        assert.equal(t.status, 'done', `track preview: ${JSON.stringify(t.error)}`);
        assert.ok(t.frames.length >= 2);
        await page.waitForSelector('.ss-track-frame img');
        await shot(page, 'track-preview');
      }
    } else {
      console.log('NOTE: the bridge has no mask-taking task; the mask editor was not exercised.');
    }
    if (task === 'copy') {
      console.log('NOTE: the bridge has no inpaint task yet; the end-to-end job runs the copy task.');
      await page.click('[data-key=tab-copy]');
    }

    // 6. Generate: progress to 100 %, result imported (listed with a link that serves the file).
    await page.selectOption('[data-key=format]', 'h264');
    await page.click('[data-key=generate]');
    const firstJob = page.locator('.ss-job').first();
    await firstJob.waitFor();
    let midShot = false;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const state = await firstJob.getAttribute('class');
      const pct = Number(await firstJob.locator('[role=progressbar]').getAttribute('aria-valuenow'));
      if (!midShot && pct > 0 && pct < 100 && /ss-running/.test(state ?? '')) {
        midShot = true;
        await shot(page, 'running');
      }
      if (/ss-(succeeded|failed|cancelled)/.test(state ?? '')) break;
      assert.ok(Date.now() < deadline, 'job finished in time');
      await page.waitForTimeout(50);
    }
    const s1 = await panelState();
    assert.equal(s1.jobs[0].state, 'succeeded', JSON.stringify(s1.jobs[0].error));
    assert.equal(await firstJob.locator('[role=progressbar]').getAttribute('aria-valuenow'), '100');
    assert.match(await firstJob.locator('.ss-pct').innerText(), /^100%/);
    const link = page.locator('.bh-result-link').first();
    await link.waitFor();
    const href = await link.getAttribute('href');
    const file = await page.request.get(new URL(href!, bridge.url).toString());
    assert.equal(file.status(), 200);
    assert.ok((await file.body()).length > 1000, 'the result file is served');
    const sent = s1.jobs[0].request;
    assert.deepEqual([sent.source.in, sent.source.out], [4, 20]);
    if (task === 'inpaint') assert.equal(sent.mask.kind, 'shapes');
    await shot(page, 'result');

    // 7. Two more jobs back to back; cancel the second while it waits or runs.
    await page.click('[data-key=generate]');
    await page.waitForFunction(() => (window as any).studio.panel.store.get().jobs.length === 2);
    await page.click('[data-key=generate]');
    await page.waitForFunction(() => (window as any).studio.panel.store.get().jobs.length === 3);
    const third = (await panelState()).jobs[0].id as string;
    await page.click(`[data-key="cancel-${third}"]`);
    await page.waitForSelector(`.ss-job.ss-cancelled[data-job="${third}"]`, { timeout: 30_000 });
    await page.waitForFunction(() => (window as any).studio.panel.store.get().jobs.every((j: any) => ['succeeded', 'failed', 'cancelled'].includes(j.state)), undefined, { timeout: 120_000 });
    const s2 = await panelState();
    assert.equal(s2.jobs[0].state, 'cancelled');
    assert.equal(s2.jobs[1].state, 'succeeded');
    await shot(page, 'cancelled');

    // 8. Relight tab (when the bridge has it): a preset, then the direction picker by keyboard.
    if (tasks.includes('relight')) {
      await page.click('[data-key=tab-relight]');
      await page.click('[data-key=preset-cool-rim]');
      assert.equal((await panelState()).settings.relight.rig.preset, 'cool-rim');
      await page.focus('[data-key=light-disc]');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowUp');
      const rig = (await panelState()).settings.relight.rig;
      assert.deepEqual([rig.preset, rig.azimuth, rig.elevation, rig.rim], [null, -50, 30, true], 'arrows turn and raise the key light');
      assert.equal(await page.locator('[data-key=light-disc]').getAttribute('aria-valuetext'), 'azimuth -50 degrees, elevation 30 degrees');
      // Sliders show the value they hold (a range input snaps a value set before its step).
      assert.equal(await page.locator('[data-key=relight-strength]').inputValue(), '1');
      await page.click('[data-key=tab-extend]').catch(() => undefined);
      if (tasks.includes('extend')) {
        assert.equal(await page.locator('[data-key=extend-strength]').inputValue(), '0.35');
        await page.selectOption('[data-key=extend-mode]', 'spatial');
        await page.waitForSelector('[data-key=extend-aspect]');
        // spatial mode has its own strength: the border is generated, not refined
        assert.equal(await page.locator('[data-key=extend-outpaint-strength]').inputValue(), '1');
        await shot(page, 'extend');
      }
      await page.click('[data-key=tab-relight]');
      await shot(page, 'relight');
      // Tabs are an ARIA tablist: arrows move the selection and the focus.
      await page.focus('[data-key=tab-relight]');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-key') === 'tab-copy');
      assert.equal((await panelState()).tab, 'copy');
    }

    // 9. Small panel: nothing overflows sideways at 300 px.
    await page.setViewportSize({ width: 300, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no horizontal overflow at 300 px (${overflow})`);
    await shot(page, 'narrow');

    // 10. The bridge stops: the panel says so, with the command that starts it, and keeps retrying.
    await bridge.close();
    await page.waitForSelector('.ss-offline', { timeout: 15_000 });
    const offline = await page.locator('.ss-offline').innerText();
    assert.match(offline, /Lost the connection/);
    assert.match(offline, /npx synthetic-studio serve/);
    await shot(page, 'bridge-stopped');
    assert.deepEqual(pageErrors, []);
  } catch (e) {
    if (current) await current.screenshot({ path: path.join(ARTIFACTS, 'failure.png'), fullPage: true }).catch(() => undefined);
    if (current) console.log('panel state at failure:', JSON.stringify(await current.evaluate(() => { const s = (window as any).studio?.panel.store.get(); return s && { connection: s.connection, error: s.error, jobs: s.jobs?.map((j: any) => ({ id: j.id, state: j.state, error: j.error })) }; }).catch(() => null)));
    throw e;
  } finally {
    await context.close();
    await bridge.dispose();
    fs.rmSync(userData, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
});
