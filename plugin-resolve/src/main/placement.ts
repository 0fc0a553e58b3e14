import type { Rational } from '@synthetic-studio/shared';
import { sameRate } from './frame-rate.js';
import type { MediaPoolApi, MediaPoolItemApi, ResolveApi, TimelineApi, TimelineItemApi } from './resolve-api.js';
import { supportsPositionedAppend, type ResolveVersion } from './version.js';

export interface PlaceRequest {
  item: MediaPoolItemApi;
  /** Frames of the imported media to place, from its first frame. */
  frames: number;
  mediaFps: Rational;
  timelineFps: Rational;
  /** 1-based track of the source clip; the result goes on the first free track above it. */
  sourceTrack: number;
  /** Absolute record frame (timeline start offset included). */
  recordFrame: number;
}

export type PlaceResult = { placed: { track: number; start: number; duration: number } } | { warning: string };

async function rangeIsFree(timeline: TimelineApi, track: number, start: number, end: number): Promise<boolean> {
  for (const it of (await timeline.GetItemListInTrack('video', track)) ?? []) {
    const s = Number(await it.GetStart());
    const e = Number(await it.GetEnd());
    if (s < end && start < e) return false;
  }
  return true;
}

async function sameMedia(a: MediaPoolItemApi | null, b: MediaPoolItemApi): Promise<boolean> {
  return !!a && (await a.GetUniqueId()) === (await b.GetUniqueId());
}

/** Read the track back: the returned items of AppendToTimeline are no proof of placement. */
async function readBack(timeline: TimelineApi, track: number, start: number, media: MediaPoolItemApi): Promise<TimelineItemApi | null> {
  for (const it of (await timeline.GetItemListInTrack('video', track)) ?? []) {
    if (Number(await it.GetStart()) === start && (await sameMedia(await it.GetMediaPoolItem(), media))) return it;
  }
  return null;
}

/**
 * Place imported media on the first free video track above the source, at the source's record
 * frame, and verify by reading the track back (hosts.md 2.4). Overlapping appends lose silently,
 * so an occupied track is skipped and a new top track added when none is free. `endFrame` is
 * exclusive on current builds but its meaning changed across versions: a read-back one frame
 * long is deleted and re-appended once with the inclusive bound.
 */
export async function placeAbove(resolve: ResolveApi, mp: MediaPoolApi, timeline: TimelineApi, version: ResolveVersion, req: PlaceRequest): Promise<PlaceResult> {
  if (!supportsPositionedAppend(version)) {
    return { warning: `Resolve ${version.major}.${version.minor} cannot place a clip at a given track and frame (needs 18.5 or later); the result is in the Media Pool.` };
  }
  const frames = Math.round(req.frames);
  const record = Math.round(req.recordFrame); // fractional values make Resolve reject the batch
  if (frames <= 0) return { warning: 'The result has no frames to place.' };
  const sameRates = sameRate(req.mediaFps, req.timelineFps);
  const expected = sameRates ? frames : Math.floor((frames * req.timelineFps.num * req.mediaFps.den) / (req.timelineFps.den * req.mediaFps.num));

  let count = Number(await timeline.GetTrackCount('video'));
  let track = 0;
  for (let t = req.sourceTrack + 1; t <= count; t++) {
    if (await rangeIsFree(timeline, t, record, record + expected)) {
      track = t;
      break;
    }
  }
  if (!track) {
    if (!(await timeline.AddTrack('video'))) return { warning: 'Resolve did not add a video track for the result; it is in the Media Pool.' };
    const after = Number(await timeline.GetTrackCount('video'));
    if (after !== count + 1) return { warning: 'Resolve did not add a video track for the result; it is in the Media Pool.' };
    count = after;
    track = after;
  }

  const append = async (endFrame: number) =>
    mp.AppendToTimeline([{ mediaPoolItem: req.item, startFrame: 0, endFrame, mediaType: 1, trackIndex: track, recordFrame: record }]);

  await append(frames);
  let placed = await readBack(timeline, track, record, req.item);
  if (!placed) return { warning: `Resolve did not place the result on V${track} at frame ${record}; it is in the Media Pool.` };
  let duration = Number(await placed.GetDuration());
  if (sameRates && duration === frames + 1) {
    // This build read endFrame as inclusive: take the item out and append it once more.
    const page = await resolve.GetCurrentPage();
    if (page === 'fairlight') await resolve.OpenPage('edit'); // DeleteClips fails on Fairlight
    if (!(await timeline.DeleteClips([placed]))) return { warning: `The result on V${track} is one frame too long; trim it by hand.` };
    await append(frames - 1);
    placed = await readBack(timeline, track, record, req.item);
    if (!placed) return { warning: `Resolve did not re-place the result on V${track}; it is in the Media Pool.` };
    duration = Number(await placed.GetDuration());
  }
  if (Math.abs(duration - expected) > (sameRates ? 0 : 1)) {
    return { warning: `The placed result on V${track} is ${duration} frames long instead of ${expected}; check it on the timeline.` };
  }
  return { placed: { track, start: record, duration } };
}
