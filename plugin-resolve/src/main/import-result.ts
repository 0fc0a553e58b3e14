import type { ImportOptions, ImportReport, JobOutput } from '@synthetic-studio/shared';
import { convertFrames } from './frame-rate.js';
import { importIntoBin, importItemFor } from './media-pool.js';
import { placeAbove } from './placement.js';
import type { ImportItem, ResolveApi } from './resolve-api.js';
import { currentTimeline } from './timeline.js';
import { readVersion } from './version.js';

/**
 * Import a job's outputs into the Media Pool bin and, when asked, place the first picture output
 * on the track above the source clip, aligned to it.
 */
export async function importResult(resolve: ResolveApi, outputs: JobOutput[], options: ImportOptions): Promise<ImportReport> {
  const warnings: string[] = [];
  const pm = await resolve.GetProjectManager();
  const project = pm ? await pm.GetCurrentProject() : null;
  if (!project) return { imported: [], warnings: ['No project is open in Resolve.'] };
  const mp = await project.GetMediaPool();

  const media: Array<{ output: JobOutput; item: ImportItem }> = [];
  for (const output of outputs) {
    const item = importItemFor(output);
    if (item) media.push({ output, item });
  }
  if (media.length === 0) return { imported: [], warnings: ['The job produced nothing Resolve can import.'] };

  const { items } = await importIntoBin(mp, options.bin, media.map((m) => m.item));
  const imported: string[] = [];
  items.forEach((it, i) => {
    if (it) imported.push(media[i]!.output.path);
    else warnings.push(`Resolve did not import ${media[i]!.output.path}.`);
  });

  const report: ImportReport = { imported, warnings };
  if (!options.placeAbove) return report;
  const sel = options.selection;
  const placement = sel?.placement;
  if (!sel || !placement || placement.trackBase !== 1 || typeof placement.start !== 'number') {
    warnings.push('No source clip position to place the result against; it is in the Media Pool.');
    return report;
  }
  const index = items.findIndex((it) => it !== null);
  const first = media[index];
  const item = items[index];
  if (!first || !item) return report;

  const ctx = await currentTimeline(resolve);
  if ('reason' in ctx) {
    warnings.push(`${ctx.reason} The result is in the Media Pool.`);
    return report;
  }
  const tlFps = placement.sequenceFps ?? ctx.fps;
  // Extend jobs start past the source in point: shift by the difference, in timeline frames.
  const offset = convertFrames((first.output.firstFrame ?? sel.sourceIn) - sel.sourceIn, sel.sourceFps, tlFps);
  const result = await placeAbove(resolve, mp, ctx.timeline, await readVersion(resolve), {
    item,
    frames: first.output.frames,
    mediaFps: first.output.fps,
    timelineFps: ctx.fps,
    sourceTrack: placement.track,
    recordFrame: placement.start + offset,
  });
  if ('warning' in result) warnings.push(result.warning);
  else report.placed = { track: result.placed.track, start: result.placed.start };
  return report;
}
