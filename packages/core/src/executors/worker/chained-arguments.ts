/**
 * The arguments of a fused chain link, made on the worker thread (see
 * protocol.ts `ChainedArguments`) by the scheduler's own `argumentsOf`, so
 * a link is called exactly as it would be after a round trip through the
 * main thread.
 */
import { argumentsOf } from '../../run/arguments.js';
import type { ChainedArguments, WorkerResponse } from './protocol.js';

/**
 * The link's call arguments, or undefined when it must not run here: the
 * link before it did not succeed, or its result cannot be structured-cloned
 * (then that link fails when its result is sent back, and this one must not
 * have run on a value the main thread never saw).
 */
export function chainedArguments(
  chained: ChainedArguments,
  previous: WorkerResponse | undefined,
): unknown[] | undefined {
  if (!previous?.ok) return undefined;
  let value: unknown;
  try {
    // A copy, as the main thread would have sent: the link may change its input, the previous result must not change.
    value = structuredClone(previous.value);
  } catch {
    return undefined;
  }
  const results = [...chained.results];
  for (const at of chained.previousAt) results[at] = value;
  return argumentsOf(chained, results);
}
