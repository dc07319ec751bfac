import { close, open } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { Task } from '../definition/task.js';
import { LogFileError } from '../errors/errors.js';
import type { LogLevel, LogSink } from '../executors/types.js';
import type { ErrorData } from '../report/report.js';
import { toJsonSafe } from './json-safe.js';
import { TASK_LOG_OPTIONS } from './log-format.js';
import type { Redaction } from './redaction.js';

const openFile = promisify(open);
const closeFile = promisify(close);

interface OpenLogFile {
  readonly fd: number;
  readonly destination: DestinationStream & { flushSync(): void; end(): void };
  readonly root: Logger;
  readonly children: Map<string, Logger>;
}

/**
 * The log files of one process, by absolute path: tasks with the same path
 * share one file descriptor and one destination. Files open when a run
 * starts and stay open until `close()`.
 *
 * Writes are synchronous (one `write(2)` per line, in O_APPEND mode) so that
 * nothing is buffered when a run ends or a worker thread is terminated, and
 * lines from the main thread and from workers writing to the same descriptor
 * land whole and in the order they happened.
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
      opening = openFile(path, 'a').then((fd) => {
        const destination = pino.destination({ fd, sync: true });
        const file: OpenLogFile = { fd, destination, root: pino(TASK_LOG_OPTIONS, destination), children: new Map() };
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
   * A task's log file (already opened by `openFor`): the pino logger writing
   * to it and its descriptor (for worker threads), or null when it has none.
   */
  fileFor(task: Task, processName: string): { logger: Logger; fd: number } | null {
    if (task.logPath === null) return null;
    const file = this.#files.get(resolve(task.logPath));
    if (!file) return null;
    let logger = file.children.get(task.name);
    if (!logger) {
      logger = file.root.child(processName ? { process: processName, task: task.name } : { task: task.name });
      file.children.set(task.name, logger);
    }
    return { logger, fd: file.fd };
  }

  /** Flushes and closes every file. Safe to call again; a later run reopens what it needs. */
  async close(): Promise<void> {
    const files = [...this.#files.values()];
    this.#files.clear();
    await Promise.allSettled(
      files.map(async (file) => {
        file.destination.flushSync();
        await closeFile(file.fd);
      }),
    );
  }
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
    this.sink =
      sinks.length === 0 || !Number.isFinite(lowest)
        ? null
        : (level, msg, fields) => {
            for (const sink of sinks) sink[level](fields, msg);
          };
  }

  get enabled(): boolean {
    return this.#sinks.length > 0;
  }

  started(name: string): void {
    for (const sink of this.#sinks) sink.info(`Starting ${name}.`);
  }

  retrying(attempt: number, maxAttempts: number, message: string, delayMs: number): void {
    for (const sink of this.#sinks) {
      sink.warn({ attempt, delay_ms: delayMs }, `Attempt ${attempt}/${maxAttempts} failed: ${message}. Retrying...`);
    }
  }

  finished(name: string, attempts: number, elapsedMs: number): void {
    for (const sink of this.#sinks) sink.info({ attempts, elapsed_ms: elapsedMs }, `Finished ${name}.`);
  }

  /** One record carrying the whole failure context, like the seed's failure block. */
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
    for (const sink of this.#sinks) sink.error(record, error.exception);
  }
}

const LEVEL_ORDER: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};
