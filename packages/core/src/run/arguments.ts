import type { Task } from '../definition/task.js';
import { setOwn } from '../logging/json-safe.js';

/**
 * A task's final call arguments: own args, then each args-injected result
 * in dependency-list order; then, when the task takes one, the options
 * object: own kwargs overlaid with kwarg-injected results (later
 * dependencies win). `results[i]` is the result of `task.dependencies[i]`.
 */
export function argumentsOf(task: Task, results: readonly unknown[]): unknown[] {
  const args = [...task.args];
  const kwargs: Record<string, unknown> | undefined = task.passesKwargs ? { ...task.kwargs } : undefined;
  task.dependencies.forEach((dependency, i) => {
    const result = results[i];
    if (dependency.useResultAsAdditionalArgs) args.push(result);
    if (kwargs && dependency.useResultAsAdditionalKwargs) setOwn(kwargs, dependency.additionalKwargName, result);
  });
  if (kwargs) args.push(kwargs);
  return args;
}
