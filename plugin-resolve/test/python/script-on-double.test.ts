// The free-edition script's Resolve side (selection, import, placement) run by python3 against
// the same Resolve double as the plugin, in free-edition mode; its selection must equal the
// plugin adapter's, and the full console flow completes a job against a real bridge.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startBridge, type Bridge } from '../../../bridge-server/src/server/index.js';
import { SCRIPT_SOURCE } from '../../src/install/build-plugin.js';
import { readSelection } from '../../src/main/read-selection.js';
import { loadFixture, makeDouble, type FixtureName } from '../doubles/load-fixture.js';
import type { DoubleOptions, ResolveDouble, ResolveFixture } from '../doubles/resolve-double.js';

const here = dirname(fileURLToPath(import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : null;
const sharedClip = join(here, '..', '..', '..', '..', 'shared', 'data', 'clips', 'light-a-video', 'input_animatediff_car.mp4');

/** Serve the double's classic (Scripts-menu) graph to the Python driver over fd 3/4. */
async function runScript(d: ResolveDouble, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ result: Record<string, unknown>; stdout: string }> {
  const child = spawn(python!, [join(here, 'drive_script_on_double.py'), SCRIPT_SOURCE, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env } });
  const requests = child.stdio[3] as Readable;
  const replies = child.stdio[4] as Writable;
  const handles: object[] = [];
  const methodsOf = (o: object) => {
    const names = new Set<string>();
    for (let p = Object.getPrototypeOf(o); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) for (const n of Object.getOwnPropertyNames(p)) names.add(n);
    return [...names].filter((n) => /^[A-Z]/.test(n) && typeof (o as Record<string, unknown>)[n] === 'function');
  };
  const encode = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(encode);
    if (v && typeof v === 'object') {
      if (Object.getPrototypeOf(v) !== Object.prototype) {
        let id = handles.indexOf(v);
        if (id < 0) id = handles.push(v) - 1;
        return { $obj: id, methods: methodsOf(v) };
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
    }
    return v;
  };
  const decode = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(decode);
    if (v && typeof v === 'object') {
      if ('$obj' in v) return handles[(v as { $obj: number }).$obj];
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
    }
    return v;
  };
  replies.write(JSON.stringify({ value: encode(d.scriptingResolve()) }) + '\n');
  createInterface({ input: requests }).on('line', (line) => {
    const { obj, method, args } = JSON.parse(line) as { obj: number; method: string; args: unknown[] };
    let reply: unknown;
    try {
      const fn = (handles[obj] as Record<string, unknown>)[method];
      if (typeof fn !== 'function') throw new Error(`no method ${method}`);
      reply = { value: encode(fn(...(decode(args) as unknown[])) ?? null) };
    } catch (e) {
      reply = { error: e instanceof Error ? e.message : String(e) };
    }
    replies.write(JSON.stringify(reply) + '\n');
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
  assert.equal(code, 0, stderr || stdout);
  const last = stdout.trim().split('\n').pop()!;
  return { result: JSON.parse(last) as Record<string, unknown>, stdout };
}

describe('free-edition script on the Resolve double (python3)', { skip: python ? false : 'python3 not installed' }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ss-resolve-pydouble-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[FixtureName, Partial<DoubleOptions>, number | undefined]> = [
    ['timeline-24', { version: [21, 1, 0, 5, ''] }, undefined],
    ['timeline-25', { version: [21, 1, 0, 5, ''] }, undefined],
    ['timeline-2997df', { version: [20, 2, 0, 7, ''] }, 1],
  ];
  for (const [fixture, options, track] of cases) {
    it(`${fixture}: the script reads the same selection as the plugin adapter (free edition, no modal)`, async () => {
      const ts = await readSelection(makeDouble(fixture, options).scriptingResolve(), track !== undefined ? { fallbackTrack: track } : {});
      const d = makeDouble(fixture, { ...options, studio: false });
      const { result } = await runScript(d, ['select', ...(track !== undefined ? [String(track)] : [])]);
      assert.ok(ts.selection);
      assert.deepEqual(result.selection, ts.selection);
      assert.equal(d.modalOpen, false);
    });
  }

  it('imports into the bin (restoring the current folder) and places on the track above, verified on the double', async () => {
    const path = join(dir, 'A_relight_v001.mov');
    writeFileSync(path, 'x');
    const output = { path, kind: 'movie', frames: 48, fps: { num: 24, den: 1 }, timecode: '00:00:00:00', firstFrame: 24 };
    const d = makeDouble('timeline-24', { studio: false, probe: (p) => (p === path ? { fps: 24, frames: 48, resolution: '1920x1080' } : null) });
    const dailies = d.mediaPool.AddSubFolder(d.mediaPool.root, 'Dailies');
    d.mediaPool.current = dailies;
    const { result } = await runScript(d, ['import', JSON.stringify([output])]);
    assert.deepEqual(result.report, { imported: [path], placed: { track: 2, start: 86400, duration: 48 }, warnings: [] });
    assert.equal(d.mediaPool.current, dailies);
    assert.deepEqual(d.mediaPool.root.folders.find((f) => f.name === 'Synthetic Studio')!.clips.map((c) => c.info.path), [path]);
    assert.equal(d.modalOpen, false);
  });

  describe('console flow against a real bridge', { skip: existsSync(sharedClip) ? false : 'shared test clip absent' }, () => {
    let bridge: Bridge;
    before(async () => {
      bridge = await startBridge({ port: 0, configDir: join(dir, 'cfg'), dataDir: join(dir, 'data'), web: false });
    });
    after(async () => {
      await bridge?.close();
    });

    /** 24p timeline whose V1 clip is the real 8 fps clip, frames [2, 6); free edition. */
    function carDouble(clip: string): ResolveDouble {
      const fx: ResolveFixture = loadFixture('timeline-24');
      fx.media[0] = { id: 'A', name: 'car clip.mp4', path: clip, fps: 8, startTC: '00:00:00:00', frames: 16, resolution: '512x512' };
      fx.timeline.video[0]![0] = { media: 'A', start: 86400, duration: 12, leftOffset: 6 };
      return makeDouble(fx, {
        studio: false,
        probe: (p) => {
          const out = bridge.jobs.list().flatMap((j) => j.outputs).find((o) => o.path === p);
          return out ? { fps: out.fps.num / out.fps.den, frames: out.frames, resolution: `${out.width}x${out.height}` } : null;
        },
      });
    }

    it('UIManager window: Generate, timer polling, import and place, status text', async () => {
      const clip = join(dir, 'car clip ui.mp4');
      copyFileSync(sharedClip, clip);
      const d = carDouble(clip);
      const { result } = await runScript(d, ['window'], { SYNTHETIC_STUDIO_URL: bridge.url, SYNTHETIC_STUDIO_TOKEN: bridge.token });
      assert.equal(result.status, 'Done: imported 1 file(s) and placed on V2. ');
      assert.deepEqual(result.timer, { ID: 'Poll', Interval: 500, SingleShot: false });
      const job = bridge.jobs.list().find((j) => j.request.source.path === clip)!;
      const movie = job.outputs.find((o) => o.kind === 'movie')!;
      const placed = d.timeline.video[1]!.find((i) => i.media?.info.path === movie.path)!;
      assert.deepEqual([placed.start, placed.duration], [86400, 12]);
    });

    it('selection → job → poll → import and place', async () => {
      const clip = join(dir, 'car clip.mp4');
      copyFileSync(sharedClip, clip); // results are written beside the source
      const d = carDouble(clip);
      const { stdout } = await runScript(d, ['console'], { SYNTHETIC_STUDIO_URL: bridge.url, SYNTHETIC_STUDIO_TOKEN: bridge.token });
      assert.match(stdout, /succeeded 100%/);
      const job = bridge.jobs.list().find((j) => j.request.source.path === clip)!;
      assert.deepEqual([job.request.source.in, job.request.source.out, job.request.placement?.start], [2, 6, 86400]);
      const movie = job.outputs.find((o) => o.kind === 'movie')!;
      const placed = d.timeline.video[1]!.find((i) => i.media?.info.path === movie.path)!;
      assert.deepEqual([placed.start, placed.duration], [86400, 12]);
      assert.equal(d.modalOpen, false);
    });
  });
});
