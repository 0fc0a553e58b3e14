export { PremiereHost } from './premiere-host.js';
export { type Ppro, RESULTS_BIN } from './api.js';
export { readSelection, parseVideoInfo, type SelectionResult } from './selection.js';
export { findOrCreateBin, importIntoBin, normalisePath } from './import.js';
export { placeAbove, type PlaceRequest, type PlaceResult } from './placement.js';
export { subscribeSelectionChanged } from './events.js';
export { activeTimeline } from './project.js';
export * from './ticks.js';
