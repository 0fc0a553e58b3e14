import type { TaskName } from '@synthetic-studio/shared';
import type { TaskDefinition } from './task.js';
import { copyTask } from './copy.js';
import { relightTask } from './relight.js';
import { inpaintTask } from './inpaint.js';
import { extendTask } from './extend.js';

/** A task definition for any task name (the union keeps each task's request type precise). */
export type AnyTaskDefinition = { [T in TaskName]: TaskDefinition<T> }[TaskName];
export type TaskRegistry = ReadonlyMap<TaskName, AnyTaskDefinition>;

// Every task this bridge can run: each task module adds its import and one entry below.

/** The tasks shipped with the bridge, in the order panels list them. */
export const BUILTIN_TASKS: readonly AnyTaskDefinition[] = [
  copyTask,
  inpaintTask,
  extendTask,
  relightTask,
];

export function createTaskRegistry(tasks: readonly AnyTaskDefinition[] = BUILTIN_TASKS): TaskRegistry {
  const map = new Map<TaskName, AnyTaskDefinition>();
  for (const t of tasks) map.set(t.name, t);
  return map;
}

/** The registry the server and the CLI use unless a caller passes its own. */
export const taskRegistry: TaskRegistry = createTaskRegistry();
