import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MaskSpecSchema } from '../../src/index.js';
import { applyPreset, describeError, editRig, formatEta, maskModel as M, pickerPointToDirection, rigToPickerPoint, rigToSpec } from '../../src/panel/index.js';

test('mask model: brush, eraser, rect, ellipse, undo/redo, clear; output validates as a MaskSpec', () => {
  let m = M.emptyMask();
  m = M.beginDraft(m, [0.1, 0.1]);
  m = M.extendDraft(m, [0.1001, 0.1]); // closer than radius/4: skipped
  m = M.extendDraft(m, [0.2, 0.1]);
  m = M.commitDraft(m);
  assert.deepEqual(m.shapes, [{ shape: 'stroke', points: [[0.1, 0.1], [0.2, 0.1]], radius: 0.04 }]);
  m = M.setTool(m, 'eraser');
  m = M.commitDraft(M.beginDraft(m, [0.15, 0.1]));
  assert.equal(m.shapes[1]!.erase, true);
  m = M.setTool(m, 'ellipse');
  m = M.commitDraft(M.extendDraft(M.beginDraft(m, [0.8, 0.2]), [0.6, 0.6]));
  assert.deepEqual(m.shapes[2], { shape: 'ellipse', cx: 0.7, cy: 0.4, rx: 0.1, ry: 0.2 });
  m = M.setTool(m, 'rect');
  m = M.commitDraft(M.beginDraft(m, [0.5, 0.5])); // a click without a drag adds nothing
  assert.equal(m.shapes.length, 3);
  m = M.commitDraft(M.extendDraft(M.beginDraft(m, [-0.2, 0.9]), [0.3, 1.4])); // clamped to the frame
  assert.deepEqual(m.shapes[3], { shape: 'rect', x: 0, y: 0.9, w: 0.3, h: 0.1 });

  m = M.undo(M.undo(m));
  assert.equal(m.shapes.length, 2);
  m = M.redo(m);
  assert.equal(m.shapes.length, 3);
  const spec = M.toMaskSpec(m, 7);
  assert.ok(spec);
  assert.ok(MaskSpecSchema.safeParse(spec).success);
  m = M.clearMask(m);
  assert.equal(M.toMaskSpec(m, 7), undefined);
  m = M.undo(m);
  assert.equal(m.shapes.length, 3, 'clear is undoable');
  m = M.commitDraft(M.beginDraft(M.setTool(M.emptyMask(), 'eraser'), [0.5, 0.5]));
  assert.equal(M.toMaskSpec(m, 0), undefined, 'only erasing is still an empty mask');
  assert.equal(M.setBrushRadius(m, 5).brushRadius, M.MAX_BRUSH);
});

test('light rig: presets as preset specs, edits become explicit key lights, picker geometry round-trips', () => {
  const golden = applyPreset('golden-hour');
  assert.equal(rigToSpec(golden), 'preset:golden-hour');
  const edited = editRig(golden, { azimuth: 200, elevation: 120 });
  assert.equal(edited.preset, null);
  assert.equal(edited.azimuth, -160, 'wrapped to [-180, 180)');
  assert.equal(edited.elevation, 90);
  assert.equal(rigToSpec(edited), 'key:az=-160,el=90,k=3000,i=1.3');
  assert.equal(rigToSpec(editRig(edited, { rim: true, elevation: 30 })), 'key:az=-160,el=30,k=3000,i=1.3;rim:az=20,el=20,k=10000,i=2.28');
  for (const [az, el] of [[-90, 0], [45, 30], [180, 60], [0, 0]] as const) {
    const p = rigToPickerPoint({ azimuth: az, elevation: el });
    const d = pickerPointToDirection(p.x, p.y);
    assert.equal(d.elevation, el);
    assert.equal(((d.azimuth - az + 540) % 360) - 180, 0);
  }
  assert.deepEqual(pickerPointToDirection(-1, 0), { azimuth: -90, elevation: 0 }, 'left edge: light from the left at the horizon');
});

test('errors: mapped codes read as sentences with a fix; unknown codes fall back to the shared remedy', () => {
  const vfr = describeError('E_MEDIA_VFR', 'VFR');
  assert.equal(vfr.title, 'This clip is variable frame rate.');
  const ffmpeg = describeError('E_FFMPEG', 'ffmpeg exited with 1');
  assert.equal(ffmpeg.title, 'ffmpeg exited with 1');
  assert.equal(ffmpeg.fix, 'ffmpeg failed; see details for its message.');
  assert.equal(describeError('E_SOMETHING_NEW', 'x', 'do y').fix, 'do y');
  assert.equal(formatEta(42), '42 s');
  assert.equal(formatEta(65), '1:05');
  assert.equal(formatEta(3725), '1:02:05');
  assert.equal(formatEta(undefined), '');
});
