import type { HostSelection } from '@synthetic-studio/shared';
import { parseResolveRate } from './frame-rate.js';
import type { ResolveApi } from './resolve-api.js';
import { findTargetItem, type SelectionOptions } from './selection.js';
import { readSourceRange } from './source-range.js';
import { currentTimeline, labelToFrames } from './timeline.js';

export type SelectionResult = { selection: HostSelection } | { selection: null; reason: string };

function prop(props: Record<string, unknown>, key: string): string {
  const v = props[key];
  return v === undefined || v === null ? '' : String(v).trim();
}

/** Resolution strings look like "1920x1080" (sometimes with spaces). */
function parseResolution(text: string): { width: number; height: number } | null {
  const m = /^(\d+)\s*[x×]\s*(\d+)$/i.exec(text);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/** The current selection as plain data for the panel (HostSelection), or a reason. */
export async function readSelection(resolve: ResolveApi, options: SelectionOptions = {}): Promise<SelectionResult> {
  const ctx = await currentTimeline(resolve);
  if ('reason' in ctx) return { selection: null, reason: ctx.reason };
  const found = await findTargetItem(ctx, options);
  if ('reason' in found) return { selection: null, reason: found.reason };
  const { item } = found;

  const mpi = await item.GetMediaPoolItem();
  if (!mpi) return { selection: null, reason: 'This clip has no media (a generator, title or adjustment clip): pick a clip with a source file.' };
  // The whole property dict in one call; values drift between number and string (pitfall 9).
  const rawProps = await mpi.GetClipProperty();
  const props = (rawProps && typeof rawProps === 'object' ? rawProps : {}) as Record<string, unknown>;
  const mediaPath = prop(props, 'File Path');
  if (!mediaPath) return { selection: null, reason: 'This clip has no single source file (compound, multicam or timeline clip): pick a plain media clip.' };
  // 'FPS' may carry a " DF" suffix like the timeline setting; 'Drop frame' is '0'/'1'.
  const sourceRate = parseResolveRate(prop(props, 'FPS'), prop(props, 'Drop frame'));
  if (!sourceRate) return { selection: null, reason: `Cannot read the clip's frame rate (FPS = ${JSON.stringify(props['FPS'])}).` };
  const sourceFps = sourceRate.fps;
  const sourceDf = sourceRate.dropFrame;

  let startTc = prop(props, 'Start TC');
  let startTcFrames = 0;
  if (startTc) {
    try {
      startTcFrames = labelToFrames(startTc, sourceFps, sourceDf);
      // HostSelection convention: ";" before frames for drop frame.
      startTc = startTc.replace(/[:;.,](\d{2,3})$/, `${sourceDf ? ';' : ':'}$1`);
    } catch {
      startTc = '';
    }
  }

  const range = await readSourceRange(item, { timelineFps: ctx.fps, sourceFps, sourceStartTcFrames: startTcFrames });
  if ('reason' in range) return { selection: null, reason: range.reason };
  const frames = Number(prop(props, 'Frames'));
  if (Number.isFinite(frames) && frames > 0 && range.sourceOut > frames) {
    return { selection: null, reason: `The clip's range ends past its media (${range.sourceOut} > ${frames} frames).` };
  }

  let size = parseResolution(prop(props, 'Resolution'));
  if (!size) {
    const w = Number(await ctx.timeline.GetSetting('timelineResolutionWidth'));
    const h = Number(await ctx.timeline.GetSetting('timelineResolutionHeight'));
    if (w > 0 && h > 0) size = { width: w, height: h };
  }
  if (!size) return { selection: null, reason: 'Cannot read the clip resolution.' };

  const selection: HostSelection = {
    mediaPath,
    sourceIn: range.sourceIn,
    sourceOut: range.sourceOut,
    sourceFps,
    frameWidth: size.width,
    frameHeight: size.height,
    placement: { track: found.track, trackBase: 1, start: found.start, sequenceFps: ctx.fps },
    clipName: String((await item.GetName()) ?? ''),
  };
  if (startTc) selection.sourceTimecode = startTc;
  return { selection };
}
