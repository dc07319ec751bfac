import type { Task, TaskFunction } from '../definition/task.js';
import { isWorkerTask } from '../definition/worker-task.js';
import type { TaskSpec } from '../executors/types.js';

/** What executors are told a task runs: its module and export, or its function. */
export function taskSpecOf(task: Task): TaskSpec {
  const { fn } = task;
  return isWorkerTask(fn)
    ? { kind: 'worker', name: task.name, moduleUrl: fn.moduleUrl, exportName: fn.exportName }
    : { kind: 'main-thread', name: task.name, fn: fn as TaskFunction };
}
