import type { Task } from '../../definition/task.js';
import type { ArgumentOrigin } from '../../executors/types.js';
import { hashParts, hashValue } from '../canonical-hash.js';

/** Bumped when what goes into a key changes, so old entries become misses rather than wrong hits. */
const KEY_FORMAT = 'processes-cache-key/1';

/**
 * A cached task's key: its name, its code, every argument of this call
 * (own args, the results it receives, the options object), what its
 * `cacheKey` returns and the values of its `cacheEnv` variables. The name is
 * in the key because a main-thread function's source does not show the
 * values its closure captured. Throws `UnhashableInputError` naming the
 * argument (`args[1]`, `result of "load"`, `kwargs.rows[2]`) that cannot be
 * hashed; a `cacheKey` that throws throws.
 */
export function cacheKeyOf(
  task: Task,
  code: string,
  args: readonly unknown[],
  origins: readonly ArgumentOrigin[],
  env: NodeJS.ProcessEnv,
  resultHash: ResultHasher = hashValue,
): string {
  const parts = [KEY_FORMAT, task.name, code];
  args.forEach((arg, i) => {
    parts.push(hashArgument(task, arg, origins[i], resultHash));
  });
  if (task.cacheKey)
    parts.push('cacheKey', hashValue(task.cacheKey({ taskName: task.name, args }), task.name, 'cacheKey'));
  for (const name of task.cacheEnv) parts.push('env', name, hashValue(env[name], task.name, `cacheEnv.${name}`));
  return hashParts(...parts);
}

/**
 * The hash of a received result: the same as `hashValue`, but a run may
 * know it already (from the cache record, or from hashing it for another
 * dependant), so a large result is hashed at most once per run.
 */
export type ResultHasher = (value: unknown, taskName: string, field: string, fromTask: string) => string;

function hashArgument(task: Task, arg: unknown, origin: ArgumentOrigin | undefined, resultHash: ResultHasher): string {
  if (origin?.kind === 'result') return resultHash(arg, task.name, `result of "${origin.task}"`, origin.task);
  if (origin?.kind === 'kwargs' && typeof arg === 'object' && arg !== null) {
    // Field names say where a kwarg came from: the task's own kwargs, or an injected result.
    const entries = Object.keys(arg)
      .sort()
      .map((key) => {
        const from = Object.hasOwn(origin.results, key)
          ? `result of "${origin.results[key]}" (kwargs.${key})`
          : `kwargs.${key}`;
        return hashParts(key, hashValue((arg as Record<string, unknown>)[key], task.name, from));
      });
    return hashParts('kwargs', ...entries);
  }
  return hashValue(arg, task.name, origin?.kind === 'arg' ? `args[${origin.index}]` : 'args');
}
