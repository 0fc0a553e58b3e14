export type { TaskDefinition, TaskContext, TaskResult, ProgressUpdate, TaskEnvironment, TaskLogger } from './tasks/task.js';
export { startBridge, type Bridge, type StartBridgeOptions, type WebDeps } from './server/index.js';
export { JobService, type JobEvent, type JobServiceOptions } from './jobs/index.js';
export { loadConfig, resolveStudioDirs, type BridgeConfig } from './config/index.js';
export { taskRegistry, createTaskRegistry, type TaskRegistry, type AnyTaskDefinition } from './tasks/registry.js';
