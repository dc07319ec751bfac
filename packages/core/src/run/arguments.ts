import type { Task } from '../definition/task.js';
import { setOwn } from '../logging/json-safe.js';

/**
 * A task's final call arguments: own args, then each args-injected result
 * in dependency-list order; then, when the task takes one, the options
 * object: own kwargs overlaid with kwarg-injected results (later
 * dependencies win). The result of `task.dependencies[i]` is
 * `results[at[i]]`, or `results[i]` without `at` (the scheduler passes every
 * task's results and the dependency positions, so nothing is copied per task).
 */
export function argumentsOf(task: Task, results: readonly unknown[], at?: readonly number[]): unknown[] {
  const args = [...task.args];
  const kwargs: Record<string, unknown> | undefined = task.passesKwargs ? { ...task.kwargs } : undefined;
  task.dependencies.forEach((dependency, i) => {
    const result = results[at ? (at[i] as number) : i];
    if (dependency.useResultAsAdditionalArgs) args.push(result);
    if (kwargs && dependency.useResultAsAdditionalKwargs) setOwn(kwargs, dependency.additionalKwargName, result);
  });
  if (kwargs) args.push(kwargs);
  return args;
}
