export type { TaskDefinition, TaskContext, TaskResult, ProgressUpdate, TaskEnvironment, TaskLogger } from './tasks/task.js';
