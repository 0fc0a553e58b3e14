import type { HostAdapter, HostCapabilities, HostSelection, ImportOptions, ImportReport, JobOutput } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import type { Ppro, Project, Sequence } from './api.js';
import { RESULTS_BIN } from './api.js';
import { subscribeSelectionChanged } from './events.js';
import { findOrCreateBin, importIntoBin } from './import.js';
import { placeAbove } from './placement.js';
import { activeTimeline } from './project.js';
import { readSelection } from './selection.js';
import { framesToTicks } from './ticks.js';

/**
 * HostAdapter for Premiere Pro (UXP). Everything host-specific goes through `ppro`, the
 * `premierepro` module (the real one in the plugin, the test double in tests).
 */
export class PremiereHost implements HostAdapter {
  readonly capabilities: HostCapabilities = {
    host: 'premiere',
    canImport: true,
    canPlace: true,
    // Revealing a file needs uxp.shell and the launchProcess permission; the plugin asks for neither.
    canReveal: false,
    selectionEvents: true,
  };

  /** Which sequence each handed-out selection came from, so a result lands there even if the editor switched sequences meanwhile. */
  private readonly origins = new Map<string, string>();

  constructor(private readonly ppro: Ppro) {}

  async getSelection(): Promise<{ selection: HostSelection } | { selection: null; reason: string }> {
    const active = await activeTimeline(this.ppro);
    if (!active.sequence) return { selection: null, reason: active.reason };
    const result = await readSelection(this.ppro, active.sequence);
    if (result.selection) this.remember(result.selection, active.sequence.guid.toString());
    return result;
  }

  private remember(sel: HostSelection, sequenceGuid: string): void {
    const key = selectionKey(sel);
    this.origins.delete(key);
    this.origins.set(key, sequenceGuid);
    if (this.origins.size > 100) this.origins.delete(this.origins.keys().next().value!);
  }

  /** The sequence to place into: the one the selection was read from, else the active one. */
  private async placementSequence(project: Project, sel: HostSelection): Promise<{ sequence: Sequence } | { warning: string }> {
    const guid = this.origins.get(selectionKey(sel));
    if (guid) {
      const sequence = project.getSequence(this.ppro.Guid.fromString(guid));
      return sequence ? { sequence } : { warning: 'The sequence the clip was selected in is no longer in the project, so the result was only added to the bin.' };
    }
    const active = await project.getActiveSequence();
    return active ? { sequence: active } : { warning: 'No sequence is active, so the result was only added to the bin.' };
  }

  async importResult(outputs: JobOutput[], options: ImportOptions): Promise<ImportReport> {
    const warnings: string[] = [];
    const movies = outputs.filter((o) => o.kind === 'movie');
    for (const o of outputs) {
      if (o.kind === 'sequence') warnings.push(`${o.path} is an image sequence folder; import its first frame as a numbered still sequence by hand.`);
    }
    if (movies.length === 0) return { imported: [], warnings: warnings.length ? warnings : ['The job produced no movie to import.'] };

    const project = await this.ppro.Project.getActiveProject();
    if (!project) throw new StudioError('E_HOST_REFUSED', `No project is open in Premiere Pro; the result is in ${movies.map((m) => m.path).join(', ')}.`);
    const bin = await findOrCreateBin(this.ppro, project, options.bin || RESULTS_BIN);
    const clips = await importIntoBin(this.ppro, project, bin, movies.map((m) => m.path));
    const report: ImportReport = { imported: movies.map((m) => m.path), warnings };

    if (!options.placeAbove) return report;
    const sel = options.selection;
    if (!sel?.placement || sel.placement.trackBase !== 0 || typeof sel.placement.start !== 'string') {
      warnings.push('No timeline position is known for this result, so it was only added to the bin.');
      return report;
    }
    const target = await this.placementSequence(project, sel);
    if ('warning' in target) {
      warnings.push(target.warning);
      return report;
    }
    const movie = movies[0]!;
    // An output that starts later in the source than the selection (extend) starts later on the timeline too.
    const offsetFrames = (movie.firstFrame ?? sel.sourceIn) - sel.sourceIn;
    const startTicks = BigInt(sel.placement.start) + framesToTicks(offsetFrames, sel.sourceFps);
    const placed = await placeAbove(this.ppro, project, target.sequence, {
      clip: clips.get(movie.path)!,
      startTicks: startTicks.toString(),
      durationTicks: framesToTicks(movie.frames, movie.fps),
      sourceTrack: sel.placement.track,
    });
    if (placed.placed) report.placed = placed.placed;
    if (placed.warning) warnings.push(placed.warning);
    if (movies.length > 1) warnings.push(`Only the first of ${movies.length} results was placed on the timeline; the others are in the bin.`);
    return report;
  }

  onSelectionChanged(listener: () => void): () => void {
    return subscribeSelectionChanged(this.ppro, listener);
  }
}

function selectionKey(sel: HostSelection): string {
  return `${sel.mediaPath}\n${sel.placement?.track}\n${sel.placement?.start}`;
}
