import { setOwn } from '../logging/json-safe.js';

/** How one dependency's result goes into the call: as an argument, under a kwarg, or not at all. */
export interface ResultInjection {
  readonly useResultAsAdditionalArgs: boolean;
  readonly useResultAsAdditionalKwargs: boolean;
  readonly additionalKwargName: string;
}

/**
 * What a task's call arguments are made from. A `Task` is one; so is the
 * plain copy a fused chain link carries to a worker thread
 * ({@link argumentsRecipeOf}), which builds the link's arguments there with
 * the same {@link argumentsOf}.
 */
export interface ArgumentsRecipe {
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly passesKwargs: boolean;
  readonly dependencies: readonly ResultInjection[];
}

/**
 * A task's final call arguments: own args, then each args-injected result
 * in dependency-list order; then, when the task takes one, the options
 * object: own kwargs overlaid with kwarg-injected results (later
 * dependencies win). The result of `task.dependencies[i]` is
 * `results[at[i]]`, or `results[i]` without `at` (the scheduler passes every
 * task's results and the dependency positions, so nothing is copied per task).
 */
export function argumentsOf(task: ArgumentsRecipe, results: readonly unknown[], at?: readonly number[]): unknown[] {
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

const recipes = new WeakMap<ArgumentsRecipe, ArgumentsRecipe>();
/**
 * Shared parts of recipes, by what they say: a structured clone writes an
 * object it has already written in the same message as a reference, so a
 * message carrying many recipes carries each shared part once.
 */
const shared = new Map<string, readonly ResultInjection[]>();
const NO_KWARGS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The recipe as plain data that survives structured clone (a task's
 * dependencies are class instances), once per task; how its results are
 * injected, and no kwargs, are objects shared with every task that does the same.
 */
export function argumentsRecipeOf(task: ArgumentsRecipe): ArgumentsRecipe {
  let recipe = recipes.get(task);
  if (!recipe) {
    const names = task.dependencies.map((d) => (d.useResultAsAdditionalKwargs ? d.additionalKwargName : ''));
    const key = task.dependencies
      .map(
        (d, i) => `${d.useResultAsAdditionalArgs ? 'a' : '-'}${d.useResultAsAdditionalKwargs ? 'k' : '-'}${names[i]}`,
      )
      .join('\u0000');
    let dependencies = shared.get(key);
    if (!dependencies) {
      dependencies = Object.freeze(
        task.dependencies.map((d, i) =>
          Object.freeze({
            useResultAsAdditionalArgs: d.useResultAsAdditionalArgs,
            useResultAsAdditionalKwargs: d.useResultAsAdditionalKwargs,
            additionalKwargName: names[i] as string,
          }),
        ),
      );
      // A bound, not a cache policy: the shapes of dependency lists are few in any real graph.
      if (shared.size > 10_000) shared.clear();
      shared.set(key, dependencies);
    }
    recipe = {
      args: task.args,
      kwargs: task.passesKwargs ? task.kwargs : NO_KWARGS,
      passesKwargs: task.passesKwargs,
      dependencies,
    };
    recipes.set(task, recipe);
  }
  return recipe;
}
