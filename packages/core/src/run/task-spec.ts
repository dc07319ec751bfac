import type { Task, TaskFunction } from '../definition/task.js';
import { isWorkerTask } from '../definition/worker-task.js';
import type { ArgumentOrigin, TaskSpec } from '../executors/types.js';

/** What executors are told a task runs: its module and export, or its function. */
export function taskSpecOf(task: Task): TaskSpec {
  const { fn } = task;
  return isWorkerTask(fn)
    ? { kind: 'worker', name: task.name, moduleUrl: fn.moduleUrl, exportName: fn.exportName }
    : { kind: 'main-thread', name: task.name, fn: fn as TaskFunction };
}

const origins = new WeakMap<Task, readonly ArgumentOrigin[]>();

/** Where each argument of the task's calls comes from (tasks are immutable, so this is computed once). */
export function argumentOriginsOf(task: Task): readonly ArgumentOrigin[] {
  let found = origins.get(task);
  if (!found) {
    const list: ArgumentOrigin[] = task.args.map((_, index) => ({ kind: 'arg', index }));
    const results: Record<string, string> = {};
    for (const dependency of task.dependencies) {
      if (dependency.useResultAsAdditionalArgs) list.push({ kind: 'result', task: dependency.taskName });
      if (dependency.useResultAsAdditionalKwargs) {
        Object.defineProperty(results, dependency.additionalKwargName, {
          value: dependency.taskName,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
    }
    if (task.passesKwargs) list.push({ kind: 'kwargs', results: Object.freeze(results) });
    found = Object.freeze(list);
    origins.set(task, found);
  }
  return found;
}
