import type { Logger } from 'pino';
import { Piscina } from 'piscina';
import { WorkerTaskRef } from '../../definition/worker-task.js';
import {
  PoolClosedError,
  TaskTimeoutError,
  WorkerCrashError,
  WorkerExitError,
  WorkerOutOfMemoryError,
} from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import { emitProcessesWarning, WarningCode } from '../../errors/warnings.js';
import { resolveWorkerPoolOptions, type WorkerPoolOptions } from '../../options/worker-pool-options.js';
import { now } from '../../run/clock.js';
import type { AttemptOutcome, AttemptRequest, Executor } from '../types.js';
import { WORKER_ENTRY } from './entry-url.js';
import { FairQueue, type QueuedJob } from './fair-queue.js';
import { KillSwitch } from './kill-switch.js';
import {
  isWorkerEvent,
  type WorkerEvent,
  type WorkerRequest,
  type WorkerResponse,
  type WorkerStartup,
} from './protocol.js';

export type { WorkerPoolOptions, WorkerResourceLimits } from '../../options/worker-pool-options.js';

/** One attempt while the pool owns it. */
interface AttemptState {
  readonly id: number;
  readonly request: AttemptRequest;
  readonly ref: WorkerTaskRef;
  readonly resolve: (outcome: AttemptOutcome) => void;
  /**
   * Firing it makes piscina drop the task, terminating its thread if it runs.
   * Only attempts that may have to be stopped (a timeout, a cancellable run)
   * get one: piscina queues and dispatches tasks with a signal more slowly.
   */
  readonly kill: KillSwitch | undefined;
  readonly job: QueuedJob;
  started: boolean;
  threadId: number;
  executionStartedAt: number | undefined;
  hardTimer: NodeJS.Timeout | undefined;
  endedBy: 'timeout' | 'run-aborted' | 'pool-destroyed' | 'uncloneable' | undefined;
  exitCode: number | undefined;
  calledExit: boolean;
  /** The thread reported nearing its heap limit during this attempt. */
  outOfMemory: boolean;
  /** Why the result could not be sent back, when that is what failed. */
  uncloneable: string | undefined;
  settled: boolean;
}

/**
 * A pool of worker threads for CPU-heavy tasks, over piscina. Keep one for
 * the life of a service and pass it to every `run({ pool })`; runs share it
 * fairly. Without one, each run makes its own and destroys it at the end.
 *
 * Each worker task has a thread to itself, so one can be terminated (a hard
 * timeout) without touching any other; the pool replaces the thread.
 */
export class WorkerPool implements AsyncDisposable, Executor {
  readonly #piscina: Piscina;
  readonly #queue: FairQueue;
  readonly #attempts = new Map<number, AttemptState>();
  /** Attempts by their run's signal; weak, so a finished run's entry goes with it. */
  readonly #runs = new WeakMap<AbortSignal, Set<AttemptState>>();
  readonly #graceMs: number;
  readonly #limits: string;
  #nextAttemptId = 1;
  #closed = false;
  #idle: (() => void) | undefined;

  constructor(options?: WorkerPoolOptions) {
    const o = resolveWorkerPoolOptions(options);
    const { maxThreads, minThreads } = o;
    this.#graceMs = o.timeoutGraceMs;
    this.#limits = o.resourceLimits
      ? Object.entries(o.resourceLimits)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')
      : 'no resourceLimits set';
    // One task waiting in piscina per thread, beyond the running ones: when a
    // thread finishes, piscina hands it the next task at once instead of after
    // a round trip through the scheduler (scripts/bench: throughput). Fairness
    // across runs is kept for everything beyond that small window.
    this.#queue = new FairQueue(maxThreads * 2);
    this.#piscina = new Piscina({
      filename: WORKER_ENTRY,
      name: 'runAttempt',
      // Threads take tasks through their event loop rather than blocking in
      // Atomics.wait while idle, so timers and log lines a finished task left
      // behind still run (and as fast, measured in scripts/bench).
      atomics: 'disabled',
      maxThreads,
      minThreads,
      idleTimeout: o.idleTimeoutMs,
      ...(o.resourceLimits ? { resourceLimits: o.resourceLimits } : {}),
      ...(o.execArgv ? { execArgv: o.execArgv } : {}),
      ...(o.env ? { env: o.env } : {}),
      workerData: { tracedVars: o.tracedVars } satisfies WorkerStartup,
    });
    this.#piscina.on('message', (message: unknown) => {
      if (isWorkerEvent(message)) this.#onWorkerEvent(message);
    });
    // Without a listener, an 'error' event would crash the main process.
    this.#piscina.on('error', (error: unknown) => {
      emitProcessesWarning(
        WarningCode.WORKER_POOL_ERROR,
        `A worker thread failed outside any task: ${serializeError(error).message}`,
      );
    });
  }

  /** Threads alive right now. */
  get threadCount(): number {
    return this.#piscina.threads.length;
  }

  /** The most threads the pool starts. */
  get maxThreads(): number {
    return this.#piscina.maxThreads;
  }

  /** Worker tasks running and waiting for a thread. */
  get load(): { running: number; waiting: number } {
    return { running: this.#queue.active, waiting: this.#queue.waiting };
  }

  /** True after `close()` or `destroy()`: the pool takes no more tasks. */
  get closed(): boolean {
    return this.#closed;
  }

  /** @internal Runs one attempt of a worker task. Never rejects. */
  execute(request: AttemptRequest): Promise<AttemptOutcome> {
    const ref = request.task.fn as unknown as WorkerTaskRef;
    if (this.#closed) {
      const at = now();
      return Promise.resolve({
        ok: false,
        error: serializeError(new PoolClosedError(request.task.name)),
        startedAt: at,
        finishedAt: at,
        threadId: 0,
      });
    }
    return new Promise<AttemptOutcome>((resolve) => {
      const state: AttemptState = {
        id: this.#nextAttemptId++,
        request,
        ref,
        resolve,
        kill: request.task.timeoutMs !== null || request.cancellable ? new KillSwitch() : undefined,
        job: { cancelled: false, start: () => this.#dispatch(state) },
        started: false,
        threadId: 0,
        executionStartedAt: undefined,
        hardTimer: undefined,
        endedBy: undefined,
        exitCode: undefined,
        calledExit: false,
        uncloneable: undefined,
        outOfMemory: false,
        settled: false,
      };
      if (request.runSignal.aborted) {
        this.#stop(state, 'run-aborted');
        return;
      }
      this.#attemptsOfRun(request.runSignal).add(state);
      this.#attempts.set(state.id, state);
      this.#queue.submit(request.runId, state.job);
    });
  }

  /**
   * The attempts of one run in this pool. One abort listener per run (not
   * per attempt) stops them all when the run is cancelled.
   */
  #attemptsOfRun(runSignal: AbortSignal): Set<AttemptState> {
    let attempts = this.#runs.get(runSignal);
    if (!attempts) {
      const ofRun = new Set<AttemptState>();
      attempts = ofRun;
      this.#runs.set(runSignal, ofRun);
      runSignal.addEventListener(
        'abort',
        () => {
          for (const state of [...ofRun]) this.#stop(state, 'run-aborted');
        },
        { once: true },
      );
    }
    return attempts;
  }

  #dispatch(state: AttemptState): void {
    state.started = true;
    const { request, ref } = state;
    const { task } = request;
    const payload: WorkerRequest = {
      attemptId: state.id,
      moduleUrl: ref.moduleUrl,
      exportName: ref.exportName,
      args: request.args,
      taskName: task.name,
      processName: request.processName,
      attempt: request.attempt,
      runId: request.runId,
      timeoutMs: task.timeoutMs,
      logFd: request.logFd,
      forwardLogs: request.forwardLogs,
      transferResult: task.transferResult,
      captureTracedVars: task.captureTracedVars,
      tracedVarsFrameFilter: task.tracedVarsFrameFilter,
      redaction: request.redaction.toWire(),
    };
    const transferList = request.transferables.filter((buffer) => buffer.byteLength > 0);
    const options = state.kill ? { signal: state.kill, transferList } : { transferList };
    this.#piscina.run(payload, options as never).then(
      (response: WorkerResponse) => this.#settle(state, response),
      (error: unknown) => this.#settle(state, this.#failure(state, error)),
    );
  }

  #onWorkerEvent(event: WorkerEvent): void {
    if (event.kind === 'late-error') {
      emitProcessesWarning(
        WarningCode.WORKER_LATE_ERROR,
        `Task "${event.taskName}": a callback it scheduled threw after its attempt had ended: ${event.error.message}`,
        event.error.stack ?? '',
      );
      return;
    }
    const state = event.attemptId === undefined ? undefined : this.#attempts.get(event.attemptId);
    if (!state || state.settled) return;
    if (event.kind === 'started') {
      state.executionStartedAt = event.startedAt;
      state.threadId = event.threadId;
      const { timeoutMs } = state.request.task;
      // The worker aborts the task's signal at the deadline; this is the backstop
      // for a task that does not stop: after the grace period its thread goes.
      if (timeoutMs !== null) {
        state.hardTimer = setTimeout(() => this.#stop(state, 'timeout'), timeoutMs + this.#graceMs);
      }
    } else if (event.kind === 'exit') {
      state.calledExit = true;
      state.exitCode = event.code;
    } else if (event.kind === 'out-of-memory') {
      state.outOfMemory = true;
    } else if (event.kind === 'uncloneable') {
      state.uncloneable = event.message;
      state.threadId = event.threadId;
      this.#stop(state, 'uncloneable');
    } else {
      forwardLine(state.request.log, event.line);
    }
  }

  /** Ends an attempt early: dequeued if it has not started, its thread terminated if it has. */
  #stop(state: AttemptState, reason: NonNullable<AttemptState['endedBy']>): void {
    if (state.settled || state.endedBy) return;
    state.endedBy = reason;
    if (state.started) {
      if (state.kill) state.kill.fire();
      // Without a kill switch the thread is ended directly, which piscina reports as
      // an exit; with neither (pool.destroy()), piscina's own teardown ends the attempt.
      else if (state.threadId) void this.#piscina.threads.find((w) => w.threadId === state.threadId)?.terminate();
    } else {
      state.job.cancelled = true;
      this.#settle(state, this.#failure(state, new Error(reason)));
    }
  }

  #failure(state: AttemptState, error: unknown): WorkerResponse {
    const { task, attempt } = state.request;
    const at = now();
    let cause: unknown;
    if (state.endedBy === 'timeout') {
      cause = new TaskTimeoutError(task.name, task.timeoutMs ?? 0, attempt, 'terminated', this.#graceMs);
    } else if (state.endedBy === 'run-aborted') {
      cause = Object.assign(new Error(`The run was aborted; task "${task.name}" was stopped.`), { name: 'AbortError' });
    } else if (state.endedBy === 'pool-destroyed') {
      cause = new PoolClosedError(task.name);
    } else if (state.endedBy === 'uncloneable') {
      cause = new WorkerCrashError(task.name, { name: 'DataCloneError', message: state.uncloneable });
    } else if (state.outOfMemory || (error as { code?: unknown })?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      cause = new WorkerOutOfMemoryError(task.name, this.#limits, error);
    } else if (state.calledExit || /worker exited with code/i.test(String((error as Error)?.message))) {
      const code = state.exitCode ?? Number(/code:? (\d+)/.exec(String((error as Error)?.message))?.[1]);
      cause = new WorkerExitError(task.name, Number.isNaN(code) ? undefined : code, state.calledExit);
    } else {
      cause = new WorkerCrashError(task.name, error);
    }
    return {
      ok: false,
      error: serializeError(cause),
      startedAt: state.executionStartedAt ?? at,
      finishedAt: at,
      threadId: state.threadId,
    };
  }

  #settle(state: AttemptState, response: WorkerResponse): void {
    if (state.settled) return;
    state.settled = true;
    clearTimeout(state.hardTimer);
    this.#runs.get(state.request.runSignal)?.delete(state);
    this.#attempts.delete(state.id);
    if (state.started) this.#queue.release();
    state.resolve(response);
    if (this.#attempts.size === 0) this.#idle?.();
  }

  /**
   * Stops taking tasks, waits for the tasks already given to it to finish,
   * then terminates every thread.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#attempts.size > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
    }
    await this.#piscina.destroy();
  }

  /** Stops now: running tasks are terminated and fail, queued ones never start; every thread ends. */
  async destroy(): Promise<void> {
    this.#closed = true;
    for (const state of [...this.#attempts.values()]) this.#stop(state, 'pool-destroyed');
    await this.#piscina.destroy();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** A worker's NDJSON line, replayed on the process logger. */
function forwardLine(log: Logger, line: string): void {
  try {
    const {
      level,
      msg,
      time: _time,
      pid: _pid,
      hostname: _host,
      ...fields
    } = JSON.parse(line) as Record<string, unknown>;
    const method = typeof level === 'string' && level in log ? (level as 'info') : 'info';
    log[method](fields, typeof msg === 'string' ? msg : '');
  } catch {
    log.info(line.trim());
  }
}

/** @internal Whether a task runs on a worker pool. */
export function isWorkerTask(fn: unknown): fn is WorkerTaskRef {
  return fn instanceof WorkerTaskRef;
}
