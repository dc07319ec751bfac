import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Task } from '../definition/task.js';
import { RunAbortedError } from '../errors/errors.js';
import { serializeError } from '../errors/serialize-error.js';
import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import { NEVER_ABORTED } from '../executors/never-aborted.js';
import type { ArgumentPath, Executor, TaskSpec } from '../executors/types.js';
import type { TaskGraph } from '../graph/graph.js';
import type { IncrementalHooks } from '../incremental/hooks.js';
import { type LogFiles, processTaskLogger, TaskLog } from '../logging/logging.js';
import type { Redaction } from '../logging/redaction.js';
import { ProcessExecutionReport } from '../report/report.js';
import { TaskStatus } from '../report/status.js';
import type { TaskReportEntry } from '../report/types.js';
import { argumentsOf } from './arguments.js';
import { now } from './clock.js';
import type { RunEvent } from './events.js';
import { ReadyQueue } from './ready-queue.js';
import { type AttemptProgress, buildEntry, errorData } from './report-entry.js';
import { runTaskAttempts } from './task-runner.js';
import { argumentOriginsOf } from './task-spec.js';

/** Everything one run needs, fixed when it starts. */
export interface RunPlan {
  readonly runId: string;
  readonly processName: string;
  readonly graph: TaskGraph<Task>;
  /** How many tasks may run at once (1 = sequential, in topological order). */
  readonly concurrency: number;
  /** What each task (by topological index) runs, as executors see it. */
  readonly specs: readonly TaskSpec[];
  /** The executor that runs each task (by topological index): the first that accepted it. */
  readonly executors: readonly Executor[];
  readonly logs: LogFiles;
  readonly processLogger: Logger | null;
  readonly signal: AbortSignal | undefined;
  readonly onEvent: ((event: RunEvent) => void) | undefined;
  /** Names redacted in traced variables, and in args and kwargs wherever they are written out. */
  readonly redaction: Redaction;
  /** Resume, cache and checkpoints (incremental/): absent for a run that needs none of them. */
  readonly incremental?: IncrementalHooks | undefined;
}

const NOTHING_MOVABLE: readonly ArgumentPath[] = [];

/**
 * Runs a validated graph: a task starts as soon as all of its own
 * dependencies have succeeded (a ready queue, not layers), at most
 * `concurrency` at once. A failed task skips exactly its transitive
 * dependants; everything else keeps running. Resolves with the report, or
 * rejects with {@link RunAbortedError} when the plan's signal aborts.
 */
export function executeRun(plan: RunPlan): Promise<ProcessExecutionReport> {
  return new RunExecution(plan).start();
}

class RunExecution {
  readonly #plan: RunPlan;
  readonly #order: readonly Task[];
  readonly #entries: (TaskReportEntry | undefined)[];
  readonly #results: unknown[];
  readonly #remainingDependencies: Int32Array;
  readonly #ready = new ReadyQueue();
  /** The tasks handed to an executor and not settled yet, with how far each got. */
  readonly #running = new Map<number, AttemptProgress>();
  /** Aborted by the plan's signal; handed to executors so running attempts stop. */
  readonly #abort = new AbortController();
  readonly #startedAt = new Date();
  #settledCount = 0;
  #done = false;
  #resolve!: (report: ProcessExecutionReport) => void;
  #reject!: (error: unknown) => void;

  constructor(plan: RunPlan) {
    this.#plan = plan;
    this.#order = plan.graph.order;
    this.#entries = new Array(this.#order.length);
    this.#results = new Array(this.#order.length);
    this.#remainingDependencies = Int32Array.from(plan.graph.dependencies, (deps) => deps.length);
    // Every running attempt listens to this signal, so more than 10 at once is expected, not a leak.
    setMaxListeners(0, this.#abort.signal);
  }

  start(): Promise<ProcessExecutionReport> {
    const promise = new Promise<ProcessExecutionReport>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const { signal } = this.#plan;
    if (signal?.aborted) {
      this.#onAbort();
      return promise;
    }
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#emit({
      type: 'run:started',
      runId: this.#plan.runId,
      at: Date.now(),
      processName: this.#plan.processName,
      taskNames: this.#order.map((task) => task.name),
    });
    this.#remainingDependencies.forEach((count, i) => {
      if (count === 0) this.#ready.push(i);
    });
    if (this.#order.length === 0) this.#finish();
    else this.#pump();
    return promise;
  }

  #pump(): void {
    while (!this.#done && this.#running.size < this.#plan.concurrency && this.#ready.size > 0) {
      const index = this.#ready.pop();
      const progress: AttemptProgress = { queuedAt: now(), attempt: 0, firstStart: undefined };
      this.#running.set(index, progress);
      this.#dispatch(index, progress).then(
        (entry) => this.#settle(index, entry),
        // runTaskAttempts does not reject; this is the last line of defence against a run that never settles.
        (thrown: unknown) => this.#settle(index, this.#internalFailure(index, thrown)),
      );
    }
  }

  /** Runs the task, unless the incremental hooks reuse its result (then it is reported as succeeded at once). */
  #dispatch(index: number, progress: AttemptProgress): Promise<TaskReportEntry> {
    const args = this.#argumentsFor(index);
    const intercepted = this.#plan.incremental?.intercept(index, args, () => this.#runTask(index, progress, args));
    if (!intercepted) return this.#runTask(index, progress, args);
    return intercepted.then((entry) => {
      if (entry.reused && !this.#done) {
        const taskName = entry.name;
        this.#emit({
          type: 'task:succeeded',
          runId: this.#plan.runId,
          at: Date.now(),
          taskName,
          attempts: 0,
          elapsedMs: 0,
          reused: entry.reused,
        });
      }
      return entry;
    });
  }

  #runTask(index: number, progress: AttemptProgress, args: unknown[]): Promise<TaskReportEntry> {
    const task = this.#order[index] as Task;
    const plan = this.#plan;
    const logFile = plan.logs.fileFor(task, plan.processName, plan.redaction);
    const processLogger = plan.processLogger && processTaskLogger(plan.processLogger, task.name, plan.redaction);
    return runTaskAttempts({
      task,
      spec: plan.specs[index] as TaskSpec,
      args,
      argumentOrigins: argumentOriginsOf(task),
      executor: plan.executors[index] as Executor,
      runId: plan.runId,
      processName: plan.processName,
      // A run without a signal is never cancelled; executors may skip their cancellation work for it.
      runSignal: plan.signal === undefined ? NEVER_ABORTED : this.#abort.signal,
      taskLog: TaskLog.for(logFile?.logger ?? null, processLogger),
      logFile,
      movableArgs: this.#movableInputs(index),
      redaction: plan.redaction,
      // Once the run has settled (aborted), an abandoned task's late progress is no longer part of it.
      emit: plan.onEvent
        ? (event) => {
            if (!this.#done) this.#emit(event);
          }
        : undefined,
      downstreamImpact: () => this.#downstreamNames(index),
      progress,
    });
  }

  /** See {@link argumentsOf}. */
  #argumentsFor(index: number): unknown[] {
    const task = this.#order[index] as Task;
    // Nothing injected: the task's own (frozen) args are the arguments.
    if (task.dependencies.length === 0 && !task.passesKwargs) return task.args as unknown[];
    const positions = this.#plan.graph.dependencies[index] ?? [];
    return argumentsOf(
      task,
      positions.map((p) => this.#results[p]),
    );
  }

  /**
   * Where in a task's arguments are the injected results it may consume
   * (an executor crossing threads moves their buffers rather than copying
   * them): results of a `transferResult` task that injects them into this
   * task only. Moving detaches them on the main thread (the upstream entry's
   * `result` with them), so a result two tasks consume is copied, and so is
   * any input of a task that may retry (a retry needs its inputs intact).
   * Mirrors {@link argumentsOf}.
   */
  #movableInputs(index: number): readonly ArgumentPath[] {
    const task = this.#order[index] as Task;
    if (task.retries > 0 || task.dependencies.length === 0) return NOTHING_MOVABLE;
    const { graph } = this.#plan;
    const positions = graph.dependencies[index] ?? [];
    const movable: ArgumentPath[] = [];
    const kwargsAt = task.passesKwargs
      ? task.args.length + task.dependencies.filter((d) => d.useResultAsAdditionalArgs).length
      : -1;
    let argAt = task.args.length;
    task.dependencies.forEach((dependency, i) => {
      const upstream = positions[i] as number;
      const consumable =
        (this.#order[upstream] as Task).transferResult &&
        // A result reused from a report is that report's value too: moving it would empty the report.
        this.#entries[upstream]?.reused?.source !== 'resume' &&
        (graph.dependants[upstream] ?? []).filter((d) =>
          (this.#order[d] as Task).dependencies.some(
            (dep) => dep.taskName === this.#order[upstream]?.name && injects(dep),
          ),
        ).length === 1;
      if (dependency.useResultAsAdditionalArgs) {
        if (consumable) movable.push({ arg: argAt });
        argAt++;
      }
      // A later dependency injected under the same name wins the key, so only the last one's value is there.
      const key = dependency.additionalKwargName;
      const lastUnderKey = !task.dependencies
        .slice(i + 1)
        .some((d) => d.useResultAsAdditionalKwargs && d.additionalKwargName === key);
      if (consumable && dependency.useResultAsAdditionalKwargs && lastUnderKey)
        movable.push({ arg: kwargsAt, kwarg: key });
    });
    return movable;
  }

  #settle(index: number, entry: TaskReportEntry): void {
    if (this.#done) return; // the run was aborted; this late result is not part of it
    this.#running.delete(index);
    this.#record(index, entry);
    if (entry.status === TaskStatus.SUCCESS) {
      this.#results[index] = entry.result;
      for (const dependant of this.#plan.graph.dependants[index] ?? []) {
        const remaining = (this.#remainingDependencies[dependant] ?? 0) - 1;
        this.#remainingDependencies[dependant] = remaining;
        if (remaining === 0 && this.#entries[dependant] === undefined) this.#ready.push(dependant);
      }
    } else {
      this.#skipDownstreamOf(index);
    }
    if (this.#settledCount === this.#order.length) this.#finish();
    else this.#pump();
  }

  /**
   * No transitive dependant of a task that did not succeed can have started,
   * so every one without an entry yet is skipped; one already skipped by an
   * earlier failure keeps that cause.
   */
  #skipDownstreamOf(index: number): void {
    const because = (this.#order[index] as Task).name;
    for (const dependant of this.#plan.graph.transitiveDependants(index)) {
      if (this.#entries[dependant] !== undefined) continue;
      const task = this.#order[dependant] as Task;
      this.#record(dependant, buildEntry(task, { status: TaskStatus.SKIPPED, because }));
      this.#emit({ type: 'task:skipped', runId: this.#plan.runId, at: Date.now(), taskName: task.name, because });
    }
  }

  #record(index: number, entry: TaskReportEntry): void {
    const incremental = this.#plan.incremental;
    this.#entries[index] = Object.freeze(incremental ? incremental.annotate(index, entry) : entry);
    this.#settledCount++;
    incremental?.settled(() => this.#report(true));
  }

  #downstreamNames(index: number): string[] {
    return this.#plan.graph.transitiveDependants(index).map((i) => (this.#order[i] as Task).name);
  }

  #internalFailure(index: number, thrown: unknown): TaskReportEntry {
    const task = this.#order[index] as Task;
    return buildEntry(task, {
      status: TaskStatus.ERRORED,
      error: errorData(task, serializeError(thrown), this.#downstreamNames(index)),
    });
  }

  #report(snapshot = false): ProcessExecutionReport {
    return new ProcessExecutionReport({
      processName: this.#plan.processName,
      runId: this.#plan.runId,
      // A checkpoint is written while the run goes on: what has not finished yet is pending. At the end,
      // only an aborted run has tasks without an entry: the abort stopped them before they started.
      entries: this.#order.map(
        (task, i) =>
          this.#entries[i] ?? buildEntry(task, { status: snapshot ? TaskStatus.PENDING : TaskStatus.CANCELLED }),
      ),
      startedAt: this.#startedAt,
      finishedAt: new Date(),
      redaction: this.#plan.redaction,
    });
  }

  #finish(): void {
    this.#done = true;
    this.#plan.signal?.removeEventListener('abort', this.#onAbort);
    const report = this.#report();
    this.#emit({ type: 'run:finished', runId: this.#plan.runId, at: Date.now(), report });
    this.#resolve(report);
  }

  readonly #onAbort = (): void => {
    if (this.#done) return;
    this.#done = true;
    const reason: unknown = this.#plan.signal?.reason;
    this.#abort.abort(reason);
    const aborted = serializeError(new RunAbortedAttemptError(reason));
    const at = now();
    for (const [index, progress] of this.#running) {
      const task = this.#order[index] as Task;
      this.#entries[index] = buildEntry(task, {
        status: TaskStatus.CANCELLED,
        error: errorData(task, aborted, this.#downstreamNames(index)),
        progress,
        at,
      });
    }
    const report = this.#report();
    // Listeners hear the end of an aborted run too; its report has the running tasks and the rest cancelled.
    this.#emit({ type: 'run:finished', runId: this.#plan.runId, at: Date.now(), report });
    this.#reject(new RunAbortedError(report, reason));
  };

  #emit(event: RunEvent): void {
    const listener = this.#plan.onEvent;
    if (!listener) return;
    try {
      listener(event);
    } catch (thrown) {
      emitProcessesWarning(
        WarningCode.EVENT_LISTENER_FAILED,
        `A run event listener threw on "${event.type}": ${thrown instanceof Error ? thrown.message : String(thrown)}`,
      );
    }
  }
}

/** The error recorded for a task that was running when its run was aborted. */
class RunAbortedAttemptError extends Error {
  constructor(reason: unknown) {
    super(
      `The run was aborted while this task was running (${reason instanceof Error ? reason.message : String(reason)}).`,
    );
    this.name = 'AbortError';
  }
}

function injects(dependency: { useResultAsAdditionalArgs: boolean; useResultAsAdditionalKwargs: boolean }): boolean {
  return dependency.useResultAsAdditionalArgs || dependency.useResultAsAdditionalKwargs;
}
