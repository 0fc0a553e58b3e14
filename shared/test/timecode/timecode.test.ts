import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STANDARD_RATES, timecodeRate, framesPerDay, frameToTimecode, timecodeToFrame, frameToTimecodeParts, timecodePartsToFrame,
  formatTimecode, parseTimecode, frameToSeconds, secondsToFrame, frameToTicks, ticksToFrame, ticksPerFrame,
  PREMIERE_TICKS_PER_SECOND, sourceFrameToTimecode, timecodeToSourceFrame, recordFrameToTimecode, timecodeToRecordFrame,
  sourceFrameToRecordFrame, recordFrameToSourceFrame, addFramesToTimecode,
} from '../../src/index.js';

test('frame → timecode → frame is the identity for every frame of 24 hours, at every rate', () => {
  for (const [label, rate] of Object.entries(STANDARD_RATES)) {
    const day = framesPerDay(rate);
    let prev = -1;
    for (let f = 0; f < day; f++) {
      const p = frameToTimecodeParts(f, rate);
      const back = timecodePartsToFrame(p, rate);
      if (back !== f) assert.fail(`${label}: frame ${f} → ${formatTimecode(p)} → ${back}`);
      // labels strictly increase (no label used twice), checked numerically
      const key = ((p.hours * 60 + p.minutes) * 60 + p.seconds) * rate.nominal + p.frames;
      if (key <= prev) assert.fail(`${label}: label order broken at frame ${f}`);
      prev = key;
    }
    // the text path over the same day, every 7th frame (7 is coprime with every rate, so all frame labels and minute starts are visited)
    for (let f = 0; f < day; f += 7) {
      const tc = frameToTimecode(f, rate);
      assert.equal(timecodeToFrame(tc, rate), f, `${label} ${tc}`);
    }
    assert.equal(frameToTimecode(day, rate), rate.dropFrame ? '00:00:00;00' : '00:00:00:00', `${label} wraps at 24 h`);
  }
});

test('drop-frame labels: known values at 29.97 and 59.94', () => {
  const df30 = STANDARD_RATES['29.97DF'];
  assert.equal(frameToTimecode(1799, df30), '00:00:59;29');
  assert.equal(frameToTimecode(1800, df30), '00:01:00;02');
  assert.equal(frameToTimecode(17982, df30), '00:10:00;00');
  assert.equal(frameToTimecode(107892, df30), '01:00:00;00');
  assert.equal(framesPerDay(df30), 2589408);
  assert.throws(() => timecodeToFrame('00:01:00;00', df30), /does not exist/);
  const df60 = STANDARD_RATES['59.94DF'];
  assert.equal(frameToTimecode(3600, df60), '00:01:00;04');
  assert.equal(frameToTimecode(215784, df60), '01:00:00;00');
  assert.throws(() => timecodeToFrame('00:01:00;03', df60), /does not exist/);
  assert.throws(() => timecodeToFrame('00:01:00:02', df30), /non-drop-frame/);
  assert.throws(() => timecodeRate({ num: 25, den: 1 }, true), /Drop-frame/);
  assert.deepEqual(parseTimecode('01:02:03;04'), { hours: 1, minutes: 2, seconds: 3, frames: 4, dropFrame: true });
  assert.equal(frameToTimecode(86400, STANDARD_RATES['24']), '01:00:00:00');
  assert.equal(frameToTimecode(86400, STANDARD_RATES['23.976']), '01:00:00:00');
  assert.equal(frameToTimecode(90000, STANDARD_RATES['25']), '01:00:00:00');
});

test('seconds are exact rationals and invert', () => {
  const fps = { num: 24000, den: 1001 };
  assert.deepEqual(frameToSeconds(24, fps), { num: 1001, den: 1000 });
  assert.deepEqual(frameToSeconds(0, fps), { num: 0, den: 1 });
  for (const rate of Object.values(STANDARD_RATES)) {
    for (let f = 0; f < 200000; f += 7) {
      const s = frameToSeconds(f, rate.fps);
      if (secondsToFrame(s, rate.fps, 'exact') !== f) assert.fail(`seconds round trip at ${f}`);
    }
  }
  assert.equal(secondsToFrame(1, fps), 23);
  assert.equal(secondsToFrame(1, fps, 'ceil'), 24);
  assert.equal(secondsToFrame({ num: 1001, den: 1000 }, fps), 24);
});

test('Premiere ticks are exact BigInt at every rate and invert', () => {
  assert.equal(ticksPerFrame({ num: 24000, den: 1001 }), 10584000000n * 1001n / 1000n);
  assert.equal(ticksPerFrame({ num: 25, den: 1 }), 10160640000n);
  for (const rate of Object.values(STANDARD_RATES)) {
    const day = framesPerDay(rate);
    for (let f = 0; f < day; f += 101) {
      const t = frameToTicks(f, rate.fps);
      if (ticksToFrame(t, rate.fps, 'exact') !== f) assert.fail(`ticks round trip at ${f}`);
    }
    assert.equal(frameToTicks(rate.fps.num, rate.fps), PREMIERE_TICKS_PER_SECOND * BigInt(rate.fps.den));
  }
  assert.equal(ticksToFrame('10584000001', { num: 24, den: 1 }), 1);
  assert.throws(() => ticksToFrame(10584000001n, { num: 24, den: 1 }, 'exact'), /frame boundary/);
});

test('source timecode and Resolve record frames', () => {
  const df = STANDARD_RATES['29.97DF'];
  assert.equal(sourceFrameToTimecode(2, '00:00:59;28', df), '00:01:00;02');
  assert.equal(timecodeToSourceFrame('00:01:00;02', '00:00:59;28', df), 2);
  assert.equal(addFramesToTimecode('23:59:59:23', 1, STANDARD_RATES['24']), '00:00:00:00');
  assert.equal(timecodeToSourceFrame('00:00:00:00', '23:59:59:23', STANDARD_RATES['24']), 1);
  const r24 = STANDARD_RATES['24'];
  assert.equal(timecodeToRecordFrame('01:00:00:00', r24), 86400);
  assert.equal(recordFrameToTimecode(86424, r24), '01:00:01:00');
  const item = { recordStart: 86400, sourceStart: 100 };
  assert.equal(sourceFrameToRecordFrame(130, item), 86430);
  assert.equal(recordFrameToSourceFrame(86430, item), 130);
});

test('a plain frame rate is accepted where the text says whether it is drop-frame', () => {
  assert.equal(addFramesToTimecode('00:00:59;28', 2, { num: 30000, den: 1001 }), '00:01:00;02');
  assert.equal(addFramesToTimecode('00:00:59:28', 2, { num: 30000, den: 1001 }), '00:01:00:00');
  assert.equal(sourceFrameToTimecode(24, '01:00:00:00', { num: 24, den: 1 }), '01:00:01:00');
  assert.equal(timecodeToFrame('01:00:00:00', { num: 25, den: 1 }), 90000);
  assert.equal(frameToTimecode(1800, { num: 30000, den: 1001 }, true), '00:01:00;02');
});
