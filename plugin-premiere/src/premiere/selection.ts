import type { HostSelection, Rational } from '@synthetic-studio/shared';
import type { Ppro, ProjectItem, Sequence, VideoClipTrackItem } from './api.js';
import { fpsToRational, framesToTimecode, ticksToFrames } from './ticks.js';

export type SelectionResult = { selection: HostSelection } | { selection: null; reason: string };

/** A selected video clip item and the 0-based index of the video track it sits on. */
interface SelectedItem {
  item: VideoClipTrackItem;
  track: number;
}

/**
 * Read the timeline selection as a HostSelection.
 *
 * `sequence.getSelection()` mixes audio and video items and gives no track index, so this walks
 * the video tracks instead and keeps the selected clip items. Items that have no single source
 * file or whose source range differs from their timeline range are skipped with a reason; exactly
 * one usable clip must remain.
 */
export async function readSelection(ppro: Ppro, sequence: Sequence): Promise<SelectionResult> {
  const selected = await selectedVideoItems(ppro, sequence);
  if (selected.length === 0) return { selection: null, reason: 'Select a video clip in the timeline.' };

  const usable: HostSelection[] = [];
  const refused: string[] = [];
  for (const s of selected) {
    const r = await describeItem(ppro, sequence, s);
    if ('reason' in r) refused.push(r.reason);
    else usable.push(r.selection);
  }
  if (usable.length === 1) return { selection: usable[0]! };
  if (usable.length > 1) return { selection: null, reason: `${usable.length} video clips are selected; select only one.` };
  return { selection: null, reason: refused.join(' ') };
}

async function selectedVideoItems(ppro: Ppro, sequence: Sequence): Promise<SelectedItem[]> {
  const out: SelectedItem[] = [];
  const count = await sequence.getVideoTrackCount();
  for (let track = 0; track < count; track++) {
    const videoTrack = await sequence.getVideoTrack(track);
    // getTrackItems is synchronous (26.3 declarations); CLIP excludes transitions and gaps.
    for (const item of videoTrack.getTrackItems(ppro.Constants.TrackItemType.CLIP, false)) {
      if (await item.getIsSelected()) out.push({ item, track });
    }
  }
  return out;
}

async function describeItem(ppro: Ppro, sequence: Sequence, { item, track }: SelectedItem): Promise<{ selection: HostSelection } | { reason: string }> {
  const name = await item.getName();
  const refuse = (why: string) => ({ reason: `"${name}" ${why}.` });

  if (await item.isAdjustmentLayer()) return refuse('is an adjustment layer, which has no source media');
  if (await item.isDisabled()) return refuse('is disabled; enable it (Clip → Enable) or select another clip');
  const projectItem = await item.getProjectItem();
  // cast() returns a falsy value when the project item is not a clip (Adobe's samples rely on it).
  const clip = projectItem ? ppro.ClipProjectItem.cast(projectItem) : null;
  if (!clip) return refuse('has no source clip');
  if (await clip.isSequence()) return refuse('is a nested sequence; select a clip inside it, or render and replace it first');
  if (await clip.isMergedClip()) return refuse('is a merged clip, which has no single source file');
  if (await clip.isMulticamClip()) return refuse('is a multicam clip; flatten it (Multi-Camera → Flatten) first');
  if (await clip.isOffline()) return refuse('is offline; relink its media first');

  const speed = await item.getSpeed();
  if (Math.abs(speed - 1) > 1e-9) return refuse(`plays at ${Math.round(speed * 100)}% speed; set it to 100% (or render and replace it) first`);
  if ((await item.isSpeedReversed()) !== 0) return refuse('plays in reverse; un-reverse it (or render and replace it) first');

  const mediaPath = await clip.getMediaFilePath();
  if (!mediaPath) return refuse('has no media file on disk');

  // Source in/out are ticks from the media start; convert with the source's own rate.
  const sourceFps = fpsToRational((await clip.getFootageInterpretation()).getFrameRate());
  const [inPoint, outPoint, start] = [await item.getInPoint(), await item.getOutPoint(), await item.getStartTime()];
  const sourceIn = ticksToFrames(inPoint.ticks, sourceFps);
  const sourceOut = ticksToFrames(outPoint.ticks, sourceFps);
  if (sourceOut <= sourceIn) return refuse('is shorter than one source frame');

  const settings = await sequence.getSettings();
  const sequenceFps = fpsToRational(settings.getVideoFrameRate().value);
  const columns = await projectColumns(ppro, projectItem);
  const size = parseVideoInfo(columns.get('Column.Intrinsic.VideoInfo')) ?? (await sequence.getFrameSize());
  const sourceTimecode = await mediaStartTimecode(ppro, columns, sourceFps, sequence);

  return {
    selection: {
      mediaPath,
      sourceIn,
      sourceOut,
      sourceFps,
      ...(sourceTimecode ? { sourceTimecode } : {}),
      frameWidth: Math.round(size.width),
      frameHeight: Math.round(size.height),
      placement: { track, trackBase: 0, start: start.ticks, sequenceFps },
      clipName: name,
    },
  };
}

/** `Metadata.getProjectColumnsMetadata` as a map ColumnID → ColumnValue (empty when unreadable). */
async function projectColumns(ppro: Ppro, projectItem: ProjectItem): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  try {
    const rows: unknown = JSON.parse(await ppro.Metadata.getProjectColumnsMetadata(projectItem));
    if (Array.isArray(rows)) {
      for (const row of rows as Array<{ ColumnID?: unknown; ColumnValue?: unknown }>) {
        if (typeof row.ColumnID === 'string' && row.ColumnValue !== undefined) map.set(row.ColumnID, String(row.ColumnValue));
      }
    }
  } catch {
    // Metadata is a nicety (frame size, start timecode); the selection stands without it.
  }
  return map;
}

/** "1920 x 1080 (1.0)" → {width, height}. The exact column format is not documented; unparsable → null. */
export function parseVideoInfo(value: string | undefined): { width: number; height: number } | null {
  const m = value ? /(\d+)\s*x\s*(\d+)/i.exec(value) : null;
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/**
 * The media's start timecode from the MediaStart column (ticks, as Adobe's sample reads it).
 * Drop-frame labels are used for 29.97/59.94 sources when the sequence displays drop-frame:
 * Premiere exposes no per-clip DF flag, so this follows what the editor sees.
 */
async function mediaStartTimecode(ppro: Ppro, columns: Map<string, string>, fps: Rational, sequence: Sequence): Promise<string | undefined> {
  const ticks = columns.get('Column.Intrinsic.MediaStart');
  if (!ticks || !/^-?\d+$/.test(ticks)) return undefined;
  const display = await (await sequence.getSettings()).getVideoDisplayFormat();
  const df = display.type === ppro.Constants.VideoDisplayFormatType.FPS_29_97;
  return framesToTimecode(ticksToFrames(ticks, fps), fps, df);
}

