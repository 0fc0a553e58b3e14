export { JobService, newJobId, errorPayload, type JobEvent, type JobServiceOptions } from './job-service.js';
export { JobStore } from './store.js';
export { ProgressThrottle, EtaEstimator } from './progress.js';
export { encodePreview, PREVIEW_MAX_SIDE } from './preview.js';
export { acquireDataDirLock, type DataDirLock } from './lock.js';
