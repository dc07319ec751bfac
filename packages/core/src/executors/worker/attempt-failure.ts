import {
  PoolClosedError,
  TaskTimeoutError,
  WorkerCrashError,
  WorkerExitError,
  WorkerOutOfMemoryError,
} from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import { now } from '../../run/clock.js';
import { uncloneableArgument } from './argument-check.js';
import type { AttemptState } from './attempt-state.js';
import { LOADED, type WorkerResponse } from './protocol.js';

/**
 * The response for an attempt the worker never answered: stopped by the
 * pool (timeout, abort, destroy, an uncloneable result), or its thread
 * failed (an input that could not be cloned in, out of memory, an exit, a
 * crash). Stamped first, then described.
 */
export function attemptFailure(state: AttemptState, error: unknown, graceMs: number, limits: string): WorkerResponse {
  const at = now();
  const { task } = state;
  const { attempt, timeoutMs } = state.request;
  // piscina could not post the request: an input, not the result, is what could not cross.
  const inputError =
    (error as { name?: unknown })?.name === 'DataCloneError' && state.endedBy === undefined
      ? uncloneableArgument(task.name, state.request.args, state.request.argumentOrigins)
      : undefined;
  let cause: unknown;
  if (state.endedBy === 'timeout') {
    const loading = state.progress && Atomics.load(state.progress, LOADED) === 0 ? task.moduleUrl : undefined;
    cause = new TaskTimeoutError(task.name, timeoutMs ?? 0, attempt, 'terminated', graceMs, loading);
  } else if (state.endedBy === 'run-aborted') {
    cause = Object.assign(new Error(`The run was aborted; task "${task.name}" was stopped.`), { name: 'AbortError' });
  } else if (state.endedBy === 'pool-destroyed') {
    cause = new PoolClosedError(task.name);
  } else if (state.endedBy === 'uncloneable') {
    cause = new WorkerCrashError(task.name, { name: 'DataCloneError', message: state.uncloneable });
  } else if (inputError) {
    cause = inputError;
  } else if (state.outOfMemory || (error as { code?: unknown })?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    cause = new WorkerOutOfMemoryError(task.name, limits, error);
  } else if (state.calledExit || /worker exited with code/i.test(String((error as Error)?.message))) {
    const code = state.exitCode ?? Number(/code:? (\d+)/.exec(String((error as Error)?.message))?.[1]);
    cause = new WorkerExitError(task.name, Number.isNaN(code) ? undefined : code, state.calledExit);
  } else {
    cause = new WorkerCrashError(task.name, error);
  }
  return {
    ok: false,
    error: serializeError(cause),
    startedAt: state.executionStartedAt ?? at,
    finishedAt: at,
    threadId: state.threadId,
  };
}
