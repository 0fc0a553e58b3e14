import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectResolve } from '../../src/main/connection.js';
import { readSelection } from '../../src/main/read-selection.js';
import { PLUGIN_ID } from '../../src/plugin/ipc.js';
import { loadFixture, makeDouble } from '../doubles/load-fixture.js';
import type { DoubleOptions, ResolveFixture } from '../doubles/resolve-double.js';

async function selectionOf(fixture: Parameters<typeof makeDouble>[0], options: Partial<DoubleOptions> = {}, fallbackTrack?: number) {
  const d = makeDouble(fixture, options);
  const c = await connectResolve(d.module, PLUGIN_ID);
  return { d, result: await readSelection(c.resolve, fallbackTrack !== undefined ? { fallbackTrack } : {}) };
}

describe('Resolve selection: 24 fps timeline at 01:00:00:00', () => {
  it('reads the selected clip: path, half-open source range, source rate and TC, absolute placement', async () => {
    const { result } = await selectionOf('timeline-24');
    assert.ok(result.selection, 'reason' in result ? result.reason : '');
    assert.deepEqual(result.selection, {
      mediaPath: '/Volumes/Media/Interview A.mov',
      sourceIn: 24,
      sourceOut: 72,
      sourceFps: { num: 24, den: 1 },
      sourceTimecode: '14:22:10:05',
      frameWidth: 1920,
      frameHeight: 1080,
      placement: { track: 1, trackBase: 1, start: 86400, sequenceFps: { num: 24, den: 1 } },
      clipName: 'Interview A.mov',
    });
  });

  it('gives the same range when GetSourceStartFrame is one off or the seconds readers are timecode-absolute', async () => {
    const base = (await selectionOf('timeline-24')).result.selection!;
    for (const quirks of [{ sourceStartOffByOne: true }, { timecodeAbsoluteSourceTime: true }, { sourceStartOffByOne: true, timecodeAbsoluteSourceTime: true }]) {
      const { result } = await selectionOf('timeline-24', { quirks });
      assert.equal(result.selection?.sourceIn, base.sourceIn, JSON.stringify(quirks));
      assert.equal(result.selection?.sourceOut, base.sourceOut, JSON.stringify(quirks));
    }
  });

  it('refuses a clip whose readers cannot be reconciled', async () => {
    const fx = loadFixture('timeline-24');
    // A left offset that neither GetSourceStartFrame nor the seconds readers confirm.
    const d = makeDouble(fx);
    d.timeline.video[0]![0]!.leftOffset = 24;
    const c = await connectResolve(d.module, PLUGIN_ID);
    const item = d.timeline.video[0]![0]!;
    const orig = item.GetSourceStartFrame.bind(item);
    item.GetSourceStartFrame = () => orig() + 7;
    item.GetSourceStartTime = () => 99;
    item.GetLeftOffset = () => 3;
    const r = await readSelection(c.resolve);
    assert.equal(r.selection, null);
    assert.match('reason' in r ? r.reason : '', /inconsistent source in points/);
  });

  it('refuses a generator (no media pool item) with a reason', async () => {
    const fx = loadFixture('timeline-24');
    fx.timeline.selected = [[2, 0]];
    const { result } = await selectionOf(fx);
    assert.equal(result.selection, null);
    assert.match('reason' in result ? result.reason : '', /no media/);
  });
});

describe('Resolve selection: 25 fps timeline with a 50p source', () => {
  it('converts the left offset from timeline frames to source frames (x2) and keeps the source rate', async () => {
    const { result } = await selectionOf('timeline-25');
    const s = result.selection!;
    assert.equal(s.mediaPath, '/Volumes/Media/drone 50p.mov');
    assert.deepEqual([s.sourceIn, s.sourceOut], [80, 120]);
    assert.deepEqual(s.sourceFps, { num: 50, den: 1 });
    assert.deepEqual(s.placement, { track: 1, trackBase: 1, start: 90000, sequenceFps: { num: 25, den: 1 } });
    assert.deepEqual([s.frameWidth, s.frameHeight], [3840, 2160]);
  });

  it('refuses a retimed clip instead of sending a wrong range', async () => {
    const fx = loadFixture('timeline-25');
    fx.timeline.selected = [[1, 1]];
    const { result } = await selectionOf(fx);
    assert.equal(result.selection, null);
    assert.match('reason' in result ? result.reason : '', /changed speed/);
  });
});

describe('Resolve selection: 29.97 DF timeline, build without Timeline.GetSelectedClips', () => {
  const old: Partial<DoubleOptions> = { version: [20, 2, 0, 7, ''] };

  it('the double hides GetSelectedClips before 21.1 and shows it after', async () => {
    const d20 = makeDouble('timeline-2997df', old);
    const d21 = makeDouble('timeline-2997df');
    const t20 = (await (await (await (await connectResolve(d20.module, PLUGIN_ID)).resolve.GetProjectManager())!.GetCurrentProject())!.GetCurrentTimeline())!;
    const t21 = (await (await (await (await connectResolve(d21.module, PLUGIN_ID)).resolve.GetProjectManager())!.GetCurrentProject())!.GetCurrentTimeline())!;
    assert.equal(typeof t20.GetSelectedClips, 'undefined');
    assert.equal(typeof t21.GetSelectedClips, 'function');
  });

  it('reads the clip under the playhead on the chosen track through drop-frame timecode', async () => {
    const { result } = await selectionOf('timeline-2997df', old, 1);
    const s = result.selection!;
    assert.ok(s, 'reason' in result ? result.reason : '');
    assert.equal(s.mediaPath, 'C:\\Media\\news 2997.mov');
    assert.deepEqual(s.sourceFps, { num: 30000, den: 1001 });
    assert.deepEqual([s.sourceIn, s.sourceOut], [120, 210]);
    assert.equal(s.sourceTimecode, '00:59:58;00');
    assert.deepEqual(s.placement, { track: 1, trackBase: 1, start: 109798, sequenceFps: { num: 30000, den: 1001 } });
  });

  it('finds the right clip whether the DF start is numbered 108000 or 107892, and with the DF flag as a separate setting', async () => {
    const variants: Array<(fx: ResolveFixture) => void> = [
      (fx) => {
        const shift = 107892 - fx.timeline.startFrame;
        fx.timeline.startFrame += shift;
        fx.timeline.playhead += shift;
        for (const it of fx.timeline.video[0]!) it.start += shift;
      },
      (fx) => {
        fx.timeline.frameRate = '29.97';
        fx.timeline.dropFrameSetting = '1';
      },
    ];
    for (const change of variants) {
      const fx = loadFixture('timeline-2997df');
      change(fx);
      // Move the playhead to the clip's last frame: an off-by-one in DF maths would miss it.
      const item = fx.timeline.video[0]![0]!;
      fx.timeline.playhead = item.start + item.duration - 1;
      const { result } = await selectionOf(fx, old, 1);
      assert.equal(result.selection?.sourceIn, 120);
      assert.equal(result.selection?.placement?.start, item.start);
      // One frame later the playhead is past the clip.
      fx.timeline.playhead += 1;
      const after = await selectionOf(fx, old, 1);
      assert.equal(after.result.selection, null);
    }
  });

  it('accepts the clip rate written with a DF suffix', async () => {
    const fx = loadFixture('timeline-2997df');
    fx.media[0]!.fps = '29.97 DF';
    const { result } = await selectionOf(fx, old, 1);
    assert.deepEqual(result.selection?.sourceFps, { num: 30000, den: 1001 });
    assert.deepEqual([result.selection?.sourceIn, result.selection?.sourceOut, result.selection?.sourceTimecode], [120, 210, '00:59:58;00']);
  });

  it('without a chosen track falls back to the current video item', async () => {
    const { result } = await selectionOf('timeline-2997df', old);
    assert.equal(result.selection?.sourceIn, 120);
  });

  it('off the Edit-type pages the playhead is unreadable and the reason says which page to use', async () => {
    const { result } = await selectionOf('timeline-2997df', { ...old, page: 'media' }, 1);
    assert.equal(result.selection, null);
    assert.match('reason' in result ? result.reason : '', /Edit page/);
  });

  it('a missing track gives a reason, not an error', async () => {
    const { result } = await selectionOf('timeline-2997df', old, 4);
    assert.match('reason' in result ? result.reason : '', /V4 does not exist/);
  });
});

describe('Resolve selection: no project or timeline', () => {
  it('reports why', async () => {
    const d = makeDouble('timeline-24');
    const c = await connectResolve(d.module, PLUGIN_ID);
    d.timelineOpen = false;
    assert.match(((await readSelection(c.resolve)) as { reason: string }).reason, /No timeline/);
    d.projectOpen = false;
    assert.match(((await readSelection(c.resolve)) as { reason: string }).reason, /No project/);
  });
});
