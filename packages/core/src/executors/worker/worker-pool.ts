import { once } from 'node:events';
import { Piscina } from 'piscina';
import { PoolClosedError } from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import { emitProcessesWarning, WarningCode } from '../../errors/warnings.js';
import { replayLine } from '../../logging/sink-logger.js';
import { resolveWorkerPoolOptions, type WorkerPoolOptions } from '../../options/worker-pool-options.js';
import { now } from '../../run/clock.js';
import { NEVER_ABORTED } from '../never-aborted.js';
import type { AttemptOutcome, AttemptRequest, ExecuteOptions, Executor, TaskSpec } from '../types.js';
import { attemptFailure } from './attempt-failure.js';
import { type AttemptState, newAttemptState } from './attempt-state.js';
import { WORKER_ENTRY } from './entry-url.js';
import { FairQueue } from './fair-queue.js';
import { KillSwitch } from './kill-switch.js';
import {
  DECIDED,
  isWorkerEvent,
  PROGRESS_SLOTS,
  type WorkerEvent,
  type WorkerRequest,
  type WorkerResponse,
  type WorkerStartup,
} from './protocol.js';
import { movableBuffers } from './transferables.js';

export type { WorkerPoolOptions, WorkerResourceLimits } from '../../options/worker-pool-options.js';

/** How long a decided attempt's response may take to arrive before its thread is terminated anyway. */
const MIN_RESPONSE_WAIT_MS = 1000;

/**
 * A pool of worker threads for CPU-heavy tasks, over piscina. Keep one for
 * the life of a service and pass it to every `run({ pool })`; runs share it
 * fairly. Without one, each run makes its own and destroys it at the end.
 *
 * Each worker task has a thread to itself, so one can be terminated (a hard
 * timeout) without touching any other; the pool replaces the thread.
 *
 * It is the {@link Executor} of worker tasks (`workerTask(...)`); its
 * outcomes name the thread as `thread:<threadId>`.
 */
export class WorkerPool implements AsyncDisposable, Executor {
  readonly name = 'worker-pool';
  readonly #piscina: Piscina;
  readonly #queue: FairQueue;
  readonly #attempts = new Map<number, AttemptState>();
  /** Attempts by their run's signal; weak, so a finished run's entry goes with it. */
  readonly #runs = new WeakMap<AbortSignal, Set<AttemptState>>();
  readonly #graceMs: number;
  readonly #limits: string;
  /** What the pool was built with, for the one-thread pools of bigger-heap attempts. */
  readonly #options: WorkerPoolOptions | undefined;
  #nextAttemptId = 1;
  #closed = false;
  #idle: (() => void) | undefined;

  constructor(options?: WorkerPoolOptions) {
    const o = resolveWorkerPoolOptions(options);
    this.#options = options;
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

  /** Accepts every worker task (`workerTask(moduleUrl, exportName)`). */
  accepts(task: TaskSpec): boolean {
    return task.kind === 'worker';
  }

  /**
   * Runs one attempt of a worker task on a thread of its own. Never rejects.
   * An attempt with `heapMb` (a `retryOnOom` retry) gets a fresh thread with
   * that heap limit, in a one-thread pool made for it and destroyed after.
   */
  execute(request: AttemptRequest, options: ExecuteOptions): Promise<AttemptOutcome> {
    if (request.heapMb !== undefined && !this.#closed) return this.#executeWithHeap(request, request.heapMb, options);
    const { signal: runSignal } = options;
    const { task } = request;
    if (this.#closed || task.kind !== 'worker') {
      const at = now();
      const error =
        task.kind === 'worker'
          ? new PoolClosedError(task.name)
          : new TypeError(`The worker pool cannot run a ${task.kind} task.`);
      return Promise.resolve({
        ok: false,
        error: serializeError(error),
        startedAt: at,
        finishedAt: at,
        workerId: POOL_ID,
      });
    }
    return new Promise<AttemptOutcome>((resolve) => {
      const state: AttemptState = newAttemptState({
        id: this.#nextAttemptId++,
        request,
        task,
        runSignal,
        resolve: (response) => resolve(toOutcome(response)),
        kill: request.timeoutMs !== null || runSignal !== NEVER_ABORTED ? new KillSwitch() : undefined,
        job: { cancelled: false, start: () => this.#dispatch(state) },
      });
      if (runSignal.aborted) {
        this.#stop(state, 'run-aborted');
        return;
      }
      this.#attemptsOfRun(runSignal).add(state);
      this.#attempts.set(state.id, state);
      this.#queue.submit(request.runId, state.job);
    });
  }

  async #executeWithHeap(request: AttemptRequest, heapMb: number, options: ExecuteOptions): Promise<AttemptOutcome> {
    const own = this.#options;
    const dedicated = new WorkerPool({
      ...own,
      maxThreads: 1,
      minThreads: 0,
      resourceLimits: { ...own?.resourceLimits, maxOldGenerationSizeMb: heapMb },
    });
    try {
      const { heapMb: _given, ...rest } = request;
      return await dedicated.execute(rest, options);
    } finally {
      await dedicated.destroy();
    }
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
    const { request, task } = state;
    const payload: WorkerRequest = {
      attemptId: state.id,
      moduleUrl: task.moduleUrl,
      exportName: task.exportName,
      args: request.args,
      taskName: task.name,
      processName: request.processName,
      attempt: request.attempt,
      runId: request.runId,
      timeoutMs: request.timeoutMs,
      forwardLogs: request.log !== null,
      logLevel: request.logLevel,
      transferResult: request.transferResult,
      captureTracedVars: request.tracedVars.capture,
      tracedVarsFrameFilter: request.tracedVars.frameFilter,
      redaction: request.redact ?? undefined,
      progress: undefined,
      ...(request.upstream ? { upstream: request.upstream } : {}),
      ...(request.measureHeap ? { measureHeap: true } : {}),
    };
    if (request.timeoutMs !== null) {
      state.progress = new Int32Array(new SharedArrayBuffer(PROGRESS_SLOTS * Int32Array.BYTES_PER_ELEMENT));
      (payload as { progress: Int32Array }).progress = state.progress;
    }
    const transferList = movableBuffers(request.args, request.movableArgs);
    const options = state.kill ? { signal: state.kill, transferList } : { transferList };
    this.#piscina.run(payload, options as never).then(
      (response: WorkerResponse) => {
        if (response.flushed && !state.flushed) state.held = response;
        else this.#settle(state, response);
      },
      (error: unknown) => {
        // Timed and described now; settled once a terminated thread is gone, so its last log lines are in.
        const failure = this.#failure(state, error);
        if (state.threadGone) void state.threadGone.then(() => this.#settle(state, failure));
        else this.#settle(state, failure);
      },
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
      const { timeoutMs } = state.request;
      // The worker aborts the task's signal at the deadline; this is the backstop
      // for a task that does not stop: after the grace period its thread goes.
      if (timeoutMs !== null) {
        state.hardTimer = setTimeout(() => this.#onDeadline(state), timeoutMs + this.#graceMs);
      }
    } else if (event.kind === 'flushed') {
      state.flushed = true;
      if (state.held) this.#settle(state, state.held);
    } else if (event.kind === 'exit') {
      state.calledExit = true;
      state.exitCode = event.code;
    } else if (event.kind === 'out-of-memory') {
      state.outOfMemory = true;
    } else if (event.kind === 'uncloneable') {
      state.uncloneable = event.message;
      state.threadId = event.threadId;
      this.#stop(state, 'uncloneable');
    } else if (state.request.log) {
      replayLine(state.request.log, event.line);
    }
  }

  /**
   * The grace period after a timed attempt's deadline is over. If the worker
   * has already decided the outcome (the task stopped), its response is in
   * flight, perhaps queued behind this timer on a busy main thread: it is
   * given one more grace period to arrive rather than being reported as a
   * thread that had to be terminated.
   */
  #onDeadline(state: AttemptState): void {
    if (state.settled) return;
    if (state.progress && Atomics.load(state.progress, DECIDED) === 1 && !state.deadlinePassed) {
      state.deadlinePassed = true;
      state.hardTimer = setTimeout(() => this.#onDeadline(state), Math.max(this.#graceMs, MIN_RESPONSE_WAIT_MS));
      return;
    }
    this.#stop(state, 'timeout');
  }

  /** Ends an attempt early: dequeued if it has not started, its thread terminated if it has. */
  #stop(state: AttemptState, reason: NonNullable<AttemptState['endedBy']>): void {
    if (state.settled || state.endedBy) return;
    state.endedBy = reason;
    if (state.started && state.threadId) {
      const worker = this.#piscina.threads.find((w) => w.threadId === state.threadId);
      // Every message a thread posted is delivered before its 'exit' event.
      state.threadGone = worker ? once(worker, 'exit').catch(() => undefined) : undefined;
    }
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
    return attemptFailure(state, error, this.#graceMs, this.#limits);
  }

  #settle(state: AttemptState, response: WorkerResponse): void {
    if (state.settled) return;
    state.settled = true;
    clearTimeout(state.hardTimer);
    this.#runs.get(state.runSignal)?.delete(state);
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

/** Outcomes of attempts that never reached a thread name the pool itself. */
const POOL_ID = 'worker-pool';

function toOutcome(response: WorkerResponse): AttemptOutcome {
  const { threadId, ...rest } = response;
  return { ...rest, workerId: threadId ? `thread:${threadId}` : POOL_ID };
}
