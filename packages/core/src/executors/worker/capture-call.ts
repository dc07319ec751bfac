// How a task is called when a failure should record its traced variables
// (see ../traced-vars.ts): so that its escaping exception looks uncaught.
import { failWhenUnhandled } from './stray-errors.js';

/**
 * Calls a capturing task so that an exception escaping it looks uncaught to
 * V8's catch prediction, which then pauses at the throw for the recorder.
 * The call runs in a reaction of a settled promise whose derived promise has
 * no handler at all (a synchronous throw rejects it, unhandled), and a
 * returned promise gets a fulfilment handler only; it is not returned from
 * the reaction, since adopting it would count as handling it. A rejection of
 * either reaches the unhandledRejection handler, which fails the attempt.
 */
export function callSoThatEscapesLookUncaught(
  call: () => unknown,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): void {
  const started = SETTLED.then(() => {
    const result = call();
    if (!isThenable(result)) return resolve(result);
    failWhenUnhandled(Promise.resolve(result).then(resolve), reject);
  });
  failWhenUnhandled(started, reject);
}

const SETTLED: Promise<void> = Promise.resolve();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
