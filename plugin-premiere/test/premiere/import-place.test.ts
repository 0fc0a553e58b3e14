import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostSelection, JobOutput } from '@synthetic-studio/shared';
import { PremiereHost, RESULTS_BIN, findOrCreateBin, importIntoBin } from '../../src/premiere/index.js';
import { type MediaFixture, projectWith, sequence23976, sequence25, sequence2997DF, type SequenceFixture } from '../double/fixtures.js';
import { createPremiereDouble, type DoubleOptions } from '../double/premierepro-double.js';

const TPF25 = 10160640000n;

/** Results the bridge wrote: the double "finds them on disk" with these properties. */
function disk(files: Record<string, Omit<MediaFixture, 'path'>>): DoubleOptions['resolveMedia'] {
  return (path) => (files[path] ? { path, ...files[path]! } : null);
}

function output(path: string, frames: number, fps = { num: 25, den: 1 }, extra: Partial<JobOutput> = {}): JobOutput {
  return { path, kind: 'movie', frames, fps, timecode: '01:00:01:12', ...extra };
}

async function setup(seq: SequenceFixture, bins: string[] = [], files: Record<string, Omit<MediaFixture, 'path'>> = {}, options: DoubleOptions = {}) {
  const double = createPremiereDouble(projectWith(seq, bins), { resolveMedia: disk(files), ...options });
  const host = new PremiereHost(double.ppro);
  const r = await host.getSelection();
  const selection = r.selection as HostSelection;
  assert.ok(selection, 'fixture must have a usable selection');
  return { double, host, selection };
}

const RESULT = '/Users/ed/Library/Application Support/Synthetic Studio/Data/out/Clip 25p_inpaint_v001.mov';
const RESULT_MEDIA = { fps: 25, frames: 50, width: 1280, height: 720 };

describe('import into the "Synthetic Studio" bin', () => {
  it('creates the bin when missing (one undo entry), imports and finds the item by path', async () => {
    const { double, host, selection } = await setup(sequence25(), [], { [RESULT]: RESULT_MEDIA });
    const report = await host.importResult([output(RESULT, 50)], { bin: RESULTS_BIN, placeAbove: false, selection });
    assert.deepEqual(report.imported, [RESULT]);
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(double.bins().get(RESULTS_BIN), [RESULT]);
    assert.deepEqual(double.undoLog, ['Synthetic Studio: create bin']);
    assert.deepEqual(double.violations, []);
  });

  it('reuses an existing bin (no new bin, no undo entry)', async () => {
    const { double, host, selection } = await setup(sequence25(), [RESULTS_BIN, 'Other'], { [RESULT]: RESULT_MEDIA });
    await host.importResult([output(RESULT, 50)], { bin: RESULTS_BIN, placeAbove: false, selection });
    assert.deepEqual([...double.bins().keys()], [RESULTS_BIN, 'Other']);
    assert.deepEqual(double.bins().get(RESULTS_BIN), [RESULT]);
    assert.deepEqual(double.undoLog, []);
  });

  it('matches Windows paths regardless of case and separators', async () => {
    const win = 'C:\\Users\\Ed\\Out\\Interview_relight_v001.mov';
    const double = createPremiereDouble(projectWith(sequence2997DF()), {
      resolveMedia: (p) => (p === win ? { path: 'c:/users/ed/out/interview_relight_v001.mov', fps: 30000 / 1001, frames: 10, width: 64, height: 36 } : null),
    });
    const project = await double.ppro.Project.getActiveProject();
    const bin = await findOrCreateBin(double.ppro, project, RESULTS_BIN);
    const found = await importIntoBin(double.ppro, project, bin, [win]);
    assert.equal(await found.get(win)?.getMediaFilePath(), 'c:/users/ed/out/interview_relight_v001.mov');
  });

  it('finds the imported item outside the bin when Premiere files it elsewhere', async () => {
    const { double, host, selection } = await setup(sequence25(), [], { [RESULT]: RESULT_MEDIA }, { importIntoRoot: true });
    const report = await host.importResult([output(RESULT, 50)], { bin: RESULTS_BIN, placeAbove: true, selection });
    assert.deepEqual(report.imported, [RESULT]);
    assert.equal(report.placed?.track, 2);
    assert.deepEqual(double.bins().get(RESULTS_BIN), []);
  });

  it('reports a failed import as an error with a code', async () => {
    const { host, selection } = await setup(sequence25());
    await assert.rejects(host.importResult([output('/missing.mov', 5)], { bin: RESULTS_BIN, placeAbove: false, selection }), (e: { code?: string }) => e.code === 'E_HOST_REFUSED');
  });

  it('does not import image-sequence folders, and says so', async () => {
    const { host, selection } = await setup(sequence25());
    const report = await host.importResult([{ ...output('/out/frames', 5), kind: 'sequence' }], { bin: RESULTS_BIN, placeAbove: true, selection });
    assert.deepEqual(report.imported, []);
    assert.match(report.warnings.join(' '), /image sequence/);
  });
});

describe('place on the track above', () => {
  it('overwrites on the track directly above when that range is empty (23.976)', async () => {
    const result = '/out/A001_C003_inpaint_v001.mov';
    const { double, host, selection } = await setup(sequence23976(), [], { [result]: { fps: 24000 / 1001, frames: 72, width: 1920, height: 1080 } });
    const report = await host.importResult([output(result, 72, { num: 24000, den: 1001 })], { bin: RESULTS_BIN, placeAbove: true, selection });
    assert.deepEqual(report.placed, { track: 1, start: selection.placement!.start });
    const v2 = double.timeline()[1]!;
    assert.equal(v2.length, 1);
    assert.equal(v2[0]!.path, result);
    const tpf = 10594584000n;
    assert.equal(v2[0]!.start, 48n * tpf);
    assert.equal(v2[0]!.end, (48n + 72n) * tpf);
    // Source clip untouched.
    assert.equal(double.timeline()[0]![0]!.path, '/Volumes/Media/A001 day/A001_C003 23976.mov');
    assert.deepEqual(double.undoLog, ['Synthetic Studio: create bin', 'Synthetic Studio: place result']);
    assert.deepEqual(double.violations, []);
  });

  it('skips a busy track and uses the next free one, leaving the busy track intact (25)', async () => {
    const { double, host, selection } = await setup(sequence25(), [], { [RESULT]: RESULT_MEDIA });
    const before = double.timeline();
    const report = await host.importResult([output(RESULT, 50)], { bin: RESULTS_BIN, placeAbove: true, selection });
    // V2 (index 1) has a title over the range; V3 (index 2) only has an item after it.
    assert.deepEqual(report.placed, { track: 2, start: (250n * TPF25).toString() });
    const after = double.timeline();
    assert.deepEqual(after[1], before[1]);
    assert.deepEqual(
      after[2]!.map((i) => [i.path, i.start / TPF25, i.end / TPF25]),
      [
        [RESULT, 250n, 300n],
        ['/Volumes/Media/later.mov', 400n, 425n],
      ],
    );
  });

  it('creates a new track when every track above is busy (29.97 DF)', async () => {
    const seq = sequence2997DF();
    const tpf = 8475667200n;
    seq.tracks.push([{ name: 'busy', media: { path: '/m/busy.mov', fps: 30000 / 1001, frames: 100000, width: 64, height: 36 }, start: 17000, in: 0, out: 5000 }]);
    const result = 'C:\\Out\\Interview_extend_v001.mov';
    const { double, host, selection } = await setup(seq, [], { [result]: { fps: 30000 / 1001, frames: 90, width: 3840, height: 2160 } });
    const report = await host.importResult([output(result, 90, { num: 30000, den: 1001 })], { bin: RESULTS_BIN, placeAbove: true, selection });
    assert.deepEqual(report.placed, { track: 3, start: (17982n * tpf).toString() });
    assert.deepEqual(report.warnings, []);
    assert.equal(double.timeline().length, 4);
    assert.equal(double.timeline()[2]![0]!.path, '/m/busy.mov');
    assert.equal(double.timeline()[2]![0]!.start, 17000n * tpf);
  });

  it('reports clips moved by the new-track insert, so the editor can undo it', async () => {
    const seq = sequence2997DF();
    seq.tracks.push([{ name: 'busy', media: { path: '/m/busy.mov', fps: 30000 / 1001, frames: 100000, width: 64, height: 36 }, start: 17000, in: 0, out: 5000 }]);
    const result = '/out/r.mov';
    const { double, host, selection } = await setup(seq, [], { [result]: { fps: 30000 / 1001, frames: 90, width: 64, height: 36 } }, { insertShiftsAllTracks: true });
    const report = await host.importResult([output(result, 90, { num: 30000, den: 1001 })], { bin: RESULTS_BIN, placeAbove: true, selection });
    assert.equal(report.placed?.track, 3);
    assert.match(report.warnings.join(' '), /moved clips on other tracks.*Undo/);
    assert.notEqual(double.timeline()[1]![0]!.start, 17982n * 8475667200n);
  });

  it('places into the sequence the clip was selected in, even after the editor switched sequences', async () => {
    const double = createPremiereDouble({ ...projectWith(sequence25()), sequences: [sequence25(), sequence23976()] }, { resolveMedia: disk({ [RESULT]: RESULT_MEDIA }) });
    const host = new PremiereHost(double.ppro);
    const selection = (await host.getSelection()).selection!;
    double.activate(1);
    const report = await host.importResult([output(RESULT, 50)], { bin: RESULTS_BIN, placeAbove: true, selection });
    assert.deepEqual(report.placed, { track: 2, start: (250n * TPF25).toString() });
    assert.equal(double.timeline(0)[2]![0]!.path, RESULT);
    assert.deepEqual(double.timeline(1)[1], [], 'the now-active sequence is untouched');
    double.activate(null);
    const second = await host.importResult([output(RESULT, 50)], { bin: RESULTS_BIN, placeAbove: true, selection });
    assert.equal(second.placed?.track, 3, 'still placed into the original sequence, on the next free track');
  });

  it('offsets an output that starts later in the source (extend) by its first frame', async () => {
    const { double, host, selection } = await setup(sequence23976(), [], { '/out/ext.mov': { fps: 24000 / 1001, frames: 24, width: 1920, height: 1080 } });
    const report = await host.importResult([output('/out/ext.mov', 24, { num: 24000, den: 1001 }, { firstFrame: 172 })], { bin: RESULTS_BIN, placeAbove: true, selection });
    const tpf = 10594584000n;
    assert.deepEqual(report.placed, { track: 1, start: ((48n + 72n) * tpf).toString() });
    assert.equal(double.timeline()[1]![0]!.start, 120n * tpf);
  });

  it('reports a refused transaction as a warning, with the result still in the bin', async () => {
    const { double, host, selection } = await setup(sequence25(), [RESULTS_BIN], { [RESULT]: RESULT_MEDIA }, { failTransactions: true });
    const report = await host.importResult([output(RESULT, 50)], { bin: RESULTS_BIN, placeAbove: true, selection });
    assert.equal(report.placed, undefined);
    assert.match(report.warnings.join(' '), /refused to place/);
    assert.deepEqual(double.bins().get(RESULTS_BIN), [RESULT]);
  });

  it('without a known placement, imports only and says why', async () => {
    const { host, selection } = await setup(sequence25(), [], { [RESULT]: RESULT_MEDIA });
    const { placement: _drop, ...noPlacement } = selection;
    const report = await host.importResult([output(RESULT, 50)], { bin: RESULTS_BIN, placeAbove: true, selection: noPlacement });
    assert.equal(report.placed, undefined);
    assert.match(report.warnings.join(' '), /only added to the bin/);
  });
});
