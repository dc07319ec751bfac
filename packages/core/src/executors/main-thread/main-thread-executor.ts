import type { Logger } from 'pino';
import { TaskTimeoutError } from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import { Redaction } from '../../logging/redaction.js';
import { sinkLogger } from '../../logging/sink-logger.js';
import { now } from '../../run/clock.js';
import { runInTaskContext } from '../../run/context.js';
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
    const controller = new AbortController();
    const abortFromRun = () => controller.abort(runSignal.reason);
    if (runSignal.aborted) abortFromRun();
    else runSignal.addEventListener('abort', abortFromRun, { once: true });

    const context = {
      taskName: task.name,
      attempt,
      signal: controller.signal,
      log: this.#loggerFor(request),
      runId: request.runId,
      ...(request.upstream ? { upstream: request.upstream } : {}),
    };
    const startedAt = now();
    const capture = request.tracedVars.capture;

    return new Promise<AttemptOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        if (capture) mainThreadRecorder().end(context);
        clearTimeout(timer);
        runSignal.removeEventListener('abort', abortFromRun);
        resolve(outcome);
      };
      const timedOut = () => {
        const finishedAt = now();
        const error = new TaskTimeoutError(task.name, timeoutMs ?? 0, attempt, 'cooperative');
        controller.abort(error);
        settle({ ok: false, error: serializeError(error), startedAt, finishedAt, workerId: WORKER_ID });
      };
      if (timeoutMs !== null) timer = setTimeout(timedOut, timeoutMs);

      const recorder = capture ? mainThreadRecorder() : undefined;
      recorder?.watch(context, {
        frameFilter: request.tracedVars.frameFilter,
        redaction: request.redact ? new Redaction(request.redact) : Redaction.DEFAULT,
      });
      let work: Promise<unknown>;
      try {
        if (task.kind !== 'main-thread')
          throw new TypeError(`The main-thread executor cannot run a ${task.kind} task.`);
        const { fn } = task;
        work = Promise.resolve(runInTaskContext(context, () => fn(...request.args)));
      } catch (thrown) {
        work = Promise.reject(thrown);
      }
      work.then(
        (value) => {
          const finishedAt = now();
          // A synchronous body kept the timer from firing; its deadline still holds.
          if (timeoutMs !== null && finishedAt - startedAt > timeoutMs) timedOut();
          else settle({ ok: true, value, startedAt, finishedAt, workerId: WORKER_ID });
        },
        (thrown: unknown) => {
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
        },
      );
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
