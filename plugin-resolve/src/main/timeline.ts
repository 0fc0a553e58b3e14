import { parseTimecode, timecodePartsToFrame, timecodeRate, type Rational } from '@synthetic-studio/shared';
import { parseResolveRate } from './frame-rate.js';
import type { ProjectApi, ResolveApi, TimelineApi } from './resolve-api.js';

export interface TimelineContext {
  project: ProjectApi;
  timeline: TimelineApi;
  name: string;
  fps: Rational;
  dropFrame: boolean;
  /** Absolute frame number of the timeline's first frame (e.g. 86400 at 01:00:00:00 / 24p). */
  startFrame: number;
  startTimecode: string;
}

/** Current project and timeline with its rate as a rational, or a reason the panel can show. */
export async function currentTimeline(resolve: ResolveApi): Promise<TimelineContext | { reason: string }> {
  const pm = await resolve.GetProjectManager();
  const project = pm ? await pm.GetCurrentProject() : null;
  if (!project) return { reason: 'No project is open in Resolve.' };
  const timeline = await project.GetCurrentTimeline();
  if (!timeline) return { reason: 'No timeline is open: open a timeline on the Edit page.' };
  const rateText = await timeline.GetSetting('timelineFrameRate');
  // Unknown keys return a trivial value, so reading this secondary DF flag is harmless.
  const dfSetting = await timeline.GetSetting('timelineDropFrameTimecode');
  const rate = parseResolveRate(rateText, dfSetting);
  if (!rate) return { reason: `Cannot read the timeline frame rate (got ${JSON.stringify(rateText)}).` };
  return {
    project,
    timeline,
    name: String(await timeline.GetName()),
    fps: rate.fps,
    dropFrame: rate.dropFrame,
    startFrame: Number(await timeline.GetStartFrame()),
    startTimecode: String(await timeline.GetStartTimecode()),
  };
}

/**
 * The playhead as an absolute frame number, or null off the pages where Resolve reports it
 * (Cut/Edit/Color/Fairlight/Deliver). Counted relative to the start timecode so it does not
 * depend on how Resolve numbers drop-frame timelines.
 */
export async function playheadFrame(ctx: TimelineContext): Promise<number | null> {
  const tc = await ctx.timeline.GetCurrentTimecode();
  if (typeof tc !== 'string' || !tc) return null;
  try {
    const offset = labelToFrames(tc, ctx.fps, ctx.dropFrame) - labelToFrames(ctx.startTimecode, ctx.fps, ctx.dropFrame);
    return ctx.startFrame + offset;
  } catch {
    return null;
  }
}

/**
 * A timecode label to frames since midnight at the timeline's rate. The separator Resolve writes
 * (";" or ":") is not trusted to say whether it is drop frame; the timeline setting decides.
 */
export function labelToFrames(tc: string, fps: Rational, dropFrame: boolean): number {
  return timecodePartsToFrame({ ...parseTimecode(tc), dropFrame }, timecodeRate(fps, dropFrame));
}
