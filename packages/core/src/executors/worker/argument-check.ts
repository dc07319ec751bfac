import { WorkerArgumentError } from '../../errors/errors.js';
import type { ArgumentOrigin } from '../types.js';

/**
 * When piscina could not clone an attempt's arguments into the thread: the
 * first argument (or options key) that cannot be cloned, named by where it
 * came from, or undefined when each can be cloned on its own (then the
 * failure was something else).
 */
export function uncloneableArgument(
  taskName: string,
  args: readonly unknown[],
  origins: readonly ArgumentOrigin[],
): WorkerArgumentError | undefined {
  for (const [index, value] of args.entries()) {
    const failure = cloneFailure(value);
    if (failure === undefined) continue;
    const origin = origins[index];
    if (origin?.kind === 'kwargs' && typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        const inner = cloneFailure((value as Record<string, unknown>)[key]);
        if (inner !== undefined) {
          const dependency = Object.hasOwn(origin.results, key) ? origin.results[key] : undefined;
          return new WorkerArgumentError(taskName, `options.${key}`, dependency, inner);
        }
      }
    }
    const dependency = origin?.kind === 'result' ? origin.task : undefined;
    return new WorkerArgumentError(taskName, `args[${index}]`, dependency, failure);
  }
  return undefined;
}

function cloneFailure(value: unknown): unknown {
  try {
    structuredClone(value);
    return undefined;
  } catch (error) {
    return error;
  }
}
