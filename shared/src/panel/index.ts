// The panel: one UI for every host. State and actions (createPanel) stay apart from the DOM views
// (mountPanel), so the same logic runs in UXP, Electron and the browser and is tested without a DOM.
export { createPanel, RESULT_BIN, type Panel, type PanelOptions, type PanelState, type TrackPreview, type MaskActions } from './panel.js';
export { mountPanel, PANEL_CSS, type MountOptions, type MountedPanel } from './views/mount-panel.js';
export { BridgeClient, BridgeRequestError, type ConnectionInfo, type ConnectionStatus, type WebSocketLike, type WebSocketConstructor, type Timers } from './bridge-client.js';
export { BridgeHttp, type FetchLike } from './bridge-http.js';
export { createStore, type Store } from './store.js';
export { createMemoryStorage, TOKEN_KEY, type PanelStorage } from './storage.js';
export { describeError, describeAny, START_COMMAND, type PlainError } from './error-text.js';
export { defaultSettings, availableTabs, canAutoMatte, modelsFor, buildJobRequest, randomSeed, taskUsesMask, TASK_TABS, type JobSettings } from './job-settings.js';
export { LIGHT_PRESETS, defaultRig, applyPreset, editRig, rigToSpec, rigToPickerPoint, pickerPointToDirection, type LightRig, type LightPreset } from './light-rig.js';
export * as maskModel from './mask-model.js';
export type { MaskState, MaskTool, Point } from './mask-model.js';
export { formatEta, applyProgress, isFinal, type QueueJob } from './queue-job.js';
