import type { TaskFunction } from '../../definition/task.js';
import { TaskTimeoutError } from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import { now } from '../../run/clock.js';
import { runInTaskContext } from '../../run/context.js';
import { TracedVarsRecorder } from '../traced-vars.js';
import type { AttemptOutcome, AttemptRequest, Executor } from '../types.js';

/**
 * Runs plain functions on the main event loop. Timeouts are cooperative: at
 * the deadline the attempt fails, the task's signal is aborted, and whatever
 * the function returns later is ignored. A synchronous function blocks the
 * loop, so its deadline is checked when it returns; CPU-heavy work belongs in
 * a worker task.
 */
export class MainThreadExecutor implements Executor {
  execute(request: AttemptRequest): Promise<AttemptOutcome> {
    const { task, attempt, runSignal } = request;
    const controller = new AbortController();
    const abortFromRun = () => controller.abort(runSignal.reason);
    if (runSignal.aborted) abortFromRun();
    else runSignal.addEventListener('abort', abortFromRun, { once: true });

    const context = { taskName: task.name, attempt, signal: controller.signal, log: request.log, runId: request.runId };
    const startedAt = now();
    const timeoutMs = task.timeoutMs;

    return new Promise<AttemptOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        if (task.captureTracedVars) mainThreadRecorder().end(context);
        clearTimeout(timer);
        runSignal.removeEventListener('abort', abortFromRun);
        resolve(outcome);
      };
      const timedOut = () => {
        const error = new TaskTimeoutError(task.name, timeoutMs ?? 0, attempt, 'cooperative');
        controller.abort(error);
        settle({ ok: false, error: serializeError(error), startedAt, finishedAt: now(), threadId: 0 });
      };
      if (timeoutMs !== null) timer = setTimeout(timedOut, timeoutMs);

      const recorder = task.captureTracedVars ? mainThreadRecorder() : undefined;
      recorder?.watch(context, { frameFilter: task.tracedVarsFrameFilter, redaction: request.redaction });
      let work: Promise<unknown>;
      try {
        // The scheduler sends only plain functions here; worker tasks go to a WorkerPool.
        work = Promise.resolve(runInTaskContext(context, () => (task.fn as TaskFunction)(...request.args)));
      } catch (thrown) {
        work = Promise.reject(thrown);
      }
      work.then(
        (value) => {
          const finishedAt = now();
          // A synchronous body kept the timer from firing; its deadline still holds.
          if (timeoutMs !== null && finishedAt - startedAt > timeoutMs) timedOut();
          else settle({ ok: true, value, startedAt, finishedAt, threadId: 0 });
        },
        (thrown: unknown) => {
          const tracedVars = recorder?.snapshotFor(context, thrown);
          settle({
            ok: false,
            error: serializeError(thrown),
            startedAt,
            finishedAt: now(),
            threadId: 0,
            ...(tracedVars ? { tracedVars } : {}),
          });
        },
      );
    });
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
