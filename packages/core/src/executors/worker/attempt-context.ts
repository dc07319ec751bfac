/**
 * The task context of an attempt on a worker thread (what `taskContext()`
 * returns in it). A class rather than a literal with a getter and a side
 * table: short attempts make tens of thousands of contexts a second, and a
 * literal with an accessor plus a WeakMap entry each (weak tables cost every
 * garbage collection) was the largest single cost of a no-op attempt. What
 * the engine keeps about the attempt lives in private fields, which neither
 * the task nor `console.log` sees.
 */
import type { Logger } from 'pino';
import type { TaskContext } from '../../run/context.js';
import type { UpstreamState } from '../../run/upstream-state.js';
import type { CaptureSlots, CaptureState } from '../traced-vars.js';
import type { WorkerRequest } from './protocol.js';
import { loggerFor } from './worker-loggers.js';

export class WorkerTaskContext implements TaskContext {
  readonly taskName: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly runId: string;
  declare readonly upstream?: Readonly<Record<string, UpstreamState>>;
  readonly #request: WorkerRequest;
  #log: Logger | undefined;
  #capture: CaptureState | undefined;

  constructor(request: WorkerRequest, signal: AbortSignal) {
    this.taskName = request.taskName;
    this.attempt = request.attempt;
    this.signal = signal;
    this.runId = request.runId;
    // Only when there is one, as the documented optional field.
    if (request.upstream) (this as { upstream?: unknown }).upstream = request.upstream;
    this.#request = request;
  }

  /** Made on first use: most tasks never log, and a logger costs more than the rest of the context. */
  get log(): Logger {
    this.#log ??= loggerFor(this.#request);
    return this.#log;
  }

  /** The request of the attempt `context` was made for; undefined for a context a task made itself. */
  static requestOf(context: TaskContext): WorkerRequest | undefined {
    return context instanceof WorkerTaskContext ? context.#request : undefined;
  }

  /** The traced-variables recorder's state, kept on the context itself instead of in a table. */
  static readonly captureSlots: CaptureSlots = {
    get: (context) => (context instanceof WorkerTaskContext ? context.#capture : undefined),
    set: (context, state) => {
      if (context instanceof WorkerTaskContext) context.#capture = state;
    },
    delete: (context) => {
      if (context instanceof WorkerTaskContext) context.#capture = undefined;
    },
  };
}
