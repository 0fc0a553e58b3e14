import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { JobOutput } from '@synthetic-studio/shared';
import { connectResolve } from '../../src/main/connection.js';
import { importResult } from '../../src/main/import-result.js';
import { readSelection } from '../../src/main/read-selection.js';
import { PLUGIN_ID } from '../../src/plugin/ipc.js';
import { makeDouble, type FixtureName } from '../doubles/load-fixture.js';
import type { DoubleOptions, ResolveDouble } from '../doubles/resolve-double.js';

const dir = mkdtempSync(join(tmpdir(), 'ss-resolve-import-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A result file on disk plus what Resolve would read from it. */
function resultFile(name: string, frames: number, fps: { num: number; den: number }, firstFrame?: number): JobOutput {
  const path = join(dir, name);
  writeFileSync(path, 'x');
  return { path, kind: 'movie', frames, fps, timecode: '00:00:00:00', ...(firstFrame !== undefined ? { firstFrame } : {}) };
}

function probeFrom(outputs: JobOutput[]): DoubleOptions['probe'] {
  return (path) => {
    const o = outputs.find((x) => x.path === path || (x.kind === 'sequence' && path.startsWith(x.path)));
    return o ? { fps: o.fps.den === 1 ? o.fps.num : (o.fps.num / o.fps.den).toFixed(3), frames: o.frames, resolution: '1920x1080' } : null;
  };
}

async function setup(fixture: FixtureName, outputs: JobOutput[], options: Partial<DoubleOptions> = {}, fallbackTrack?: number) {
  const d = makeDouble(fixture, { probe: probeFrom(outputs), ...options });
  const c = await connectResolve(d.module, PLUGIN_ID);
  const sel = await readSelection(c.resolve, fallbackTrack !== undefined ? { fallbackTrack } : {});
  assert.ok(sel.selection, 'reason' in sel ? sel.reason : '');
  return { d, resolve: c.resolve, selection: sel.selection };
}

function binNamed(d: ResolveDouble, name: string) {
  return d.mediaPool.root.folders.find((f) => f.name === name);
}

describe('import into the "Synthetic Studio" bin', () => {
  it('creates the bin, imports there (not into the current folder) and restores the current folder', async () => {
    const out = resultFile('A_inpaint_v001.mov', 48, { num: 24, den: 1 });
    const { d, resolve, selection } = await setup('timeline-24', [out], { version: [21, 1, 0, 5, ''] });
    // The user is looking at another bin.
    const other = d.mediaPool.AddSubFolder(d.mediaPool.root, 'Dailies');
    d.mediaPool.current = other;
    const report = await importResult(resolve, [out, { ...out, kind: 'sidecar', path: out.path + '.json' }], { bin: 'Synthetic Studio', placeAbove: false, selection });
    assert.deepEqual(report.imported, [out.path]);
    const bin = binNamed(d, 'Synthetic Studio')!;
    assert.ok(bin, 'bin created under the root');
    assert.deepEqual(bin.clips.map((c) => c.info.path), [out.path]);
    assert.equal(other.clips.length, 0, 'nothing landed in the folder the user was looking at');
    assert.equal(d.mediaPool.current, other, 'current folder restored');
  });

  it('reuses an existing bin and does not duplicate a clip imported before', async () => {
    const out = resultFile('A_inpaint_v002.mov', 48, { num: 24, den: 1 });
    const { d, resolve, selection } = await setup('timeline-24', [out]);
    d.mediaPool.AddSubFolder(d.mediaPool.root, 'Synthetic Studio');
    const before = d.undoLog.filter((e) => e.op === 'AddSubFolder').length;
    await importResult(resolve, [out], { bin: 'Synthetic Studio', placeAbove: false, selection });
    await importResult(resolve, [out], { bin: 'Synthetic Studio', placeAbove: false, selection });
    assert.equal(d.undoLog.filter((e) => e.op === 'AddSubFolder').length, before, 'no second bin');
    assert.equal(d.mediaPool.root.folders.filter((f) => f.name === 'Synthetic Studio').length, 1);
    assert.equal(binNamed(d, 'Synthetic Studio')!.clips.length, 1);
  });

  it('imports a folder of numbered frames as one sequence item', async () => {
    const seqDir = join(dir, 'A_copy_v001');
    mkdirSync(seqDir);
    for (let f = 24; f < 72; f++) writeFileSync(join(seqDir, `A_copy_${String(f).padStart(6, '0')}.png`), 'x');
    const out: JobOutput = { path: seqDir, kind: 'sequence', frames: 48, fps: { num: 24, den: 1 }, timecode: '14:22:11:05', firstFrame: 24 };
    const { d, resolve, selection } = await setup('timeline-24', [out]);
    const report = await importResult(resolve, [out], { bin: 'Synthetic Studio', placeAbove: true, selection });
    assert.deepEqual(report.imported, [seqDir]);
    const clip = binNamed(d, 'Synthetic Studio')!.clips[0]!;
    assert.equal(clip.info.path, join(seqDir, 'A_copy_%06d.png'));
    assert.equal(clip.info.frames, 48);
    assert.deepEqual(report.placed, { track: 2, start: 86400 });
  });
});

describe('placement on the track above, verified by read-back', () => {
  it('24p: lands on V2 at the source record frame (01:00:00:00 = 86400) with the exact length', async () => {
    const out = resultFile('A_relight_v001.mov', 48, { num: 24, den: 1 });
    const { d, resolve, selection } = await setup('timeline-24', [out]);
    const report = await importResult(resolve, [out], { bin: 'Synthetic Studio', placeAbove: true, selection });
    assert.deepEqual(report.placed, { track: 2, start: 86400 });
    assert.deepEqual(report.warnings, []);
    const placed = d.timeline.video[1]!.find((i) => i.media?.info.path === out.path)!;
    assert.deepEqual([placed.start, placed.duration, placed.track], [86400, 48, 2]);
  });

  it('skips an occupied track above and adds a new top track', async () => {
    const out = resultFile('B_inpaint_v001.mov', 36, { num: 24, den: 1 });
    const d0 = makeDouble('timeline-24');
    d0.timeline.selected = [d0.timeline.video[0]![1]!];
    const d = makeDouble('timeline-24', { probe: probeFrom([out]) });
    d.timeline.selected = [d.timeline.video[0]![1]!];
    const c = await connectResolve(d.module, PLUGIN_ID);
    const sel = (await readSelection(c.resolve)).selection!;
    assert.equal(sel.placement?.start, 86472);
    const report = await importResult(c.resolve, [out], { bin: 'Synthetic Studio', placeAbove: true, selection: sel });
    assert.deepEqual(report.placed, { track: 3, start: 86472 });
    assert.equal(d.timeline.video.length, 3);
    assert.equal(d.timeline.video[1]!.length, 1, 'the title on V2 is untouched');
  });

  it('25p timeline, 50p source: an extend result after the range goes at the range end; mixed rate length floors', async () => {
    // 20 new frames at 50p after source frame 120 (the selection is [80,120) at 50p = 20 timeline frames).
    const out = resultFile('C_extend_v001.mov', 21, { num: 50, den: 1 }, 120);
    const { d, resolve, selection } = await setup('timeline-25', [out]);
    const report = await importResult(resolve, [out], { bin: 'Synthetic Studio', placeAbove: true, selection });
    assert.deepEqual(report.placed, { track: 2, start: 90020 });
    const placed = d.timeline.video[1]![0]!;
    assert.equal(placed.duration, 10, '21 frames at 50p floor to 10 timeline frames at 25p');
    assert.ok(Number.isInteger(placed.start));
  });

  it('29.97 DF: places at the absolute record frame of the source', async () => {
    const out = resultFile('E_inpaint_v001.mov', 90, { num: 30000, den: 1001 });
    const { d, resolve, selection } = await setup('timeline-2997df', [out], { version: [20, 2, 0, 7, ''] }, 1);
    const report = await importResult(resolve, [out], { bin: 'Synthetic Studio', placeAbove: true, selection });
    assert.deepEqual(report.placed, { track: 2, start: 109798 });
    assert.equal(d.timeline.video[1]![0]!.duration, 90);
  });

  it('18.6 clamps an inclusive endFrame at the media end: placed once, exact length', async () => {
    const out = resultFile('A_inpaint_v006.mov', 48, { num: 24, den: 1 });
    const { d, resolve, selection } = await setup('timeline-24', [out], { version: [18, 6, 6, 7, ''] });
    const report = await importResult(resolve, [out], { bin: 'Synthetic Studio', placeAbove: true, selection });
    assert.deepEqual(report.placed, { track: 2, start: 86400 });
    assert.deepEqual(d.timeline.video[1]!.filter((i) => i.media?.info.path === out.path).map((i) => i.duration), [48]);
    assert.equal(d.undoLog.filter((e) => e.op === 'DeleteClips').length, 0);
  });

  it('an inclusive endFrame that runs one frame long is deleted (after leaving Fairlight) and re-appended', async () => {
    const out = resultFile('A_inpaint_v003.mov', 48, { num: 24, den: 1 });
    const { d, resolve, selection } = await setup('timeline-24', [out], { version: [18, 6, 6, 7, ''], page: 'fairlight', quirks: { appendPastMediaEnd: true } });
    const report = await importResult(resolve, [out], { bin: 'Synthetic Studio', placeAbove: true, selection });
    assert.deepEqual(report.placed, { track: 2, start: 86400 }, report.warnings.join(' '));
    assert.equal(d.page, 'edit');
    assert.deepEqual(d.timeline.video[1]!.filter((i) => i.media?.info.path === out.path).map((i) => i.duration), [48]);
    assert.deepEqual(d.undoLog.filter((e) => e.op === 'AppendToTimeline' || e.op === 'DeleteClips').map((e) => e.op), ['AppendToTimeline', 'DeleteClips', 'AppendToTimeline']);
  });

  it('an append Resolve reports but never places is caught by the read-back', async () => {
    const out = resultFile('A_inpaint_v004.mov', 48, { num: 24, den: 1 });
    const { d, resolve, selection } = await setup('timeline-24', [out]);
    d.faults.dropAppends = 1;
    const report = await importResult(resolve, [out], { bin: 'Synthetic Studio', placeAbove: true, selection });
    assert.equal(report.placed, undefined);
    assert.match(report.warnings.join(' '), /did not place/);
    assert.deepEqual(report.imported, [out.path], 'still imported');
  });

  it('before 18.5 (no trackIndex/recordFrame) it imports and says why it did not place', async () => {
    const out = resultFile('A_inpaint_v005.mov', 48, { num: 24, den: 1 });
    const { d, resolve, selection } = await setup('timeline-24', [out], { version: [18, 1, 4, 1, ''] });
    const report = await importResult(resolve, [out], { bin: 'Synthetic Studio', placeAbove: true, selection });
    assert.equal(report.placed, undefined);
    assert.match(report.warnings.join(' '), /18\.5/);
    assert.equal(d.undoLog.some((e) => e.op === 'AppendToTimeline'), false);
  });
});
