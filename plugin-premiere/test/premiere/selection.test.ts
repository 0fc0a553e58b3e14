import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type ppro from 'premierepro';
import { PremiereHost } from '../../src/premiere/index.js';
import { fpsToRational, framesToTimecode, ticksPerFrame, ticksToFrames } from '../../src/premiere/ticks.js';
import { NTSC_23_976, NTSC_29_97, projectWith, sequence23976, sequence25, sequence2997DF, type SequenceFixture, type TrackItemFixture } from '../double/fixtures.js';
import { createPremiereDouble } from '../double/premierepro-double.js';

// The double must be usable wherever the runtime module is: it type-checks as `premierepro`.
const moduleTypeCheck = (d: ReturnType<typeof createPremiereDouble>): typeof ppro => d.ppro;

function hostFor(seq: SequenceFixture) {
  const double = createPremiereDouble(projectWith(seq));
  return { double, host: new PremiereHost(moduleTypeCheck(double)) };
}

async function selectionOf(seq: SequenceFixture) {
  const r = await hostFor(seq).host.getSelection();
  if (!r.selection) assert.fail(`expected a selection, got: ${(r as { reason: string }).reason}`);
  return r.selection;
}

async function refusal(seq: SequenceFixture): Promise<string> {
  const r = await hostFor(seq).host.getSelection();
  assert.equal(r.selection, null);
  return (r as { reason: string }).reason;
}

function withItem(seq: SequenceFixture, patch: Partial<TrackItemFixture>): SequenceFixture {
  const tracks = seq.tracks.map((t) => t.map((i) => (i.selected ? { ...i, ...patch, media: { ...i.media, ...(patch.media ?? {}) } } : i)));
  return { ...seq, tracks };
}

describe('tick math', () => {
  it('maps host float rates to exact rationals', () => {
    assert.deepEqual(fpsToRational(NTSC_23_976), { num: 24000, den: 1001 });
    assert.deepEqual(fpsToRational(23.976), { num: 24000, den: 1001 });
    assert.deepEqual(fpsToRational(NTSC_29_97), { num: 30000, den: 1001 });
    assert.deepEqual(fpsToRational(59.94), { num: 60000, den: 1001 });
    assert.deepEqual(fpsToRational(25), { num: 25, den: 1 });
    assert.deepEqual(fpsToRational(12.5), { num: 25, den: 2 });
  });
  it('has the documented ticks per frame and stays exact past 2^53 ticks', () => {
    assert.equal(ticksPerFrame({ num: 24000, den: 1001 }), 10594584000n);
    assert.equal(ticksPerFrame({ num: 30000, den: 1001 }), 8475667200n);
    assert.equal(ticksPerFrame({ num: 25, den: 1 }), 10160640000n);
    // 20 h at 29.97: 2157840 frames → 1.8e16 ticks, beyond Number precision.
    const ticks = 2157841n * 8475667200n;
    assert.ok(ticks > BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(ticksToFrames(ticks.toString(), { num: 30000, den: 1001 }), 2157841);
  });
  it('formats drop-frame timecode', () => {
    const r = { num: 30000, den: 1001 };
    assert.equal(framesToTimecode(1800, r, true), '00:01:00;02');
    assert.equal(framesToTimecode(17982, r, true), '00:10:00;00');
    assert.equal(framesToTimecode(107892, r, true), '01:00:00;00');
    assert.equal(framesToTimecode(107892, r, false), '00:59:56:12');
    assert.equal(framesToTimecode(90000, { num: 25, den: 1 }, false), '01:00:00:00');
  });
});

describe('PremiereHost.getSelection', () => {
  it('23.976: source frames of a trimmed clip, in the source rate, and placement', async () => {
    const s = await selectionOf(sequence23976());
    assert.equal(s.mediaPath, '/Volumes/Media/A001 day/A001_C003 23976.mov');
    assert.equal(s.sourceIn, 100);
    assert.equal(s.sourceOut, 172);
    assert.deepEqual(s.sourceFps, { num: 24000, den: 1001 });
    assert.equal(s.sourceTimecode, '01:00:00:00');
    assert.equal(s.frameWidth, 1920);
    assert.equal(s.frameHeight, 1080);
    assert.deepEqual(s.placement, { track: 0, trackBase: 0, start: (48n * 10594584000n).toString(), sequenceFps: { num: 24000, den: 1001 } });
    assert.equal(s.clipName, 'A001_C003');
  });

  it('25: trimmed clip, non-ASCII path with spaces', async () => {
    const s = await selectionOf(sequence25());
    assert.equal(s.mediaPath, '/Volumes/Media/B-cam/Clip 25p é.mov');
    assert.deepEqual([s.sourceIn, s.sourceOut], [37, 87]);
    assert.deepEqual(s.sourceFps, { num: 25, den: 1 });
    assert.equal(s.placement?.start, (250n * 10160640000n).toString());
    assert.deepEqual([s.frameWidth, s.frameHeight], [1280, 720]);
  });

  it('29.97 DF: drop frame changes only the timecode label, not the frames; track index is 0-based', async () => {
    const s = await selectionOf(sequence2997DF());
    assert.deepEqual([s.sourceIn, s.sourceOut], [1799, 1889]);
    assert.deepEqual(s.sourceFps, { num: 30000, den: 1001 });
    assert.equal(s.sourceTimecode, '01:00:00;00');
    assert.equal(s.placement?.track, 1);
    assert.equal(s.placement?.start, (17982n * 8475667200n).toString());
  });

  it('converts with the source rate, not the sequence rate (25p clip in a 23.976 sequence)', async () => {
    const seq = sequence23976();
    seq.tracks[0]![0] = { name: 'PAL', media: { path: '/m/pal.mov', fps: 25, frames: 1000, width: 720, height: 576 }, start: 0, in: 250, out: 300, selected: true };
    const s = await selectionOf(seq);
    assert.deepEqual([s.sourceIn, s.sourceOut], [250, 300]);
    assert.deepEqual(s.sourceFps, { num: 25, den: 1 });
    assert.equal(s.sourceTimecode, '00:00:00:00');
  });

  it('refuses clips it cannot process, with the reason', async () => {
    assert.match(await refusal(withItem(sequence25(), { adjustmentLayer: true })), /adjustment layer/);
    assert.match(await refusal(withItem(sequence25(), { disabled: true })), /is disabled/);
    assert.match(await refusal(withItem(sequence25(), { media: { kind: 'sequence' } as never })), /nested sequence/);
    assert.match(await refusal(withItem(sequence25(), { media: { kind: 'merged' } as never })), /merged clip/);
    assert.match(await refusal(withItem(sequence25(), { media: { kind: 'multicam' } as never })), /multicam/);
    assert.match(await refusal(withItem(sequence25(), { media: { offline: true } as never })), /offline/);
    assert.match(await refusal(withItem(sequence25(), { speed: 0.5 })), /50% speed/);
    assert.match(await refusal(withItem(sequence25(), { reversed: true })), /reverse/);
  });

  it('asks for a selection, a single clip, a sequence, a project', async () => {
    const none = sequence25();
    none.tracks[0]![0]!.selected = false;
    assert.match(await refusal(none), /Select a video clip/);
    const two = sequence25();
    two.tracks[1]![0]!.selected = true;
    assert.match(await refusal(two), /2 video clips are selected/);
    const noSeq = createPremiereDouble({ ...projectWith(sequence25()), activeSequence: null });
    assert.match(((await new PremiereHost(noSeq.ppro).getSelection()) as { reason: string }).reason, /No sequence is active/);
    const noProject = createPremiereDouble(projectWith(sequence25()), { noProject: true });
    assert.match(((await new PremiereHost(noProject.ppro).getSelection()) as { reason: string }).reason, /No project is open/);
  });

  it('skips a refused item when exactly one usable clip is selected with it', async () => {
    const seq = sequence25();
    seq.tracks[1]![0] = { ...seq.tracks[1]![0]!, selected: true, adjustmentLayer: true };
    const s = await selectionOf(seq);
    assert.equal(s.mediaPath, '/Volumes/Media/B-cam/Clip 25p é.mov');
  });
});

describe('PremiereHost.onSelectionChanged', () => {
  it('fires on the SequenceEvent.SELECTION_CHANGED global event and unsubscribes', async () => {
    const { double, host } = hostFor(sequence25());
    let calls = 0;
    const off = host.onSelectionChanged(() => calls++);
    double.emit(double.ppro.Constants.SequenceEvent.SELECTION_CHANGED, { id: 'seq', name: 'Edit 25' });
    double.emit(double.ppro.Constants.SequenceEvent.ACTIVATED, {});
    assert.equal(calls, 2);
    off();
    assert.equal(double.listenerCount(), 0);
    double.emit(double.ppro.Constants.SequenceEvent.SELECTION_CHANGED, {});
    assert.equal(calls, 2);
  });

  it('a new selection is read after the event', async () => {
    const { double, host } = hostFor(sequence25());
    double.select(1, 0);
    const r = await host.getSelection();
    assert.equal(r.selection?.mediaPath, '/Volumes/Media/title.mov');
    assert.equal(r.selection?.placement?.track, 1);
  });
});
