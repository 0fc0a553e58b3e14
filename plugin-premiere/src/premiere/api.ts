import type { premierepro } from '@adobe/premierepro';

/**
 * The `premierepro` module as the adapter sees it: the official declarations from
 * `@adobe/premierepro`. The real module comes from `require('premierepro')` in the plugin entry;
 * tests pass the test double, which is typed against the same declarations.
 */
export type Ppro = premierepro;

export type {
  ClipProjectItem,
  FolderItem,
  Project,
  ProjectItem,
  Sequence,
  TickTime,
  VideoClipTrackItem,
  VideoTrack,
} from '@adobe/premierepro';

/** Name of the bin results go into. */
export const RESULTS_BIN = 'Synthetic Studio';

/** Undo labels, so the editor sees what each step did in Edit → Undo. */
export const UNDO_CREATE_BIN = 'Synthetic Studio: create bin';
export const UNDO_PLACE = 'Synthetic Studio: place result';
