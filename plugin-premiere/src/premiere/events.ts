import type { Ppro } from './api.js';

/**
 * Call `listener` when the timeline selection may have changed: selection changes in any
 * sequence, another sequence becoming active, or another project being opened/activated (the
 * panel can open before a project exists). Returns the unsubscribe function.
 */
export function subscribeSelectionChanged(ppro: Ppro, listener: () => void): () => void {
  const { SequenceEvent, ProjectEvent } = ppro.Constants;
  const events = [SequenceEvent.SELECTION_CHANGED, SequenceEvent.ACTIVATED, ProjectEvent.ACTIVATED, ProjectEvent.OPENED, ProjectEvent.CLOSED];
  const handler = () => listener();
  for (const e of events) ppro.EventManager.addGlobalEventListener(e, handler);
  return () => {
    for (const e of events) ppro.EventManager.removeGlobalEventListener(e, handler);
  };
}
