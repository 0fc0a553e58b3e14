import type { Ppro, Project, Sequence } from './api.js';

export type ActiveTimeline = { project: Project; sequence: Sequence } | { project: null; sequence: null; reason: string };

/**
 * The active project and sequence. Either can be missing (panel opened on the start screen, no
 * sequence open); both are reported as a reason the panel shows rather than as an error.
 */
export async function activeTimeline(ppro: Ppro): Promise<ActiveTimeline> {
  const project = await ppro.Project.getActiveProject();
  if (!project) return { project: null, sequence: null, reason: 'No project is open in Premiere Pro. Open a project and a sequence.' };
  const sequence = await project.getActiveSequence();
  if (!sequence) return { project: null, sequence: null, reason: 'No sequence is active. Open a sequence in the Timeline.' };
  return { project, sequence };
}
