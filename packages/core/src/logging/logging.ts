import { close, open } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Logger, pino } from 'pino';
import type { Task } from '../definition/task.js';
import { LogFileError } from '../errors/errors.js';
import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import type { LogLevel, LogSink } from '../executors/types.js';
import { makeDirectory } from '../files/make-directory.js';
import type { ErrorData, LogWriteError } from '../report/types.js';
import { toJsonSafe } from './json-safe.js';
import { taskLogOptions } from './log-format.js';
import { combineLogWriteFailures, type LogWriteFailure, LogWriteFailures, writeLine } from './log-write.js';
import { type Redaction, redactKeys } from './redaction.js';
import { describeThrown } from './render-value.js';

const openFile = promisify(open);
const closeFile = promisify(close);

interface OpenLogFile {
  readonly path: string;
  readonly fd: number;
  /** False once close() has run: the descriptor number may then belong to another file. */
  open: boolean;
}

/**
 * The log files of one process, by absolute path: tasks with the same path
 * share one file descriptor. Files open when a run starts (their parent
 * directories are created first) and stay open until `close()`.
 *
 * Writes are synchronous (one `write(2)` per line, in O_APPEND mode) so that
 * nothing is buffered when a run ends or a worker thread is terminated, and
 * lines from the main thread and from workers writing to the same descriptor
 * land whole and in the order they happened. A write that fails (a full
 * disk, an I/O error) is counted and reported on the task's entry; it never
 * throws at the task and is never retried, so close() has nothing to flush.
 */
export class LogFiles {
  readonly #files = new Map<string, OpenLogFile>();
  readonly #opening = new Map<string, Promise<OpenLogFile>>();

  /** Opens every log file `tasks` need; throws {@link LogFileError} for the first that cannot be opened. */
  async openFor(tasks: readonly Task[]): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const task of tasks) {
      if (task.logPath !== null) pending.push(this.#open(task.name, resolve(task.logPath)));
    }
    const results = await Promise.allSettled(pending);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  #open(taskName: string, path: string): Promise<OpenLogFile> {
    const existing = this.#files.get(path);
    if (existing) return Promise.resolve(existing);
    let opening = this.#opening.get(path);
    if (!opening) {
      opening = makeDirectory(dirname(path))
        .then(() => openFile(path, 'a'))
        .then((fd) => {
          const file: OpenLogFile = { path, fd, open: true };
          this.#files.set(path, file);
          return file;
        });
      this.#opening.set(path, opening);
      const forget = () => this.#opening.delete(path);
      opening.then(forget, forget);
    }
    return opening.catch((cause: unknown) => {
      throw new LogFileError(taskName, path, cause);
    });
  }

  /**
   * A task's log file for one run (already opened by `openFor`): a pino
   * logger writing to it, its descriptor (for worker threads) and the
   * count of lines that could not be written; null when it has none.
   */
  fileFor(task: Task, processName: string, redaction: Redaction): TaskLogFile | null {
    if (task.logPath === null) return null;
    const file = this.#files.get(resolve(task.logPath));
    if (!file) return null;
    const failures = new LogWriteFailures();
    const destination = {
      write(line: string): void {
        if (!file.open) {
          failures.record(
            Object.assign(new Error('the log file was already closed (Process.close())'), { code: 'EBADF' }),
          );
          return;
        }
        try {
          writeLine(file.fd, line);
        } catch (error) {
          failures.record(error);
        }
      },
    };
    const bindings = processName ? { process: processName, task: task.name } : { task: task.name };
    const logger = pino(taskLogOptions(redaction), destination).child(bindings);
    return { logger, fd: file.fd, path: file.path, failures };
  }

  /** Closes every file (nothing is buffered). Safe to call again; a later run reopens what it needs. */
  async close(): Promise<void> {
    const files = [...this.#files.values()];
    this.#files.clear();
    await Promise.allSettled(
      files.map(async (file) => {
        file.open = false;
        await closeFile(file.fd);
      }),
    );
  }
}

/** One task's log file within one run. */
export interface TaskLogFile {
  readonly logger: Logger;
  readonly fd: number;
  readonly path: string;
  /** The lines of this task, on the main thread, that did not reach the file. */
  readonly failures: LogWriteFailures;
}

/**
 * The process logger's child for one task: the task's engine lines and,
 * for a task without a log file, its `taskContext().log` lines. The
 * process's redaction runs before the logger's own `formatters.log`.
 */
export function processTaskLogger(processLogger: Logger, taskName: string, redaction: Redaction): Logger {
  const own = (processLogger as unknown as Record<symbol, { log?: (o: object) => object } | undefined>)[
    pino.symbols.formattersSym
  ]?.log;
  const log = (object: object) => {
    const clean = redactKeys(object, redaction);
    return own ? own(clean) : clean;
  };
  return processLogger.child({ task: taskName }, { formatters: { log } });
}

/**
 * What the entry records when lines of a task did not reach its file:
 * the main thread's failures plus those a worker thread reported. Warns
 * once (`PROC_LOG_WRITE_FAILED`) for the task.
 */
export function logWriteErrorOf(
  task: Task,
  file: TaskLogFile | null,
  fromWorker: LogWriteFailure | undefined,
): LogWriteError | undefined {
  if (!file) return undefined;
  const failure = combineLogWriteFailures(file.failures.failure, fromWorker);
  if (!failure) return undefined;
  emitProcessesWarning(
    WarningCode.LOG_WRITE_FAILED,
    `Task "${task.name}": ${failure.lostLines} log line${failure.lostLines === 1 ? '' : 's'} could not be written to "${file.path}" (${failure.message}). The task ran; its report entry records the failure.`,
  );
  return { path: file.path, ...failure };
}

/**
 * The lines the engine writes for one task: to its file, and to the
 * process logger when one was given. `sink` is where the lines the task
 * itself logs go, wherever it runs.
 */
export class TaskLog {
  /** The executors' {@link LogSink} for this task; null when it has neither a file nor a process logger. */
  readonly sink: LogSink | null;
  /** The lowest level any destination keeps. */
  readonly level: LogLevel;
  readonly #sinks: readonly Logger[];
  #loggerFailed = false;

  /** Shared by every task without a logger. */
  static readonly #none: TaskLog = new TaskLog(null, null);

  /** The lines of a task with these loggers (a shared no-op when it has none, the common case). */
  static for(fileLogger: Logger | null, processLogger: Logger | null): TaskLog {
    return fileLogger === null && processLogger === null ? TaskLog.#none : new TaskLog(fileLogger, processLogger);
  }

  private constructor(fileLogger: Logger | null, processLogger: Logger | null) {
    const sinks = [fileLogger, processLogger].filter((l): l is Logger => l !== null);
    this.#sinks = sinks;
    const lowest = Math.min(...sinks.map((l) => l.levelVal));
    const label = sinks[0]?.levels.labels[lowest];
    this.level = (label && label in LEVEL_ORDER ? label : 'info') as LogLevel;
    this.sink = sinks.length === 0 || !Number.isFinite(lowest) ? null : this.#replayer(sinks);
  }

  /**
   * The sink: each line was already formatted once where the task ran (an
   * `err` field is pino's serialised error by now), so the destinations
   * write its fields as they are instead of serialising them again.
   */
  #replayer(sinks: readonly Logger[]): LogSink {
    const replaying = sinks.map((sink) => sink.child({}, { serializers: { err: asIs } }));
    return (level, msg, fields) => this.#each((sink) => sink[level](fields, msg), replaying);
  }

  get enabled(): boolean {
    return this.#sinks.length > 0;
  }

  started(name: string): void {
    // Most tasks have no logger: no line, and no callback made for one.
    if (this.#sinks.length === 0) return;
    this.#each((sink) => sink.info(`Starting ${name}.`));
  }

  retrying(attempt: number, maxAttempts: number, message: string, delayMs: number): void {
    this.#each((sink) =>
      sink.warn(
        { attempt, delay_ms: delayMs },
        `Attempt ${attempt}/${maxAttempts} failed: ${message.replace(/\.$/, '')}. Retrying...`,
      ),
    );
  }

  finished(name: string, attempts: number, elapsedMs: number): void {
    if (this.#sinks.length === 0) return;
    this.#each((sink) => sink.info({ attempts, elapsed_ms: elapsedMs }, `Finished ${name}.`));
  }

  /**
   * Our own files never throw (see LogFiles), but the process logger is the
   * user's: a destination that throws must not turn into a task failure.
   */
  #each(write: (sink: Logger) => void, sinks: readonly Logger[] = this.#sinks): void {
    for (const sink of sinks) {
      try {
        write(sink);
      } catch (error) {
        if (this.#loggerFailed) continue;
        this.#loggerFailed = true;
        emitProcessesWarning(
          WarningCode.LOG_WRITE_FAILED,
          `The process logger threw while writing a line (${describeThrown(error)}); the task carries on.`,
        );
      }
    }
  }

  /** One record carrying the whole failure context, like the Python library's failure block. */
  failed(error: ErrorData, attempts: number, elapsedMs: number, redaction: Redaction): void {
    if (this.#sinks.length === 0) return;
    const record = {
      task_name: error.taskName,
      function: error.function,
      args: toJsonSafe(error.args, redaction),
      kwargs: toJsonSafe(error.kwargs, redaction),
      downstream_impact: error.downstreamImpact,
      exception: error.exception,
      error_name: error.errorName,
      error_code: error.thrown.code ?? null,
      traced_vars_location: error.tracedVarsLocation || null,
      traced_vars: error.tracedVars,
      traceback: error.traceback,
      attempts,
      elapsed_ms: elapsedMs,
    };
    this.#each((sink) => sink.error(record, error.exception));
  }
}

/** A serializer that keeps a value as it is. */
const asIs = (value: unknown): unknown => value;

const LEVEL_ORDER: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};
