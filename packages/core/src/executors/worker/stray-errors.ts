/**
 * Routing of exceptions nobody caught in a worker thread to the attempt
 * they belong to. Installed once, when the worker entry loads.
 */
import { threadId } from 'node:worker_threads';
import { serializeError } from '../../errors/serialize-error.js';
import { currentTaskContext } from '../../run/context.js';
import { WorkerTaskContext } from './attempt-context.js';
import { sendHeldResults } from './batch-results.js';
import { inFlight, lastStarted, post } from './thread-state.js';

/**
 * Attempts called so that their escaping exception looks uncaught to V8 (see
 * capture-call.ts): the promise left without a rejection handler, and how to
 * fail its attempt when it rejects.
 */
const FAIL = Symbol('fail when unhandled');

/**
 * When `promise` rejects unhandled, `fail` gets the reason (instead of the
 * stray-error route). Kept on the promise itself rather than in a WeakMap:
 * every capturing attempt makes two such promises, and weak tables cost
 * every garbage collection.
 */
export function failWhenUnhandled(promise: Promise<unknown>, fail: (error: unknown) => void): void {
  (promise as Promise<unknown> & { [FAIL]?: (error: unknown) => void })[FAIL] = fail;
}

/**
 * An exception nobody caught (a timer or event handler the task set up
 * threw, or a promise it dropped rejected). AsyncLocalStorage still knows
 * which task's callback it was: if that attempt is running it fails with
 * this error; if it already ended, the main thread gets a warning. Anything
 * that is not a task's (piscina's own failures, such as a result that cannot
 * be cloned) is rethrown so the thread fails and piscina reports it.
 */
function onStrayError(error: unknown): void {
  const context = currentTaskContext();
  const attemptId = context ? WorkerTaskContext.requestOf(context)?.attemptId : undefined;
  if (context && attemptId !== undefined) {
    const fail = inFlight.get(attemptId);
    if (fail) fail(error);
    else post({ kind: 'late-error', taskName: context.taskName, runId: context.runId, error: serializeError(error) });
    return;
  }
  const { attemptId: returned } = lastStarted;
  if (returned !== undefined && (error as { name?: unknown })?.name === 'DataCloneError') {
    // piscina could not post our response, so it will never answer for this
    // attempt. Tell the main thread, which ends the attempt and this thread.
    post({ kind: 'uncloneable', attemptId: returned, threadId, message: String((error as Error).message) });
    return;
  }
  // The thread is about to fail: the attempts of its batch that finished keep their outcomes.
  sendHeldResults();
  throw error;
}

/** Installs the handlers; the worker entry calls it once. */
export function routeStrayErrors(): void {
  process.on('uncaughtException', onStrayError);
  process.on('unhandledRejection', (reason: unknown, promise: Promise<unknown>) => {
    const fail = (promise as Promise<unknown> & { [FAIL]?: (error: unknown) => void })[FAIL];
    if (fail) fail(reason);
    else onStrayError(reason);
  });
}
