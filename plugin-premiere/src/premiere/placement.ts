import type { ClipProjectItem, Ppro, Project, Sequence } from './api.js';
import { UNDO_PLACE } from './api.js';

export interface PlaceRequest {
  /** The imported result. */
  clip: ClipProjectItem;
  /** Where it must start on the timeline (ticks, decimal string). */
  startTicks: string;
  /** How long it lasts on the timeline, in ticks. */
  durationTicks: bigint;
  /** 0-based video track of the source clip; placement starts at the track above. */
  sourceTrack: number;
}

export type PlaceResult = { placed: { track: number; start: string }; warning?: string } | { placed: null; warning: string };

/**
 * Put `clip` on the first video track above the source whose range [start, start+duration) is
 * empty, so nothing the editor cut is overwritten. When every existing track above is busy, the
 * clip goes on a new track (an insert at index = track count creates it; insert on an empty new
 * track shifts nothing with limitShift). All reads happen before the lock; the action is created
 * and committed in one lockedAccess + executeTransaction with no await inside, then the result is
 * read back from the track. What `limitShift` does to other tracks is undocumented, so after an
 * insert the existing tracks are compared with a snapshot and any shift is reported (one Undo
 * reverts the whole placement).
 */
export async function placeAbove(ppro: Ppro, project: Project, sequence: Sequence, req: PlaceRequest): Promise<PlaceResult> {
  const start = BigInt(req.startTicks);
  const end = start + req.durationTicks;
  const trackCount = await sequence.getVideoTrackCount();

  let target = trackCount;
  for (let t = req.sourceTrack + 1; t < trackCount; t++) {
    if (await rangeIsEmpty(ppro, sequence, t, start, end)) {
      target = t;
      break;
    }
  }

  const newTrack = target >= trackCount;
  const before = newTrack ? await snapshot(ppro, sequence, trackCount) : '';
  const editor = ppro.SequenceEditor.getEditor(sequence);
  const projectItem = ppro.ProjectItem.cast(req.clip);
  const time = ppro.TickTime.createWithTicks(start.toString());
  let committed = false;
  project.lockedAccess(() => {
    // Audio track index 0: the bridge's results carry no audio, so nothing lands on A1.
    const action = newTrack
      ? editor.createInsertProjectItemAction(projectItem, time, target, 0, true)
      : editor.createOverwriteItemAction(projectItem, time, target, 0);
    committed = project.executeTransaction((compound) => {
      compound.addAction(action);
    }, UNDO_PLACE);
  });
  if (!committed) return { placed: null, warning: 'Premiere Pro refused to place the result on the timeline; it is in the bin.' };

  const found = await readBack(ppro, sequence, target, start, await req.clip.getMediaFilePath());
  if (!found) return { placed: null, warning: `The result was placed but could not be found on V${target + 1} at the expected time; check the timeline.` };
  const placed = { track: target, start: start.toString() };
  if (newTrack && (await snapshot(ppro, sequence, trackCount)) !== before) {
    return { placed, warning: `Placing the result on a new track V${target + 1} moved clips on other tracks; use Edit → Undo "${UNDO_PLACE}" if that is not wanted.` };
  }
  return { placed };
}

/** Every clip's track, start and end on the first `tracks` video tracks, as one comparable string. */
async function snapshot(ppro: Ppro, sequence: Sequence, tracks: number): Promise<string> {
  const parts: string[] = [];
  for (let t = 0; t < tracks; t++) {
    for (const item of (await sequence.getVideoTrack(t)).getTrackItems(ppro.Constants.TrackItemType.CLIP, false)) {
      parts.push(`${t}:${(await item.getStartTime()).ticks}-${(await item.getEndTime()).ticks}`);
    }
  }
  return parts.sort().join(',');
}

async function rangeIsEmpty(ppro: Ppro, sequence: Sequence, track: number, start: bigint, end: bigint): Promise<boolean> {
  const items = (await sequence.getVideoTrack(track)).getTrackItems(ppro.Constants.TrackItemType.CLIP, false);
  for (const item of items) {
    const s = BigInt((await item.getStartTime()).ticks);
    const e = BigInt((await item.getEndTime()).ticks);
    if (s < end && e > start) return false;
  }
  return true;
}

async function readBack(ppro: Ppro, sequence: Sequence, track: number, start: bigint, mediaPath: string): Promise<boolean> {
  if (track >= (await sequence.getVideoTrackCount())) return false;
  const items = (await sequence.getVideoTrack(track)).getTrackItems(ppro.Constants.TrackItemType.CLIP, false);
  for (const item of items) {
    if (BigInt((await item.getStartTime()).ticks) !== start) continue;
    const clip = ppro.ClipProjectItem.cast(await item.getProjectItem());
    if (clip && (await clip.getMediaFilePath()) === mediaPath) return true;
  }
  return false;
}
