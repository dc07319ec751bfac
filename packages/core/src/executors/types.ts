/**
 * The Executor contract: the one seam between the scheduler and the places
 * tasks run (the main thread, a pool of worker threads, a child process,
 * another machine). The scheduler owns the graph, the ready queue, retries,
 * fault isolation and the report; an executor only runs one attempt.
 *
 * Everything in an {@link AttemptRequest} except the log sink (and, for a
 * main-thread task, its function) is plain data that survives structured
 * clone, v8 serialisation and, for JSON-safe arguments, JSON: an executor may
 * ship it to another thread, process or host. See docs/executors.md.
 */

import type { TaskFunction } from '../definition/task.js';
import type { SerializedError } from '../errors/serialize-error.js';
import type { TracedVarsSnapshot } from './traced-vars.js';

/** pino's level names, lowest first. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Where the log lines a task writes with `taskContext().log` go: the task's
 * log file and the process logger, whichever it has. Call it synchronously,
 * in the order the task logged; `fields` are the line's own fields (without
 * `level`, `msg`, `time` or the task's bindings, which the sink adds).
 */
export type LogSink = (level: LogLevel, msg: string, fields: Readonly<Record<string, unknown>>) => void;

/** A task whose body is an export of a module, run wherever the module can be imported. */
export interface WorkerTaskSpec {
  readonly kind: 'worker';
  /** The task's (lower-case) name. */
  readonly name: string;
  /** The module's `file:` or `data:` URL, as `import()` takes it. */
  readonly moduleUrl: string;
  /** The export to call with the request's `args`. */
  readonly exportName: string;
}

/** A task whose body is a function of this process: it can only run here. */
export interface MainThreadTaskSpec {
  readonly kind: 'main-thread';
  /** The task's (lower-case) name. */
  readonly name: string;
  /** The function to call with the request's `args`. */
  readonly fn: TaskFunction;
}

/** What a task runs, as an executor sees it. */
export type TaskSpec = WorkerTaskSpec | MainThreadTaskSpec;

/**
 * A place in an attempt's arguments: `args[arg]`, or the key `kwarg` of the
 * options object at `args[arg]`.
 */
export interface ArgumentPath {
  readonly arg: number;
  readonly kwarg?: string;
}

/**
 * Where one of an attempt's arguments came from, so an executor can say
 * which input it could not send: the task's own `args[index]`, the result
 * of a dependency injected as an argument, or the options object (its own
 * kwargs, with the keys that hold injected results naming their task).
 */
export type ArgumentOrigin =
  | { readonly kind: 'arg'; readonly index: number }
  | { readonly kind: 'result'; readonly task: string }
  | { readonly kind: 'kwargs'; readonly results: Readonly<Record<string, string>> };

/** One attempt of one task, as the scheduler hands it to an executor. */
export interface AttemptRequest {
  readonly task: TaskSpec;
  /** The final call arguments: own args, injected results, then the options object if the task takes one. */
  readonly args: readonly unknown[];
  /** Where each of `args` came from, position by position. */
  readonly argumentOrigins: readonly ArgumentOrigin[];
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** Identifies the run; the same for every attempt of every task in it. */
  readonly runId: string;
  /** The process's name (`''` when it has none). */
  readonly processName: string;
  /**
   * Time allowed for this attempt, or null for no limit. The executor
   * enforces it and, when it is exceeded, ends the attempt with a
   * `TaskTimeoutError` (see {@link AttemptOutcome}).
   */
  readonly timeoutMs: number | null;
  /** The task asks for ArrayBuffers in its result to be moved back rather than copied. */
  readonly transferResult: boolean;
  /**
   * Injected results nothing else reads once this attempt has them (results
   * of `transferResult` tasks injected into this task only, which does not
   * retry). An executor that crosses a thread may move their buffers instead
   * of copying them; one that serialises ignores it.
   */
  readonly movableArgs: readonly ArgumentPath[];
  /** Record the locals at the throw site when the attempt fails, if the executor can. */
  readonly tracedVars: {
    readonly capture: boolean;
    /** Take the innermost frame whose URL contains this; null: the innermost frame of user code. */
    readonly frameFilter: string | null;
  };
  /**
   * Names redacted besides the built-in ones, as a RegExp's source and
   * flags (`new RegExp(source, flags)`); null when only the built-ins apply.
   */
  readonly redact: { readonly source: string; readonly flags: string } | null;
  /** Where the task's log lines go; null when nothing listens (the task's logger may then drop every line). */
  readonly log: LogSink | null;
  /** Lines below this level are dropped by every destination; an executor may drop them at the source. */
  readonly logLevel: LogLevel;
}

/** What {@link Executor.execute} is given besides the request. */
export interface ExecuteOptions {
  /**
   * Aborted when the run is cancelled: stop the attempt and settle soon
   * (the scheduler has already recorded it as aborted, so the outcome is
   * only waited for, not used).
   */
  readonly signal: AbortSignal;
}

/** When an attempt ran: part of every {@link AttemptOutcome}. */
export interface OutcomeTiming {
  /** When the attempt started executing (epoch ms; time waiting for a thread or worker excluded). */
  readonly startedAt: number;
  /** When it ended (epoch ms), stamped before the executor's own work of describing the ending. */
  readonly finishedAt: number;
  /**
   * Where it ran, in the executor's own terms: `main` for the main thread,
   * `thread:<id>` for a worker thread of this process, `host:pid:thread` on
   * another machine, `child:<pid>` for a child process, …
   */
  readonly workerId: string;
}

/**
 * How an attempt ended. Executors never reject: every failure is an
 * outcome. A timeout is an error named `TaskTimeoutError` whose `props`
 * carry `endedBy` (`'cooperative'`, `'signal'`, `'terminated'`, or an
 * executor's own kind).
 */
export type AttemptOutcome =
  | (OutcomeTiming & { readonly ok: true; readonly value: unknown })
  | (OutcomeTiming & {
      readonly ok: false;
      /** What was thrown, as data (`serializeError(thrown)`). */
      readonly error: SerializedError;
      /** The locals where the error was thrown, when they were captured. */
      readonly tracedVars?: TracedVarsSnapshot;
    });

/**
 * Runs attempts of the tasks it accepts. Pass executors to
 * `process.run({ executors })`: for each task the first one that accepts it
 * runs every attempt of it. The defaults are the main-thread executor and
 * the run's {@link WorkerPool}.
 */
export interface Executor {
  /** Shown in errors (a task no executor accepts) and in docs; e.g. `'main-thread'`, `'worker-pool'`. */
  readonly name: string;
  /** Whether this executor can run `task`. Asked once per task per run, before anything runs. */
  accepts(task: TaskSpec): boolean;
  /** Runs one attempt. Must settle, and must not reject: a failure is an outcome with `ok: false`. */
  execute(request: AttemptRequest, options: ExecuteOptions): Promise<AttemptOutcome>;
  /** Releases what the executor holds (threads, connections). `run()` never calls it for executors it was given. */
  close?(): Promise<void>;
}
