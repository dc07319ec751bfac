import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { normaliseTaskName, Task, TaskDependency } from '../definition/task.js';
import {
  InvalidOptionError,
  NoExecutorError,
  PoolClosedError,
  RunAbortedError,
  TaskNotFoundError,
  TaskStillRequiredError,
} from '../errors/errors.js';
import { MainThreadExecutor, mainThreadRecorder } from '../executors/main-thread/main-thread-executor.js';
import type { Executor, TaskSpec } from '../executors/types.js';
import { WorkerPool } from '../executors/worker/worker-pool.js';
import { TaskGraph } from '../graph/graph.js';
import { runCacheOf } from '../incremental/cache/from-options.js';
import { CheckpointWriter } from '../incremental/checkpoint.js';
import { IncrementalRun } from '../incremental/incremental-run.js';
import { loadResumeReport } from '../incremental/resume.js';
import { LogFiles } from '../logging/logging.js';
import { Redaction } from '../logging/redaction.js';
import { MAX_POOL_THREADS } from '../options/limits.js';
import { parseOptions } from '../options/parse.js';
import { PROCESS_DEFAULTS, type ProcessOptions, processOptionsSchema } from '../options/process-options.js';
import { AUTO_PARALLEL_MIN_TASKS, type RunOptions, runOptionsSchema } from '../options/run-options.js';
import type { ProcessExecutionReport } from '../report/report.js';
import { checkPools } from './concurrency-pools.js';
import { startPositions } from './critical-path.js';
import { executeRun } from './scheduler.js';
import { taskSpecOf } from './task-spec.js';

export type { ProcessOptions } from '../options/process-options.js';
export type { RunOptions } from '../options/run-options.js';

/**
 * A validated graph of tasks. Construction checks everything (names,
 * duplicates, missing dependencies, cycles) and throws a typed error before
 * anything runs. `run()` may be called any number of times, also
 * concurrently; each run is independent.
 */
export class Process implements AsyncDisposable {
  readonly name: string;
  readonly #logger: Logger | null;
  readonly #redaction: Redaction;
  #graph: TaskGraph<Task>;
  readonly #logs = new LogFiles();
  readonly #activeRuns = new Set<Promise<unknown>>();
  readonly #mainThread = new MainThreadExecutor();
  readonly #pools: Readonly<Record<string, number>>;

  constructor(tasks: readonly Task[], options?: ProcessOptions) {
    const o = parseOptions({ where: 'Process' }, processOptionsSchema, options);
    this.name = o.name ?? PROCESS_DEFAULTS.name;
    this.#logger = o.logger ?? null;
    this.#redaction = new Redaction(o.redact);
    this.#pools = Object.freeze({ ...(o.pools ?? PROCESS_DEFAULTS.pools) });
    this.#graph = this.#checked(checkTaskList(tasks));
  }

  /** The tasks in topological order (the order a sequential run follows), as a frozen array. */
  get tasks(): readonly Task[] {
    return this.#graph.order;
  }

  /** The task named `name` (ignoring case). Throws {@link TaskNotFoundError}. */
  getTask(name: string): Task {
    return this.#graph.order[this.#indexOf(name)] as Task;
  }

  /**
   * Every task that depends on `name`, directly or not, breadth-first
   * (direct dependants first). An unknown name gives `[]`, as in the Python library.
   */
  getDependantTasks(name: string): Task[] {
    const index = typeof name === 'string' ? this.#graph.indexOf(name.toLowerCase()) : undefined;
    if (index === undefined) return [];
    return this.#graph.transitiveDependants(index).map((i) => this.#graph.order[i] as Task);
  }

  /** Adds a task. Atomic: if the result would be invalid, nothing changes and the error is thrown. */
  addTask(task: Task): void {
    // Checked here so the message names this call, not a position in the internal task list.
    if (!(task instanceof Task)) throw new InvalidOptionError('Process.addTask()', 'task', 'a Task', task);
    this.#graph = this.#checked(checkTaskList([...this.#graph.order, task]));
  }

  /**
   * Removes a task nothing depends on. Throws {@link TaskNotFoundError}, or
   * {@link TaskStillRequiredError} naming its dependants.
   */
  removeTask(name: string): void {
    const index = this.#indexOf(name);
    const dependants = this.#graph.transitiveDependants(index);
    const task = this.#graph.order[index] as Task;
    if (dependants.length > 0) {
      throw new TaskStillRequiredError(task.name, dependants.map((i) => (this.#graph.order[i] as Task).name).sort());
    }
    this.#graph = new TaskGraph(this.#graph.order.filter((_, i) => i !== index));
  }

  /**
   * Makes `taskName` depend on another task. Atomic. The task is replaced in
   * this process by a copy with the new dependency; the Task object you
   * passed in (which other processes may share) is left unchanged.
   */
  addTaskDependency(taskName: string, dependency: TaskDependency | string): void {
    const index = this.#indexOf(taskName);
    const task = this.#graph.order[index] as Task;
    const where = `Process.addTaskDependency("${task.name}")`;
    const added =
      typeof dependency === 'string'
        ? new TaskDependency(normaliseTaskName(where, 'dependency', dependency, task.name))
        : dependency instanceof TaskDependency
          ? dependency
          : undefined;
    if (!added) {
      throw new InvalidOptionError(where, 'dependency', 'a TaskDependency or a task name', dependency, task.name);
    }
    const updated = task.withDependency(added);
    this.#graph = this.#checked(this.#graph.order.map((t, i) => (i === index ? updated : t)));
  }

  /**
   * Runs every task once, dependencies first. Resolves with the report even
   * when tasks fail; rejects only for bad options, a log file that cannot be
   * opened (before any task runs), or an abort through `signal`.
   */
  run(options?: RunOptions): Promise<ProcessExecutionReport> {
    const running = this.#run(options);
    this.#activeRuns.add(running);
    const forget = () => this.#activeRuns.delete(running);
    running.then(forget, forget);
    return running;
  }

  async #run(options: RunOptions | undefined): Promise<ProcessExecutionReport> {
    const o = parseOptions({ where: 'run()' }, runOptionsSchema, options);
    const graph = this.#graph;
    const parallel = o.parallel ?? graph.order.length >= AUTO_PARALLEL_MIN_TASKS;
    const maxWorkers = o.maxWorkers ?? availableParallelism();
    const concurrency = parallel ? maxWorkers : 1;
    if (o.pool && o.executors) {
      throw new InvalidOptionError(
        'run()',
        'pool',
        'left out when `executors` is given',
        o.pool,
        undefined,
        'List the pool in `executors` instead: `executors: [pool, new MainThreadExecutor()]`.',
      );
    }
    if (o.pool?.closed) throw new PoolClosedError();
    const specs = graph.order.map(taskSpecOf);
    const runId = randomUUID();
    const checkpoint = o.checkpoint === undefined ? undefined : new CheckpointWriter(pathOf(o.checkpoint));
    // Before anything runs: what a resume reuses, and the inputs of cached tasks, are checked here.
    const incremental = await IncrementalRun.prepare({
      runId,
      graph,
      specs,
      resumeFrom: o.resumeFrom === undefined ? undefined : await loadResumeReport(o.resumeFrom),
      cache: o.cache && runCacheOf(o.cache),
      checkpoint,
    });
    await checkpoint?.open();
    // Main-thread tasks stay on the main thread unless a given executor claims them.
    const given = o.executors
      ? chooseExecutors(
          specs,
          o.executors.some((executor) => executor instanceof MainThreadExecutor)
            ? o.executors
            : [...o.executors, this.#mainThread],
        )
      : undefined;
    await this.#logs.openFor(graph.order);
    const needsPool = !given && specs.some((spec) => spec.kind === 'worker');
    const ownPool =
      needsPool && !o.pool
        ? new WorkerPool({ maxThreads: Math.min(concurrency, MAX_POOL_THREADS), minThreads: 0 })
        : undefined;
    const pool = o.pool ?? ownPool;
    const mainThread = this.#mainThread;
    const executors = given ?? specs.map((spec) => (pool && spec.kind === 'worker' ? pool : mainThread));
    // Main-thread tasks that opted into traced variables need the main thread's inspector session for the run.
    const recorder = graph.order.some((task, i) => executors[i] instanceof MainThreadExecutor && task.captureTracedVars)
      ? mainThreadRecorder()
      : undefined;
    recorder?.enable();
    try {
      const report = await executeRun({
        runId,
        processName: this.name,
        graph,
        concurrency,
        specs,
        executors,
        logs: this.#logs,
        processLogger: this.#logger,
        signal: o.signal,
        onEvent: o.onEvent,
        redaction: this.#redaction,
        pools: this.#pools,
        startPositions: startPositions(graph, { parallel: concurrency > 1, durations: o.durations }),
        incremental,
      }).catch(async (error: unknown) => {
        if (error instanceof RunAbortedError) await checkpoint?.finish(error.report);
        throw error;
      });
      await checkpoint?.finish(report);
      return report;
    } finally {
      await incremental.flush();
      recorder?.disable();
      // The run is over (or aborted): nothing of it may keep a thread alive.
      await ownPool?.destroy();
    }
  }

  /**
   * Waits for runs in flight to settle, then flushes and closes every log
   * file. The process stays usable: a later run reopens its files.
   */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#activeRuns]);
    await this.#logs.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The graph of `tasks`, validated: names, dependencies, cycles, then pools. */
  #checked(tasks: readonly Task[]): TaskGraph<Task> {
    const graph = new TaskGraph(tasks);
    checkPools(graph.order, this.#pools);
    return graph;
  }

  #indexOf(name: string): number {
    const normalised = typeof name === 'string' ? name.toLowerCase() : name;
    const index = this.#graph.indexOf(normalised);
    if (index === undefined) {
      throw new TaskNotFoundError(
        String(normalised),
        this.#graph.order.map((t) => t.name),
      );
    }
    return index;
  }
}

function pathOf(path: string | URL): string {
  return path instanceof URL ? fileURLToPath(path) : path;
}

/** The first executor that accepts each task; {@link NoExecutorError} for a task none accepts. */
function chooseExecutors(specs: readonly TaskSpec[], executors: readonly Executor[]): Executor[] {
  return specs.map((spec) => {
    const chosen = executors.find((executor) => executor.accepts(spec));
    if (!chosen)
      throw new NoExecutorError(
        spec.name,
        spec.kind,
        executors.map((executor) => executor.name),
      );
    return chosen;
  });
}

function checkTaskList(tasks: unknown): Task[] {
  if (!Array.isArray(tasks)) throw new InvalidOptionError('Process', 'tasks', 'an array of Task objects', tasks);
  tasks.forEach((task, i) => {
    if (!(task instanceof Task)) throw new InvalidOptionError('Process', `tasks[${i}]`, 'a Task', task);
  });
  return tasks;
}
