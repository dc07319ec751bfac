import type { Logger } from 'pino';
import { TaskTimeoutError } from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import { Redaction } from '../../logging/redaction.js';
import { sinkLogger } from '../../logging/sink-logger.js';
import { now } from '../../run/clock.js';
import { runInTaskContext } from '../../run/context.js';
import { NEVER_ABORTED } from '../never-aborted.js';
import { TracedVarsRecorder } from '../traced-vars.js';
import type { AttemptOutcome, AttemptRequest, ExecuteOptions, Executor, LogSink, TaskSpec } from '../types.js';

const WORKER_ID = 'main';

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
    const { task, attempt, timeoutMs } = request;
    const cancellable = runSignal !== NEVER_ABORTED;
    // The task's signal and logger are made when the task first reads them:
    // most tasks never do, and an AbortController with a listener on the
    // run's signal, or a logger, costs more than the rest of a small attempt.
    let controller: AbortController | undefined;
    let abortedWith: { reason: unknown } | undefined;
    const abort = (reason: unknown) => {
      abortedWith ??= { reason };
      controller?.abort(reason);
    };
    let listening = false;
    const abortFromRun = () => abort(runSignal.reason);
    let log: Logger | undefined;
    const loggerFor = () => this.#loggerFor(request);
    const context = {
      taskName: task.name,
      attempt,
      get signal(): AbortSignal {
        if (!controller) {
          controller = new AbortController();
          if (abortedWith) controller.abort(abortedWith.reason);
          else if (cancellable && !settled) {
            if (runSignal.aborted) abortFromRun();
            else {
              runSignal.addEventListener('abort', abortFromRun, { once: true });
              listening = true;
            }
          }
        }
        return controller.signal;
      },
      get log(): Logger {
        log ??= loggerFor();
        return log;
      },
      runId: request.runId,
    };
    const startedAt = now();
    const capture = request.tracedVars.capture;
    let settled = false;

    return new Promise<AttemptOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        if (capture) mainThreadRecorder().end(context);
        if (timer !== undefined) clearTimeout(timer);
        if (listening) runSignal.removeEventListener('abort', abortFromRun);
        resolve(outcome);
      };
      const timedOut = () => {
        const finishedAt = now();
        const error = new TaskTimeoutError(task.name, timeoutMs ?? 0, attempt, 'cooperative');
        abort(error);
        settle({ ok: false, error: serializeError(error), startedAt, finishedAt, workerId: WORKER_ID });
      };
      if (timeoutMs !== null) timer = setTimeout(timedOut, timeoutMs);
      // A run aborted before the task starts: its signal is aborted from the start.
      if (cancellable && runSignal.aborted) abortFromRun();

      const recorder = capture ? mainThreadRecorder() : undefined;
      recorder?.watch(context, {
        frameFilter: request.tracedVars.frameFilter,
        redaction: request.redact ? new Redaction(request.redact) : Redaction.DEFAULT,
      });
      let work: unknown;
      let threw = false;
      try {
        if (task.kind !== 'main-thread')
          throw new TypeError(`The main-thread executor cannot run a ${task.kind} task.`);
        const { fn } = task;
        work = runInTaskContext(context, () => fn(...request.args));
      } catch (thrown) {
        work = thrown;
        threw = true;
      }
      const onValue = (value: unknown) => {
        const finishedAt = now();
        // A synchronous body kept the timer from firing; its deadline still holds.
        if (timeoutMs !== null && finishedAt - startedAt > timeoutMs) timedOut();
        else settle({ ok: true, value, startedAt, finishedAt, workerId: WORKER_ID });
      };
      const onThrown = (thrown: unknown) => {
        // Stamped before the error is described: reading a stack the first time can take milliseconds.
        const finishedAt = now();
        const tracedVars = recorder?.snapshotFor(context, thrown);
        settle({
          ok: false,
          error: serializeError(thrown),
          startedAt,
          finishedAt,
          workerId: WORKER_ID,
          ...(tracedVars ? { tracedVars } : {}),
        });
      };
      // Settled a microtask later either way, as the promise chain always did.
      if (threw) void Promise.resolve().then(() => onThrown(work));
      else Promise.resolve(work).then(onValue, onThrown);
    });
  }

  #loggerFor(request: AttemptRequest): Logger {
    const { log } = request;
    if (!log) return sinkLogger(null, request.logLevel);
    let logger = this.#loggers.get(log);
    if (!logger) {
      logger = sinkLogger(log, request.logLevel);
      this.#loggers.set(log, logger);
    }
    return logger;
  }
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
