import type { TimelineItemApi } from './resolve-api.js';
import { playheadFrame, type TimelineContext } from './timeline.js';

export interface SelectionOptions {
  /** 1-based video track to read "the clip under the playhead" from, when Resolve has no selection API. */
  fallbackTrack?: number;
}

export interface FoundItem {
  item: TimelineItemApi;
  /** 1-based video track index. */
  track: number;
  start: number;
  /** How it was found: the timeline selection, the clip under the playhead, or Resolve's current video item. */
  via: 'selection' | 'playhead' | 'current-item';
}

async function videoTrackOf(item: TimelineItemApi): Promise<number | null> {
  const tt = await item.GetTrackTypeAndIndex();
  if (!Array.isArray(tt) || tt[0] !== 'video') return null;
  return Number(tt[1]);
}

/**
 * The timeline item the user means. `Timeline.GetSelectedClips()` exists only in recent builds,
 * so it is feature-detected; without it the clip under the playhead on a chosen track is used
 * (a rule the user can see), and last `GetCurrentVideoItem()`, whose rule is unverified.
 */
export async function findTargetItem(ctx: TimelineContext, options: SelectionOptions = {}): Promise<FoundItem | { reason: string }> {
  const tl = ctx.timeline;
  if (typeof tl.GetSelectedClips === 'function') {
    const selected = (await tl.GetSelectedClips()) ?? [];
    const video: FoundItem[] = [];
    for (const item of selected) {
      const track = await videoTrackOf(item);
      if (track !== null) video.push({ item, track, start: Number(await item.GetStart()), via: 'selection' });
    }
    // Several selected: the lowest track, then the earliest clip, so the choice is predictable.
    video.sort((a, b) => a.track - b.track || a.start - b.start);
    if (video[0]) return video[0];
    if (selected.length > 0) return { reason: 'Only audio clips are selected: select a video clip.' };
  }
  if (options.fallbackTrack !== undefined) {
    const count = Number(await tl.GetTrackCount('video'));
    if (options.fallbackTrack < 1 || options.fallbackTrack > count) return { reason: `Video track V${options.fallbackTrack} does not exist (the timeline has ${count}).` };
    const frame = await playheadFrame(ctx);
    if (frame === null) return { reason: 'Resolve reports the playhead only on the Cut, Edit, Color, Fairlight and Deliver pages: switch to the Edit page.' };
    for (const item of (await tl.GetItemListInTrack('video', options.fallbackTrack)) ?? []) {
      const start = Number(await item.GetStart());
      const end = Number(await item.GetEnd());
      if (start <= frame && frame < end) return { item, track: options.fallbackTrack, start, via: 'playhead' };
    }
    return { reason: `No clip under the playhead on V${options.fallbackTrack}: move the playhead over the clip.` };
  }
  const current = await tl.GetCurrentVideoItem();
  if (current) {
    const track = await videoTrackOf(current);
    if (track !== null) return { item: current, track, start: Number(await current.GetStart()), via: 'current-item' };
  }
  return { reason: 'Select a video clip on the timeline (or put the playhead over it and choose its track).' };
}
