import type { Logger } from 'pino';
import { TaskTimeoutError } from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import { Redaction } from '../../logging/redaction.js';
import { sinkLogger } from '../../logging/sink-logger.js';
import { now } from '../../run/clock.js';
import { runInTaskContext, type TaskContext } from '../../run/context.js';
import type { UpstreamState } from '../../run/upstream-state.js';
import { NEVER_ABORTED } from '../never-aborted.js';
import { TracedVarsRecorder } from '../traced-vars.js';
import type { AttemptOutcome, AttemptRequest, ExecuteOptions, Executor, LogSink, TaskSpec } from '../types.js';

const WORKER_ID = 'main';
const SETTLED: Promise<void> = Promise.resolve();

/**
 * Runs plain functions on the main event loop. Timeouts are cooperative: at
 * the deadline the attempt fails, the task's signal is aborted, and whatever
 * the function returns later is ignored. A synchronous function blocks the
 * loop, so its deadline is checked when it returns; CPU-heavy work belongs in
 * a worker task. Its outcomes name `main` as their `workerId`.
 */
export class MainThreadExecutor implements Executor {
  readonly name = 'main-thread';
  /** One logger per sink: a task's attempts within a run share its sink. */
  readonly #loggers = new WeakMap<LogSink, Logger>();

  /** Accepts every task given as a function. */
  accepts(task: TaskSpec): boolean {
    return task.kind === 'main-thread';
  }

  execute(request: AttemptRequest, { signal: runSignal }: ExecuteOptions): Promise<AttemptOutcome> {
    return new Promise<AttemptOutcome>((resolve) => {
      new MainThreadAttempt(request, runSignal, resolve, this.#loggerFor).start();
    });
  }

  readonly #loggerFor = (request: AttemptRequest): Logger => {
    const { log } = request;
    if (!log) return sinkLogger(null, request.logLevel);
    let logger = this.#loggers.get(log);
    if (!logger) {
      logger = sinkLogger(log, request.logLevel);
      this.#loggers.set(log, logger);
    }
    return logger;
  };
}

/**
 * One attempt on the main thread; it is also the task's context object
 * (`taskContext()`), whose own fields are only the documented ones. Its
 * signal and logger are made when the task first reads them: most tasks
 * never do, and an AbortController listening to the run's signal, or a
 * logger, costs more than the rest of a small attempt. A class, not
 * closures: a parallel run holds thousands of these at once, and the
 * callbacks (run abort, timer, promise reactions) are made only for the
 * attempts that need them.
 */
class MainThreadAttempt implements TaskContext {
  readonly taskName: string;
  readonly attempt: number;
  readonly runId: string;
  readonly upstream?: Readonly<Record<string, UpstreamState>>;
  readonly #request: AttemptRequest;
  readonly #runSignal: AbortSignal;
  readonly #resolve: (outcome: AttemptOutcome) => void;
  readonly #makeLogger: (request: AttemptRequest) => Logger;
  readonly #startedAt = now();
  #controller: AbortController | undefined;
  #abortedWith: { readonly reason: unknown } | undefined;
  /** The listener on the run's signal, while there is one. */
  #abortFromRun: (() => void) | undefined;
  #log: Logger | undefined;
  #timer: NodeJS.Timeout | undefined;
  #settled = false;
  #recorder: TracedVarsRecorder | undefined;

  constructor(
    request: AttemptRequest,
    runSignal: AbortSignal,
    resolve: (outcome: AttemptOutcome) => void,
    makeLogger: (request: AttemptRequest) => Logger,
  ) {
    this.taskName = request.task.name;
    this.attempt = request.attempt;
    this.runId = request.runId;
    if (request.upstream) this.upstream = request.upstream;
    this.#request = request;
    this.#runSignal = runSignal;
    this.#resolve = resolve;
    this.#makeLogger = makeLogger;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      const controller = new AbortController();
      this.#controller = controller;
      const runSignal = this.#runSignal;
      if (this.#abortedWith) controller.abort(this.#abortedWith.reason);
      else if (runSignal !== NEVER_ABORTED && !this.#settled) {
        if (runSignal.aborted) this.#abort(runSignal.reason);
        else {
          this.#abortFromRun = () => this.#abort(runSignal.reason);
          runSignal.addEventListener('abort', this.#abortFromRun, { once: true });
        }
      }
    }
    return this.#controller.signal;
  }

  get log(): Logger {
    this.#log ??= this.#makeLogger(this.#request);
    return this.#log;
  }

  start(): void {
    const request = this.#request;
    const { task, timeoutMs } = request;
    if (timeoutMs !== null) this.#timer = setTimeout(() => this.#timedOut(), timeoutMs);
    // A run aborted before the task starts: its signal is aborted from the start.
    if (this.#runSignal !== NEVER_ABORTED && this.#runSignal.aborted) this.#abort(this.#runSignal.reason);
    if (request.tracedVars.capture) {
      this.#recorder = mainThreadRecorder();
      this.#recorder.watch(this, {
        frameFilter: request.tracedVars.frameFilter,
        redaction: request.redact ? new Redaction(request.redact) : Redaction.DEFAULT,
      });
    }
    let work: unknown;
    try {
      if (task.kind !== 'main-thread') throw new TypeError(`The main-thread executor cannot run a ${task.kind} task.`);
      const { fn } = task;
      work = runInTaskContext(this, () => fn(...request.args));
    } catch (thrown) {
      // Settled a microtask later, as a rejected promise would be.
      void SETTLED.then(() => this.#onThrown(thrown)); // not Promise.resolve(thrown): a thrown Proxy's `then` may throw
      return;
    }
    // A primitive (a synchronous body's usual value) settles the attempt now: there is nothing to wait for.
    if (isPrimitive(work)) {
      this.#onValue(work);
      return;
    }
    Promise.resolve(work).then(
      (value) => this.#onValue(value),
      (thrown: unknown) => this.#onThrown(thrown),
    );
  }

  #abort(reason: unknown): void {
    this.#abortedWith ??= { reason };
    this.#controller?.abort(reason);
  }

  #timedOut(): void {
    const finishedAt = now();
    const { task, timeoutMs, attempt } = this.#request;
    const error = new TaskTimeoutError(task.name, timeoutMs ?? 0, attempt, 'cooperative');
    this.#abort(error);
    this.#settle({
      ok: false,
      error: serializeError(error),
      startedAt: this.#startedAt,
      finishedAt,
      workerId: WORKER_ID,
    });
  }

  #onValue(value: unknown): void {
    const finishedAt = now();
    const { timeoutMs } = this.#request;
    // A synchronous body kept the timer from firing; its deadline still holds.
    if (timeoutMs !== null && finishedAt - this.#startedAt > timeoutMs) this.#timedOut();
    else this.#settle({ ok: true, value, startedAt: this.#startedAt, finishedAt, workerId: WORKER_ID });
  }

  #onThrown(thrown: unknown): void {
    // Stamped before the error is described: reading a stack the first time can take milliseconds.
    const finishedAt = now();
    const tracedVars = this.#recorder?.snapshotFor(this, thrown);
    this.#settle({
      ok: false,
      error: serializeError(thrown),
      startedAt: this.#startedAt,
      finishedAt,
      workerId: WORKER_ID,
      ...(tracedVars ? { tracedVars } : {}),
    });
  }

  #settle(outcome: AttemptOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#recorder?.end(this);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#abortFromRun) this.#runSignal.removeEventListener('abort', this.#abortFromRun);
    this.#resolve(outcome);
  }
}

/**
 * Whether `value` is a primitive (or null), which awaiting could not make
 * anything else. Objects and functions go through `Promise.resolve`, which
 * reads their `then` once, as it always did.
 */
function isPrimitive(value: unknown): boolean {
  return (typeof value !== 'object' && typeof value !== 'function') || value === null;
}

let recorder: TracedVarsRecorder | undefined;

/**
 * The main thread's traced-variables recorder. It pauses on every exception
 * while enabled (the main thread's rejection handling belongs to the
 * application, so the worker's uncaught-only trick is not available here);
 * a run enables it only when one of its main-thread tasks opted in.
 */
export function mainThreadRecorder(): TracedVarsRecorder {
  recorder ??= new TracedVarsRecorder('all');
  return recorder;
}
