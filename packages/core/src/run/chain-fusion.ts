/**
 * Chain fusion: a short worker attempt goes to its thread together with the
 * dependants that become ready exactly when it succeeds, and the thread
 * runs them one after the other, each with the result of the one before,
 * without a round trip through the main thread per link
 * (executors/worker/worker-pool.ts `executeChain`). The scheduler picks the
 * links (scheduler.ts `#chainAfter`); these two executors stand in for the
 * pool in the task runner of the head and of each link, so the runner
 * (events, log lines, retries, the report entry) is the same code as for
 * any task: the head's first attempt sends the chain; a link's first
 * attempt is the outcome the thread already produced, or, when the link did
 * not run there (a link before it failed), an attempt like any other.
 */
import type { Task } from '../definition/task.js';
import type {
  AttemptOutcome,
  AttemptRequest,
  ExecuteOptions,
  Executor,
  LogLevel,
  TaskSpec,
} from '../executors/types.js';
import type { ChainedArguments, WorkerPool } from '../executors/worker/worker-pool.js';
import type { TaskLog, TaskLogFile } from '../logging/logging.js';
import type { TaskRun } from './task-runner.js';

/**
 * Whether a task may be fused into a chain as far as its own options go:
 * nothing that needs the main thread between two links (a timeout, which
 * needs a thread of its own; moved buffers; bigger-heap retries; a
 * concurrency pool's slots; a mapped task's items; a trigger rule other
 * than the default, which is decided once every dependency has ended).
 */
export function fusableTask(task: Task): boolean {
  return (
    task.timeoutMs === null &&
    !task.transferResult &&
    task.retryOnOomHeapMb.length === 0 &&
    task.pool === null &&
    task.map === null &&
    task.runIf === 'allSuccess'
  );
}

/** Whether a task's first attempt may carry a chain: one the pool may send with others. */
export function fusableHead(task: Task): boolean {
  return task.timeoutMs === null && !task.transferResult && task.retryOnOomHeapMb.length === 0;
}

type LogLine = readonly [LogLevel, string, Readonly<Record<string, unknown>>];

/** A dependant fused behind the attempt before it: the executor of its own task runner. */
export class FusedLink implements Executor {
  readonly name: string;
  readonly #pool: WorkerPool;
  /** When the chain was handed to the pool: the link's `queuedAt`. */
  readonly queuedAt: number;
  readonly chained: ChainedArguments;
  readonly taskLog: TaskLog;
  readonly logFile: TaskLogFile | null;
  /** The link's first attempt as sent (its `args` are made on the thread). */
  request: AttemptRequest | undefined;
  /** What its task runner is given (with the arguments made here once it is ready). */
  run: TaskRun | undefined;
  /** False once the link is known not to have run on the thread. */
  ran: boolean | undefined;
  #outcome: Promise<AttemptOutcome | undefined> | undefined;
  /**
   * The link's log lines arrive with the chain's results, before its task
   * runner has logged its start: held until then, so its log file reads in
   * order.
   */
  #held: LogLine[] | undefined = [];

  constructor(init: {
    pool: WorkerPool;
    queuedAt: number;
    chained: ChainedArguments;
    taskLog: TaskLog;
    logFile: TaskLogFile | null;
  }) {
    this.#pool = init.pool;
    this.name = init.pool.name;
    this.queuedAt = init.queuedAt;
    this.chained = init.chained;
    this.taskLog = init.taskLog;
    this.logFile = init.logFile;
  }

  /** The sink the thread's log lines for the fused attempt go to. */
  get sink(): AttemptRequest['log'] {
    const real = this.taskLog.sink;
    if (!real) return null;
    return (level, msg, fields) => {
      if (this.#held) this.#held.push([level, msg, fields]);
      else real(level, msg, fields);
    };
  }

  /** The pool's promise for the fused attempt (executeChain). */
  receive(outcome: Promise<AttemptOutcome | undefined>): void {
    this.#outcome = outcome;
    // The pool's promises never reject.
    void outcome.then((settled) => {
      this.ran = settled !== undefined;
    });
  }

  accepts(task: TaskSpec): boolean {
    return this.#pool.accepts(task);
  }

  async execute(request: AttemptRequest, options: ExecuteOptions): Promise<AttemptOutcome> {
    const fused = request.attempt === 1 ? this.#outcome : undefined;
    this.#outcome = undefined;
    const outcome = fused && (await fused);
    this.#release();
    return outcome ?? this.#pool.execute(request, options);
  }

  /** Writes the held lines (the task runner has logged the start by now); later lines go straight through. */
  #release(): void {
    const held = this.#held;
    this.#held = undefined;
    const real = this.taskLog.sink;
    if (held && real) for (const [level, msg, fields] of held) real(level, msg, fields);
  }
}

/** The executor of a chain's head: its first attempt takes the links along. */
export class FusedHead implements Executor {
  readonly name: string;
  readonly #pool: WorkerPool;
  #links: readonly FusedLink[];

  constructor(pool: WorkerPool, links: readonly FusedLink[]) {
    this.#pool = pool;
    this.name = pool.name;
    this.#links = links;
  }

  accepts(task: TaskSpec): boolean {
    return this.#pool.accepts(task);
  }

  execute(request: AttemptRequest, options: ExecuteOptions): Promise<AttemptOutcome> {
    const links = this.#links;
    this.#links = [];
    if (request.attempt !== 1 || links.length === 0) return this.#pool.execute(request, options);
    const chain = this.#pool.executeChain(
      request,
      links.map((link) => ({ request: link.request as AttemptRequest, chained: link.chained })),
      options,
    );
    chain.links.forEach((outcome, i) => {
      links[i]?.receive(outcome);
    });
    return chain.head;
  }
}
