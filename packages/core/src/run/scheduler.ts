import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Task } from '../definition/task.js';
import { MapSourceNotArrayError, RunAbortedError } from '../errors/errors.js';
import { serializeError } from '../errors/serialize-error.js';
import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import { NEVER_ABORTED } from '../executors/never-aborted.js';
import type { ArgumentPath, Executor, TaskSpec, UpstreamState } from '../executors/types.js';
import { WorkerPool } from '../executors/worker/worker-pool.js';
import type { TaskGraph } from '../graph/graph.js';
import type { IncrementalHooks } from '../incremental/hooks.js';
import { setOwn } from '../logging/json-safe.js';
import { type LogFiles, processTaskLogger, TaskLog } from '../logging/logging.js';
import type { Redaction } from '../logging/redaction.js';
import { ProcessExecutionReport } from '../report/report.js';
import { TaskStatus } from '../report/status.js';
import type { SkipCause, TaskReportEntry } from '../report/types.js';
import { argumentsOf, argumentsRecipeOf } from './arguments.js';
import { FusedHead, FusedLink, fusableHead, fusableTask } from './chain-fusion.js';
import { now } from './clock.js';
import { ConcurrencyPools } from './concurrency-pools.js';
import type { RunEvent } from './events.js';
import { MappedRun, mapSlotOf } from './mapped-task.js';
import { ReadyQueue } from './ready-queue.js';
import { type AttemptProgress, buildEntry, errorData } from './report-entry.js';
import { firstAttemptRequest, runTaskAttempts, type TaskRun } from './task-runner.js';
import { argumentOriginsOf } from './task-spec.js';
import { decideRule, type RuleDecision, refutedEarly } from './trigger-rules.js';

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
  /** The process's concurrency pools: slots by name. */
  readonly pools: Readonly<Record<string, number>>;
  /** Where each task (by topological index) stands in the start order of ready tasks (critical-path.ts). */
  readonly startPositions: Int32Array;
  /** Resume, cache and checkpoints (incremental/): absent for a run that needs none of them. */
  readonly incremental?: IncrementalHooks | undefined;
}

const NOTHING_MOVABLE: readonly ArgumentPath[] = [];
const NO_UPSTREAM: Readonly<Record<string, UpstreamState>> = Object.freeze({});

/**
 * Runs a validated graph: a task is decided as soon as its own dependencies
 * have ended (a ready queue, not layers): its trigger rule (`runIf`, by
 * default "all succeeded") says run or skip. At most `concurrency` attempt
 * chains run at once, and at most a pool's slots for the tasks in it; ready
 * tasks start in the plan's start order (priority, then critical path). A
 * mapped task becomes one attempt chain per item once the array it maps
 * over is known. Everything not skipped keeps running after a failure.
 * Resolves with the report, or rejects with {@link RunAbortedError} when the
 * plan's signal aborts.
 */
export function executeRun(plan: RunPlan): Promise<ProcessExecutionReport> {
  return new RunExecution(plan).start();
}

class RunExecution {
  readonly #plan: RunPlan;
  readonly #order: readonly Task[];
  readonly #entries: (TaskReportEntry | undefined)[];
  readonly #results: unknown[];
  /** Dependencies of each task that have not ended yet. */
  readonly #remainingDependencies: Int32Array;
  readonly #ready = new ReadyQueue();
  /** The task at each start position (the inverse of the plan's `startPositions`). */
  readonly #atPosition: Int32Array;
  /** Tasks with an attempt chain running (a mapped task while any of its items runs). */
  readonly #running = new Map<number, AttemptProgress>();
  /** Attempt chains running: tasks and mapped items, bounded by `concurrency`. */
  #runningChains = 0;
  readonly #pools: ConcurrencyPools;
  /** Tasks fused behind the attempt before them (chain-fusion.ts), by topological index, until they start. */
  readonly #fused: (FusedLink | undefined)[];
  /** Mapped tasks that have expanded, by topological index. */
  readonly #mapped = new Map<number, MappedRun>();
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
    this.#fused = new Array(this.#order.length);
    this.#remainingDependencies = Int32Array.from(plan.graph.dependencies, (deps) => deps.length);
    this.#atPosition = new Int32Array(this.#order.length);
    plan.startPositions.forEach((position, index) => {
      this.#atPosition[position] = index;
    });
    this.#pools = new ConcurrencyPools(plan.pools);
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
    const ended: number[] = [];
    this.#remainingDependencies.forEach((count, i) => {
      if (count === 0) this.#becomeDecided(i, ended);
    });
    if (ended.length > 0) this.#propagate(ended);
    if (this.#settledCount === this.#order.length) this.#finish();
    else this.#pump();
    return promise;
  }

  #queue(index: number): void {
    this.#ready.push(this.#plan.startPositions[index] as number);
  }

  #pump(): void {
    while (!this.#done && this.#runningChains < this.#plan.concurrency && this.#ready.size > 0) {
      const position = this.#ready.pop();
      const index = this.#atPosition[position] as number;
      const task = this.#order[index] as Task;
      if (task.pool !== null && !this.#pools.tryTake(task.pool, task.poolSlots)) {
        this.#pools.park(task.pool, position);
        continue;
      }
      this.#runningChains++;
      const mapped = this.#mapped.get(index);
      if (mapped) {
        // The mapped task's own progress, for its entry if the run is aborted under its items.
        if (!this.#running.has(index)) this.#running.set(index, newProgress());
        this.#startItem(index, mapped);
        continue;
      }
      this.#launch(index);
    }
  }

  /** Starts a task's attempt chain in a concurrency slot already taken for it. */
  #launch(index: number): void {
    const link = this.#fused[index];
    this.#fused[index] = undefined;
    // A fused task was handed to its executor with the chain it runs in.
    const progress = newProgress(link?.queuedAt);
    this.#running.set(index, progress);
    (link ? this.#runFused(index, progress, link) : this.#dispatch(index, progress)).then(
      (entry) => this.#chainEnded(index, entry),
      // runTaskAttempts does not reject; this is the last line of defence against a run that never settles.
      (thrown: unknown) => this.#chainEnded(index, this.#internalFailure(index, thrown)),
    );
  }

  /** Gives back what a finished attempt chain held: its concurrency slot and its pool slots. */
  #release(task: Task): void {
    this.#runningChains--;
    if (task.pool === null) return;
    for (const position of this.#pools.release(task.pool, task.poolSlots)) this.#ready.push(position);
  }

  #chainEnded(index: number, entry: TaskReportEntry): void {
    if (this.#done) return; // the run was aborted; this late result is not part of it
    const task = this.#order[index] as Task;
    this.#release(task);
    this.#running.delete(index);
    this.#settle(index, withGraphFields(task, entry));
  }

  #startItem(index: number, mapped: MappedRun): void {
    mapped.queued = false;
    const { unit, item, spec, args } = mapped.take();
    // More units may start beside this one: the mapped task goes back in line for the next.
    if (mapped.canStartMore) {
      mapped.queued = true;
      this.#queue(index);
    }
    const ended = (entry: TaskReportEntry) => {
      if (this.#done) return;
      const task = this.#order[index] as Task;
      this.#release(task);
      mapped.settle(unit, entry, item, () => this.#downstreamNames(index));
      if (mapped.done) {
        this.#running.delete(index);
        this.#mapped.delete(index);
        const whole = mapped.entry(() => this.#downstreamNames(index));
        this.#emitEnded(whole);
        this.#settle(index, withGraphFields(task, whole));
        return;
      }
      if (!mapped.queued && mapped.canStartMore) {
        mapped.queued = true;
        this.#queue(index);
      }
      this.#pump();
    };
    runTaskAttempts(this.#taskRun(index, item, spec, args, NOTHING_MOVABLE, newProgress(), mapped.upstream)).then(
      ended,
      (thrown: unknown) => ended(this.#internalFailure(index, thrown)),
    );
  }

  /** Runs the task, unless the incremental hooks reuse its result (then it is reported as succeeded at once). */
  #dispatch(index: number, progress: AttemptProgress): Promise<TaskReportEntry> {
    const args = this.#argumentsFor(index);
    const intercepted = this.#plan.incremental?.intercept(index, args, () => this.#runTask(index, progress, args));
    if (!intercepted) return this.#runTask(index, progress, args);
    return intercepted.then((entry) => {
      if (!this.#done) this.#emitReused(entry);
      return entry;
    });
  }

  /** A reused entry ends without running: its success event says where its result came from. */
  #emitReused(entry: TaskReportEntry): void {
    if (!entry.reused) return;
    this.#emit({
      type: 'task:succeeded',
      runId: this.#plan.runId,
      at: Date.now(),
      taskName: entry.name,
      attempts: 0,
      elapsedMs: 0,
      reused: entry.reused,
    });
  }

  #runTask(index: number, progress: AttemptProgress, args: unknown[]): Promise<TaskReportEntry> {
    const task = this.#order[index] as Task;
    const plan = this.#plan;
    const movable = this.#movableInputs(index);
    const links = movable.length === 0 ? this.#chainAfter(index) : NO_LINKS;
    const executor =
      links.length > 0
        ? new FusedHead(plan.executors[index] as WorkerPool, links)
        : (plan.executors[index] as Executor);
    return runTaskAttempts(
      this.#taskRun(index, task, plan.specs[index] as TaskSpec, args, movable, progress, undefined, executor),
    );
  }

  /** A fused task's attempts: the first is the one its chain ran on the thread (chain-fusion.ts). */
  #runFused(index: number, progress: AttemptProgress, link: FusedLink): Promise<TaskReportEntry> {
    // What it was fused with, and the arguments for any attempt after the fused one.
    return runTaskAttempts({ ...(link.run as TaskRun), args: this.#argumentsFor(index), progress });
  }

  /** Everything the task runner needs for one task (or mapped item) in this run. */
  #taskRun(
    index: number,
    task: Task,
    spec: TaskSpec,
    args: readonly unknown[],
    movableArgs: readonly ArgumentPath[],
    progress: AttemptProgress,
    upstream: Readonly<Record<string, UpstreamState>> = this.#upstreamStates(index),
    executor: Executor = this.#plan.executors[index] as Executor,
    // A fused link made its loggers when it was fused: its lines and write failures are those.
    logs?: Pick<FusedLink, 'taskLog' | 'logFile'>,
  ): TaskRun {
    const plan = this.#plan;
    const { taskLog, logFile } = logs ?? this.#loggersOf(task);
    return {
      task,
      spec,
      args,
      // An item's origins are its task's (computed once per task, not per item).
      argumentOrigins: argumentOriginsOf(this.#order[index] as Task),
      upstream,
      executor,
      runId: plan.runId,
      processName: plan.processName,
      // A run without a signal is never cancelled; executors may skip their cancellation work for it.
      runSignal: plan.signal === undefined ? NEVER_ABORTED : this.#abort.signal,
      taskLog,
      logFile,
      movableArgs,
      progress,
      redaction: plan.redaction,
      // Once the run has settled (aborted), an abandoned task's late progress is no longer part of it.
      emit: plan.onEvent
        ? (event) => {
            if (!this.#done) this.#emit(event);
          }
        : undefined,
      downstreamImpact: () => this.#downstreamNames(index),
    };
  }

  #loggersOf(task: Task): Pick<FusedLink, 'taskLog' | 'logFile'> {
    const plan = this.#plan;
    const logFile = plan.logs.fileFor(task, plan.processName, plan.redaction);
    const processLogger = plan.processLogger && processTaskLogger(plan.processLogger, task.name, plan.redaction);
    return { taskLog: TaskLog.for(logFile?.logger ?? null, processLogger), logFile };
  }

  /**
   * The tasks to fuse behind `head`'s first attempt (chain-fusion.ts): each
   * the dependant of the one before whose only dependency still running is
   * that one, so it is ready exactly when that one succeeds, on the same
   * worker pool, which must know all of them to be short; as many as the
   * pool takes in one message. Empty when nothing can be fused.
   */
  #chainAfter(head: number): readonly FusedLink[] {
    const { executors, specs } = this.#plan;
    const pool = executors[head];
    // A sequential run promises topological order, and a fused link would run before tasks ahead of it.
    if (this.#plan.concurrency === 1 || !(pool instanceof WorkerPool) || !fusableHead(this.#order[head] as Task)) {
      return NO_LINKS;
    }
    let limit = pool.chainLimit(specs[head] as TaskSpec);
    let links: FusedLink[] | undefined;
    for (let at = head; (links?.length ?? 0) + 1 < limit; ) {
      const next = this.#fusableDependant(at, pool);
      if (next === undefined) break;
      limit = Math.min(limit, pool.chainLimit(specs[next] as TaskSpec));
      if ((links?.length ?? 0) + 1 >= limit) break;
      links ??= [];
      links.push(this.#fuse(next, at, pool));
      at = next;
    }
    return links ?? NO_LINKS;
  }

  /** The dependant of `at` that can run right behind it on its thread, first in start order; undefined if none. */
  #fusableDependant(at: number, pool: WorkerPool): number | undefined {
    const { graph, executors, startPositions } = this.#plan;
    let found: number | undefined;
    for (const dependant of graph.dependants[at] ?? []) {
      if (
        this.#remainingDependencies[dependant] !== 1 ||
        this.#entries[dependant] !== undefined ||
        // Already fused behind another attempt, unless that chain stopped before it (it did not run).
        (this.#fused[dependant] !== undefined && this.#fused[dependant]?.ran !== false) ||
        executors[dependant] !== pool ||
        !fusableTask(this.#order[dependant] as Task) ||
        !(this.#plan.incremental?.passesThrough(dependant) ?? true) ||
        this.#movableInputs(dependant).length > 0
      ) {
        continue;
      }
      if (found === undefined || (startPositions[dependant] as number) < (startPositions[found] as number)) {
        found = dependant;
      }
    }
    return found;
  }

  /** Fuses task `index` behind `previous`: what its first attempt is, with its arguments left to the thread. */
  #fuse(index: number, previous: number, pool: WorkerPool): FusedLink {
    const task = this.#order[index] as Task;
    const positions = this.#plan.graph.dependencies[index] ?? [];
    const previousAt: number[] = [];
    let results: unknown[] | undefined;
    task.dependencies.forEach((dependency, i) => {
      const position = positions[i] as number;
      if (position === previous) {
        previousAt.push(i);
      } else if (injects(dependency)) {
        // Only what goes into the call travels: results the task does not take stay here.
        results ??= new Array(positions.length);
        results[i] = this.#results[position];
      }
    });
    const recipe = argumentsRecipeOf(task);
    const link = new FusedLink({
      pool,
      queuedAt: now(),
      chained: {
        args: recipe.args,
        kwargs: recipe.kwargs,
        passesKwargs: recipe.passesKwargs,
        dependencies: recipe.dependencies,
        results: results ?? NO_ARGS,
        previousAt: previousAt.length === 1 && previousAt[0] === 0 ? PREVIOUS_FIRST : previousAt,
      },
      ...this.#loggersOf(task),
    });
    const run = this.#taskRun(
      index,
      task,
      this.#plan.specs[index] as TaskSpec,
      NO_ARGS,
      NOTHING_MOVABLE,
      newProgress(),
      this.#upstreamStates(index, previous),
      link,
      link,
    );
    link.run = run;
    link.request = firstAttemptRequest(run, NO_ARGS, link.sink);
    this.#fused[index] = link;
    return link;
  }

  /** See {@link argumentsOf}. */
  #argumentsFor(index: number): unknown[] {
    const task = this.#order[index] as Task;
    // Nothing injected: the task's own (frozen) args are the arguments.
    if (task.dependencies.length === 0 && !task.passesKwargs) return task.args as unknown[];
    const positions = this.#plan.graph.dependencies[index] ?? [];
    return argumentsOf(task, this.#results, positions);
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

  /** Records a task's ending, then decides every dependant whose dependencies have all ended. */
  #settle(index: number, entry: TaskReportEntry): void {
    this.#record(index, entry);
    this.#propagate([index]);
    if (this.#settledCount === this.#order.length) this.#finish();
    else this.#pump();
  }

  /**
   * Tells the dependants of each task that just ended. A worklist, not
   * recursion: a skip runs down a chain of 100,000 tasks without a deep stack.
   */
  #propagate(ended: number[]): void {
    const { graph } = this.#plan;
    for (let next = ended.pop(); next !== undefined; next = ended.pop()) {
      const status = (this.#entries[next] as TaskReportEntry).status;
      if (status === TaskStatus.SUCCESS) this.#results[next] = (this.#entries[next] as TaskReportEntry).result;
      for (const dependant of graph.dependants[next] ?? []) {
        const remaining = (this.#remainingDependencies[dependant] ?? 0) - 1;
        this.#remainingDependencies[dependant] = remaining;
        if (this.#entries[dependant] !== undefined) continue; // skipped early by another dependency
        const task = this.#order[dependant] as Task;
        if (refutedEarly(task.runIf, status)) {
          this.#skip(dependant, { rule: task.runIf, upstream: [(this.#order[next] as Task).name] }, ended);
        } else if (remaining === 0) {
          this.#becomeDecided(dependant, ended);
        }
      }
    }
  }

  /** Every dependency of `index` has ended: its rule says run (queue it) or skip (it ends too). */
  #becomeDecided(index: number, ended: number[]): void {
    const task = this.#order[index] as Task;
    const positions = this.#plan.graph.dependencies[index] ?? [];
    // The default rule, met (every dependency succeeded): the common case needs no list of endings.
    const decision =
      task.runIf === 'allSuccess' && positions.every((p) => this.#entries[p]?.status === TaskStatus.SUCCESS)
        ? RUN
        : decideRule(
            task.runIf,
            positions.map((p) => ({
              name: (this.#order[p] as Task).name,
              status: (this.#entries[p] as TaskReportEntry).status,
            })),
          );
    if (!decision.run) {
      this.#skip(index, { rule: task.runIf, upstream: decision.upstream }, ended);
      return;
    }
    if (task.map === null) {
      // A fused task that ran on its thread starts at once, in the slot the task before it just gave back:
      // its chain ran it right after that one, so nothing else may start in between.
      const link = this.#fused[index];
      if (link && link.ran !== false && this.#runningChains < this.#plan.concurrency) {
        this.#runningChains++;
        this.#launch(index);
        return;
      }
      this.#fused[index] = undefined;
      this.#queue(index);
      return;
    }
    const sourceAt = positions[task.dependencies.findIndex((d) => d.taskName === task.map)] as number;
    const source = this.#entries[sourceAt] as TaskReportEntry;
    // Whatever the rule, there is nothing to map over unless the source succeeded.
    if (source.status !== TaskStatus.SUCCESS) {
      this.#skip(index, { rule: task.runIf, upstream: [source.name] }, ended);
      return;
    }
    if (!Array.isArray(source.result)) {
      const thrown = serializeError(new MapSourceNotArrayError(task.name, source.name, source.result));
      const error = errorData(task, thrown, this.#downstreamNames(index));
      const entry = buildEntry(task, { status: TaskStatus.ERRORED, error });
      this.#emitEnded(entry);
      this.#record(index, withGraphFields(task, entry));
      ended.push(index);
      return;
    }
    const reuse = this.#plan.incremental?.mappedReuse(index);
    if (reuse && 'whole' in reuse) {
      this.#emitReused(reuse.whole);
      this.#record(index, withGraphFields(task, reuse.whole));
      ended.push(index);
      return;
    }
    const args = this.#argumentsFor(index);
    const mapped = new MappedRun(task, {
      source: source.name,
      items: source.result,
      baseArgs: args,
      slot: mapSlotOf(task, args.length),
      spec: this.#plan.specs[index] as TaskSpec,
      upstream: this.#upstreamStates(index),
    });
    this.#emit({
      type: 'task:mapped',
      runId: this.#plan.runId,
      at: Date.now(),
      taskName: task.name,
      items: mapped.items.length,
    });
    if (reuse) mapped.prefill(reuse.items, reuse.fromRun);
    if (mapped.done) {
      const whole = mapped.entry(() => this.#downstreamNames(index));
      this.#emitEnded(whole);
      this.#record(index, withGraphFields(task, whole));
      ended.push(index);
      return;
    }
    this.#mapped.set(index, mapped);
    mapped.queued = true;
    this.#queue(index);
  }

  /**
   * Records a skip. `skippedBecause` names the task where the trouble began:
   * the first dependency the rule names, or, when that one was itself
   * skipped, what it was skipped because of.
   */
  #skip(index: number, cause: SkipCause, ended: number[]): void {
    const task = this.#order[index] as Task;
    const first = cause.upstream[0];
    const firstEntry = first === undefined ? undefined : this.#entries[this.#plan.graph.indexOf(first) as number];
    const because =
      firstEntry?.status === TaskStatus.SKIPPED && firstEntry.skippedBecause !== undefined
        ? firstEntry.skippedBecause
        : (first ?? '');
    this.#record(index, {
      ...withGraphFields(task, buildEntry(task, { status: TaskStatus.SKIPPED, because })),
      skip: cause,
    });
    this.#emit({
      type: 'task:skipped',
      runId: this.#plan.runId,
      at: Date.now(),
      taskName: task.name,
      because,
      rule: cause.rule,
      upstream: cause.upstream,
    });
    ended.push(index);
  }

  /**
   * The end of a task that had no attempt chain of its own (a mapped task,
   * whose items had theirs), told as any task's end is.
   */
  #emitEnded(entry: TaskReportEntry): void {
    if (!this.#plan.onEvent) return;
    const base = { runId: this.#plan.runId, at: Date.now(), taskName: entry.name, attempts: entry.attempts };
    if (entry.status === TaskStatus.SUCCESS)
      this.#emit({ type: 'task:succeeded', ...base, elapsedMs: entry.elapsedMs });
    else if (entry.error)
      this.#emit({ type: 'task:failed', ...base, elapsedMs: entry.elapsedMs, error: entry.error.thrown });
  }

  /**
   * How each dependency ended, for `taskContext().upstream`; `succeeding`
   * (a fused task's previous link) as it will have ended when the task runs.
   */
  #upstreamStates(index: number, succeeding?: number): Readonly<Record<string, UpstreamState>> {
    const positions = this.#plan.graph.dependencies[index] ?? [];
    // No dependencies, nothing to say: one shared (frozen) record, not one per task.
    if (positions.length === 0) return NO_UPSTREAM;
    for (const p of positions) {
      if (this.#upstreamState(p, succeeding) !== SUCCEEDED) return this.#upstreamRecord(positions, succeeding);
    }
    // All succeeded, the usual case: one frozen record per task, kept across runs. Built per
    // attempt, each record keyed by its own dependency names made V8 a new hidden class per
    // task (in a profile of a 2,000-task chain, 2 % of the main thread).
    const task = this.#order[index] as Task;
    let record = ALL_SUCCEEDED.get(task);
    if (!record) {
      record = Object.freeze(this.#upstreamRecord(positions, succeeding));
      ALL_SUCCEEDED.set(task, record);
    }
    return record;
  }

  #upstreamRecord(positions: readonly number[], succeeding: number | undefined): Record<string, UpstreamState> {
    const states: Record<string, UpstreamState> = {};
    for (const p of positions) setOwn(states, (this.#order[p] as Task).name, this.#upstreamState(p, succeeding));
    return states;
  }

  /** How the dependency at `p` ended (`succeeding`: it is about to succeed); `SUCCEEDED` itself for a plain success. */
  #upstreamState(p: number, succeeding: number | undefined): UpstreamState {
    if (p === succeeding) return SUCCEEDED;
    const entry = this.#entries[p] as TaskReportEntry;
    if (entry.map && entry.map.failed > 0) return { status: entry.status, failedIndices: entry.map.failedIndices };
    return entry.status === TaskStatus.SUCCESS ? SUCCEEDED : { status: entry.status };
  }

  #record(index: number, entry: TaskReportEntry): void {
    const incremental = this.#plan.incremental;
    this.#entries[index] = Object.freeze(incremental ? incremental.annotate(index, entry) : entry);
    this.#settledCount++;
    incremental?.settled(() => this.#report(true));
  }

  /**
   * The tasks a failure of `index` skips whatever else happens, breadth-first:
   * dependants whose rule an errored dependency refutes (`allSuccess`,
   * `noneFailed`), then theirs that a skipped one refutes, and so on. A
   * dependant with a rule such as `allDone` runs after the failure, so it
   * and what follows it are not named.
   */
  #downstreamNames(index: number): string[] {
    const { graph } = this.#plan;
    const names: string[] = [];
    const seen = new Set<number>([index]);
    const queue: [number, TaskStatus][] = [[index, TaskStatus.ERRORED]];
    for (let head = 0; head < queue.length; head++) {
      const [at, status] = queue[head] as [number, TaskStatus];
      for (const dependant of graph.dependants[at] ?? []) {
        const task = this.#order[dependant] as Task;
        if (seen.has(dependant) || !refutedEarly(task.runIf, status)) continue;
        seen.add(dependant);
        names.push(task.name);
        queue.push([dependant, TaskStatus.SKIPPED]);
      }
    }
    return names;
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

/** The graph options a task's entry shows, when they differ from the defaults. */
function withGraphFields(task: Task, entry: TaskReportEntry): TaskReportEntry {
  if (task.runIf === 'allSuccess' && task.pool === null) return entry;
  return {
    ...entry,
    ...(task.runIf === 'allSuccess' ? {} : { runIf: task.runIf }),
    ...(task.pool === null ? {} : { pool: { name: task.pool, slots: task.poolSlots } }),
  };
}

/** The progress of an attempt chain handed to its executor now (or, fused, when its chain was). */
function newProgress(queuedAt = now()): AttemptProgress {
  return { queuedAt, attempt: 0, firstStart: undefined };
}

const NO_LINKS: readonly FusedLink[] = Object.freeze([]);
const NO_ARGS: readonly unknown[] = Object.freeze([]);
const RUN: RuleDecision = Object.freeze({ run: true });
/** The usual fused link: the previous link's result is its first dependency's. */
const PREVIOUS_FIRST: readonly number[] = Object.freeze([0]);
const SUCCEEDED: UpstreamState = Object.freeze({ status: TaskStatus.SUCCESS });
/** By task (tasks are immutable, and so are the names of their dependencies): see `#upstreamStates`. */
const ALL_SUCCEEDED = new WeakMap<Task, Readonly<Record<string, UpstreamState>>>();
