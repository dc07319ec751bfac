import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import { NoTaskContextError } from '../errors/errors.js';
import type { UpstreamState } from './upstream-state.js';

/** What a running task can know about itself. */
export interface TaskContext {
  /** The task's (lower-case) name. */
  readonly taskName: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /**
   * Aborted when the attempt times out or the run is cancelled. Pass it to
   * fetch, streams and timers so the work actually stops.
   */
  readonly signal: AbortSignal;
  /** A pino logger whose lines go to the task's log file. */
  readonly log: Logger;
  /** Identifies the run the task belongs to. */
  readonly runId: string;
  /**
   * How each dependency ended, by name. A dependency that did not succeed
   * (possible under `runIf` rules such as `allDone`) injects `undefined`;
   * this says why. Filled by the built-in executors; a custom executor
   * passes on its request's `upstream`.
   */
  readonly upstream?: Readonly<Record<string, UpstreamState>>;
}

// One store per thread, shared through globalThis so that two copies of this
// module (say, two installed versions) still see the same context.
const STORE_KEY = Symbol.for('processes.taskContext');
const globals = globalThis as { [STORE_KEY]?: AsyncLocalStorage<TaskContext> };
globals[STORE_KEY] ??= new AsyncLocalStorage<TaskContext>();
const storage: AsyncLocalStorage<TaskContext> = globals[STORE_KEY];

/**
 * The context of the task currently running, on the main thread or in a
 * worker. Throws {@link NoTaskContextError} when called outside a task.
 */
export function taskContext(): TaskContext {
  const context = storage.getStore();
  if (!context) throw new NoTaskContextError();
  return context;
}

/**
 * Runs `fn` with `context` as what {@link taskContext} returns inside it
 * (and in everything it starts: awaits, timers, callbacks). For executors
 * that call task code themselves, say in a child process or on another
 * machine; the built-in executors already do this.
 */
export function runInTaskContext<T>(context: TaskContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** @internal The current task context, or undefined outside a task. */
export function currentTaskContext(): TaskContext | undefined {
  return storage.getStore();
}
