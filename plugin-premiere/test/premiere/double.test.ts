import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { projectWith, sequence25 } from '../double/fixtures.js';
import { createPremiereDouble } from '../double/premierepro-double.js';

// The double is only worth testing against if it enforces the host's traps (hosts.md §3, §4.1).
async function fresh() {
  const double = createPremiereDouble(projectWith(sequence25()), { resolveMedia: (p) => ({ path: p, fps: 25, frames: 10, width: 64, height: 36 }) });
  const ppro = double.ppro;
  const project = await ppro.Project.getActiveProject();
  const root = await project.getRootItem();
  return { double, ppro, project, root };
}

describe('premierepro double: host rules', () => {
  it('create*Action throws outside lockedAccess', async () => {
    const { double, ppro, project, root } = await fresh();
    assert.throws(() => root.createBinAction('X', false), /lockedAccess/);
    const seq = await project.getActiveSequence();
    const editor = ppro.SequenceEditor.getEditor(seq);
    const item = (await root.getItems())[0]!;
    assert.throws(() => editor.createOverwriteItemAction(item, ppro.TickTime.TIME_ZERO, 1, 0), /lockedAccess/);
    assert.equal(double.violations.length, 2);
  });

  it('an async callback in lockedAccess or executeTransaction throws', async () => {
    const { project } = await fresh();
    assert.throws(() => project.lockedAccess((async () => undefined) as unknown as () => void), /Promise/);
    assert.throws(() => project.executeTransaction((async () => undefined) as unknown as () => void, 'x'), /Promise/);
  });

  it('an action created in one lock scope is invalid in another', async () => {
    const { project, root } = await fresh();
    let stale: ReturnType<typeof root.createBinAction> | undefined;
    project.lockedAccess(() => {
      stale = root.createBinAction('Later', false);
    });
    project.lockedAccess(() => {
      assert.throws(() => project.executeTransaction((c) => void c.addAction(stale!), 'x'), /no longer valid/);
    });
  });

  it('executeTransaction is all-or-nothing and logs one labelled undo entry', async () => {
    const { double, ppro, project, root } = await fresh();
    const seq = await project.getActiveSequence();
    const editor = ppro.SequenceEditor.getEditor(seq);
    const item = (await root.getItems())[0]!;
    let ok = true;
    project.lockedAccess(() => {
      const bin = root.createBinAction('Never', false);
      const bad = editor.createOverwriteItemAction(item, ppro.TickTime.TIME_ZERO, 99, 0);
      ok = project.executeTransaction((c) => {
        c.addAction(bin);
        c.addAction(bad);
      }, 'both');
    });
    assert.equal(ok, false);
    assert.equal(double.bins().has('Never'), false);
    assert.deepEqual(double.undoLog, []);
    project.lockedAccess(() => {
      ok = project.executeTransaction((c) => void c.addAction(root.createBinAction('Made', false)), 'make');
    });
    assert.equal(ok, true);
    assert.deepEqual(double.undoLog, ['make']);
  });

  it('importFiles rejects an explicit undefined bin, accepts null, resolves false for a missing file', async () => {
    const { double, ppro, project } = await fresh();
    await assert.rejects(project.importFiles(['/a.mov'], true, undefined, false), /Illegal Parameter type/);
    let state: unknown;
    ppro.EventManager.addGlobalEventListener(ppro.Constants.OperationCompleteEvent.IMPORT_MEDIA_COMPLETE, (e) => (state = (e as { state: unknown }).state));
    assert.equal(await project.importFiles(['/a.mov'], true, null as never, false), true);
    assert.equal(state, ppro.Constants.OperationCompleteState.SUCCESS);
    const none = createPremiereDouble(projectWith(sequence25()));
    const p2 = await none.ppro.Project.getActiveProject();
    assert.equal(await p2.importFiles(['/missing.mov'], true, none.ppro.ProjectItem.cast(await p2.getRootItem()), false), false);
    void double;
  });

  it('cast returns a falsy value on a type mismatch; sync methods are sync', async () => {
    const { ppro, project, root } = await fresh();
    const [clipItem] = await root.getItems();
    assert.equal(ppro.FolderItem.cast(clipItem!), null);
    assert.ok(ppro.ClipProjectItem.cast(clipItem!));
    assert.equal(ppro.ClipProjectItem.cast(ppro.ProjectItem.cast(root)), null);
    const seq = await project.getActiveSequence();
    const track = await seq.getVideoTrack(0);
    assert.ok(Array.isArray(track.getTrackItems(ppro.Constants.TrackItemType.CLIP, false)));
    assert.ok(!(ppro.SequenceEditor.getEditor(seq) instanceof Promise));
    assert.equal(project.getSequence(seq.guid).name, seq.name);
  });

  it('members it does not emulate fail loudly', async () => {
    const { project } = await fresh();
    await assert.rejects(async () => project.save(), /not emulated/);
  });
});
