import { once } from 'node:events';
import { Piscina } from 'piscina';
import { PoolClosedError } from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import { emitProcessesWarning, WarningCode } from '../../errors/warnings.js';
import { replayLine } from '../../logging/sink-logger.js';
import { resolveWorkerPoolOptions, type WorkerPoolOptions } from '../../options/worker-pool-options.js';
import { now } from '../../run/clock.js';
import { NEVER_ABORTED } from '../never-aborted.js';
import type { AttemptOutcome, AttemptRequest, ExecuteOptions, Executor, TaskSpec, WorkerTaskSpec } from '../types.js';
import { attemptFailure } from './attempt-failure.js';
import { type AttemptBatch, type AttemptJob, type AttemptState, newAttemptState } from './attempt-state.js';
import { WORKER_ENTRY } from './entry-url.js';
import { FairQueue } from './fair-queue.js';
import { KillSwitch } from './kill-switch.js';
import {
  BATCH_DONE,
  BATCH_SLOTS,
  BATCH_THREAD,
  type ChainedArguments,
  DECIDED,
  isWorkerEvent,
  PROGRESS_SLOTS,
  type WorkerBatch,
  type WorkerEvent,
  type WorkerRequest,
  type WorkerResponse,
  type WorkerStartup,
} from './protocol.js';
import { AttemptDurations, MAX_BATCH } from './short-attempts.js';
import { movableBuffers } from './transferables.js';

export type { WorkerPoolOptions, WorkerResourceLimits } from '../../options/worker-pool-options.js';
export type { ChainedArguments } from './protocol.js';

/**
 * A fused chain link handed to {@link WorkerPool.executeChain}: its first
 * attempt (whose `args` are ignored: they are made on the thread) and how
 * its arguments are made there.
 */
export interface ChainLinkRequest {
  readonly request: AttemptRequest;
  readonly chained: ChainedArguments;
}

/** What {@link WorkerPool.executeChain} gives back: the head's outcome, and each link's (undefined: it did not run). */
export interface ChainExecution {
  readonly head: Promise<AttemptOutcome>;
  readonly links: readonly Promise<AttemptOutcome | undefined>[];
}

const NOT_RUN: Promise<undefined> = Promise.resolve(undefined);

/** How long a decided attempt's response may take to arrive before its thread is terminated anyway. */
const MIN_RESPONSE_WAIT_MS = 1000;

/**
 * A pool of worker threads for CPU-heavy tasks, over piscina. Keep one for
 * the life of a service and pass it to every `run({ pool })`; runs share it
 * fairly. Without one, each run makes its own and destroys it at the end.
 *
 * An attempt with a timeout has a thread to itself, so it can be terminated
 * (a hard timeout) without touching any other; the pool replaces the
 * thread. Short attempts without one are sent to a thread several at a
 * time when many are waiting (short-attempts.ts), one run's at a time.
 *
 * It is the {@link Executor} of worker tasks (`workerTask(...)`); its
 * outcomes name the thread as `thread:<threadId>`.
 */
export class WorkerPool implements AsyncDisposable, Executor {
  readonly name = 'worker-pool';
  readonly #piscina: Piscina;
  readonly #queue: FairQueue<AttemptJob>;
  readonly #durations = new AttemptDurations();
  readonly #attempts = new Map<number, AttemptState>();
  /** Attempts by their run's signal; weak, so a finished run's entry goes with it. */
  readonly #runs = new WeakMap<AbortSignal, Set<AttemptState>>();
  readonly #graceMs: number;
  readonly #limits: string;
  /** What the pool was built with, for the one-thread pools of bigger-heap attempts. */
  readonly #options: WorkerPoolOptions | undefined;
  #nextAttemptId = 1;
  #sentAttempts = 0;
  #sentMessages = 0;
  readonly #jobHooks: JobHooks = {
    start: (state) => this.#dispatch(state),
    batchLimit: (state) => this.#batchLimit(state),
  };
  /** The one-thread pools of bigger-heap attempts running now: `close()` waits for them, `destroy()` ends them. */
  readonly #dedicated = new Set<WorkerPool>();
  #closed = false;
  /** Settled once no attempt is left; shared by every `close()` waiting (a second call must not orphan the first). */
  #idle: { readonly done: Promise<void>; readonly resolve: () => void } | undefined;
  /** piscina's teardown, started once: a second `piscina.destroy()` resolves before the first's threads have exited. */
  #teardown: Promise<void> | undefined;

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
    this.#queue = new FairQueue<AttemptJob>(maxThreads * 2, (jobs) => this.#dispatchBatch(jobs), MAX_BATCH);
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

  /**
   * Attempts sent to threads so far, and in how many messages: short
   * attempts without a timeout travel several to a message when many are
   * waiting, so `messages` can be well below `attempts`.
   */
  get sent(): { readonly attempts: number; readonly messages: number } {
    return { attempts: this.#sentAttempts, messages: this.#sentMessages };
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
      const state = this.#newState(request, task, runSignal, (response) => resolve(toOutcome(response)));
      if (runSignal.aborted) {
        this.#stop(state, 'run-aborted');
        return;
      }
      this.#admit(state);
      this.#queue.submit(request.runId, state.job);
    });
  }

  /**
   * How many tasks of a fused chain, the head included, may be calls of
   * this task's function (1: it is not known to be short, so it is not
   * fused). Chain fusion in the scheduler asks it for every link it considers.
   * @internal
   */
  chainLimit(task: TaskSpec): number {
    return task.kind === 'worker' ? this.#durations.chainLimit(task.moduleUrl, task.exportName) : 1;
  }

  /**
   * Chain fusion: runs `head` and, right after it on the same thread and in
   * the same message, each link in turn with the result of the one before
   * (arguments made on the thread, see protocol.ts `ChainedArguments`), as
   * long as each succeeds. The first link that fails is the outcome of its
   * own first attempt; the links after it, and every link when the head
   * fails, did not run (undefined) and are the caller's to run as usual.
   * Every attempt has its own outcome and is counted in {@link sent}; the
   * chain takes a run's turn in the fair queue as that many attempts. A
   * head that may not share a message (timed, moved buffers, a bigger
   * heap) runs alone and no link runs. The scheduler (run/chain-fusion.ts)
   * sends only links that need nothing of the main thread between them.
   * @internal
   */
  executeChain(head: AttemptRequest, links: readonly ChainLinkRequest[], options: ExecuteOptions): ChainExecution {
    const { signal: runSignal } = options;
    const { task } = head;
    if (
      links.length === 0 ||
      this.#closed ||
      runSignal.aborted ||
      task.kind !== 'worker' ||
      head.heapMb !== undefined ||
      head.timeoutMs !== null ||
      head.transferResult ||
      head.movableArgs.length > 0 ||
      links.some((link) => link.request.task.kind !== 'worker')
    ) {
      return { head: this.execute(head, options), links: links.map(() => NOT_RUN) };
    }
    const linkStates: AttemptState[] = [];
    const linkOutcomes = links.map(
      ({ request, chained }) =>
        new Promise<AttemptOutcome | undefined>((resolve) => {
          const state = this.#newState(
            request,
            request.task as WorkerTaskSpec,
            runSignal,
            (response) => resolve(toOutcome(response)),
            { chained, notRun: () => resolve(undefined), kill: false },
          );
          linkStates.push(state);
        }),
    );
    const headOutcome = new Promise<AttemptOutcome>((resolve) => {
      const state = this.#newState(head, task, runSignal, (response) => resolve(toOutcome(response)));
      state.links = linkStates;
      this.#admit(state);
      for (const link of linkStates) this.#admit(link);
      this.#queue.submit(head.runId, state.job);
    });
    return { head: headOutcome, links: linkOutcomes };
  }

  #newState(
    request: AttemptRequest,
    task: WorkerTaskSpec,
    runSignal: AbortSignal,
    resolve: AttemptState['resolve'],
    link?: { readonly chained: ChainedArguments; readonly notRun: () => void; readonly kill: false },
  ): AttemptState {
    const state: AttemptState = newAttemptState({
      id: this.#nextAttemptId++,
      request,
      task,
      runSignal,
      resolve,
      // A link is stopped with its batch, by the head's switch.
      kill:
        link === undefined && (request.timeoutMs !== null || runSignal !== NEVER_ABORTED)
          ? new KillSwitch()
          : undefined,
      job: new Job(() => state, this.#jobHooks),
      ...(link ? { chained: link.chained, notRun: link.notRun } : {}),
    });
    return state;
  }

  /** The pool owns the attempt from here: `close()` waits for it, an abort of its run stops it. */
  #admit(state: AttemptState): void {
    this.#attemptsOfRun(state.runSignal).add(state);
    this.#attempts.set(state.id, state);
  }

  async #executeWithHeap(request: AttemptRequest, heapMb: number, options: ExecuteOptions): Promise<AttemptOutcome> {
    const own = this.#options;
    const dedicated = new WorkerPool({
      ...own,
      maxThreads: 1,
      minThreads: 0,
      resourceLimits: { ...own?.resourceLimits, maxOldGenerationSizeMb: heapMb },
    });
    // Its thread is this pool's too: close() waits for it and destroy() ends it, or it would outlive them.
    this.#dedicated.add(dedicated);
    try {
      const { heapMb: _given, ...rest } = request;
      return await dedicated.execute(rest, options);
    } finally {
      await dedicated.destroy();
      this.#dedicated.delete(dedicated);
      this.#checkIdle();
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

  /** How many attempts this one may share a message with (1: none). */
  #batchLimit(state: AttemptState): number {
    const { request, task } = state;
    // A timed attempt keeps its thread to itself, so terminating the thread ends nothing else;
    // moved buffers and their transfer lists stay one attempt's.
    if (state.alone || request.timeoutMs !== null || request.transferResult || request.movableArgs.length > 0) {
      return 1;
    }
    return this.#durations.batchLimit(task.moduleUrl, task.exportName);
  }

  #requestFor(state: AttemptState): WorkerRequest {
    const { request, task } = state;
    return {
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
      ...(state.chained ? { chained: state.chained } : {}),
    };
  }

  #dispatch(state: AttemptState): void {
    // A head with fused links always travels as a batch (the fair queue starts it as one).
    if (state.links.length > 0) {
      this.#dispatchBatch([state.job]);
      return;
    }
    state.started = true;
    const { request } = state;
    const payload = this.#requestFor(state);
    if (request.timeoutMs !== null) {
      state.progress = new Int32Array(new SharedArrayBuffer(PROGRESS_SLOTS * Int32Array.BYTES_PER_ELEMENT));
      (payload as { progress: Int32Array }).progress = state.progress;
    }
    const transferList = movableBuffers(request.args, request.movableArgs);
    this.#sentAttempts++;
    this.#sentMessages++;
    const options = state.kill ? { signal: state.kill, transferList } : { transferList };
    this.#piscina.run(payload, options as never).then(
      (response: WorkerResponse) => {
        this.#recordDuration(state, response);
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

  /** Sends attempts of one run (the fair queue's batch) to a thread in one message. */
  #dispatchBatch(jobs: readonly AttemptJob[]): void {
    const states: AttemptState[] = [];
    for (const { state } of jobs) {
      states.push(state);
      // A fused chain's links follow its head; one already settled (stopped) ends the chain there.
      let cut = false;
      for (const link of state.links) {
        cut ||= link.settled;
        if (cut) this.#settleNotRun(link);
        else states.push(link);
      }
    }
    const progress = new Int32Array(new SharedArrayBuffer(BATCH_SLOTS * Int32Array.BYTES_PER_ELEMENT));
    const batch: AttemptBatch = { states, progress, kill: states[0]?.kill };
    for (const state of states) {
      state.started = true;
      state.batch = batch;
    }
    const requests: WorkerRequest[] = [];
    let previous: WorkerRequest | undefined;
    for (const state of states) {
      const request = this.#requestFor(state);
      requests.push(previous && state.chained ? changedFields(request, previous) : request);
      previous = request;
    }
    const payload: WorkerBatch = { requests, progress };
    const options = batch.kill ? { name: 'runBatch', signal: batch.kill } : { name: 'runBatch' };
    this.#sentAttempts += states.length;
    this.#sentMessages++;
    // The responses come as a 'results' event (#onWorkerEvent); piscina's answer only frees the slot.
    this.#piscina.run(payload, options as never).then(
      () => this.#queue.release(),
      (error: unknown) => {
        this.#queue.release();
        this.#batchFailed(batch, error);
      },
    );
  }

  /**
   * The batch's thread ended (or was ended) before it answered. Responses it
   * sent before ending have arrived. The attempt it was running fails with
   * the thread's error, as a lone attempt would; attempts after it never
   * started and wait for a thread again, unless they were being stopped.
   */
  #batchFailed(batch: AttemptBatch, error: unknown): void {
    const threadId = Atomics.load(batch.progress, BATCH_THREAD);
    const done = Atomics.load(batch.progress, BATCH_DONE);
    // The batch could not be posted (an input that structured clone cannot copy):
    // each attempt goes again alone, so the error names the one whose input it was.
    const unsent = threadId === 0 && (error as { name?: unknown })?.name === 'DataCloneError';
    batch.states.forEach((state, i) => {
      if (state.settled) return;
      // A link that never started cannot go again alone (its arguments are made on the thread): the scheduler runs it.
      if (state.chained && (unsent || i > done)) {
        this.#settleNotRun(state);
        return;
      }
      if ((unsent || i > done) && state.endedBy === undefined && !this.#closed) {
        state.links = [];
        state.alone = unsent;
        state.started = false;
        state.batch = undefined;
        this.#queue.submit(state.request.runId, state.job);
        return;
      }
      state.threadId ||= threadId;
      this.#settle(state, this.#failure(state, error));
    });
  }

  #onResults(
    attemptIds: readonly number[],
    responses: readonly WorkerResponse[],
    notRun: readonly number[] | undefined,
  ): void {
    attemptIds.forEach((attemptId, i) => {
      const state = this.#attempts.get(attemptId);
      const response = responses[i] as WorkerResponse;
      if (!state) return;
      this.#recordDuration(state, response);
      this.#settle(state, response);
    });
    if (notRun) {
      for (const attemptId of notRun) {
        const state = this.#attempts.get(attemptId);
        if (state) this.#settleNotRun(state);
      }
    }
  }

  /**
   * Only successes count: a failure's cost is mostly describing its error
   * (a stack, traced variables), which says little about the next call.
   */
  #recordDuration({ task }: AttemptState, response: WorkerResponse): void {
    if (response.ok) this.#durations.record(task.moduleUrl, task.exportName, response.finishedAt - response.startedAt);
  }

  #onWorkerEvent(event: WorkerEvent): void {
    if (event.kind === 'results') {
      this.#onResults(event.attemptIds, event.responses, event.notRun);
      return;
    }
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
    if (state.batch) {
      // Its batch's thread runs attempts of this run only, and they are stopped together.
      if (state.batch.kill) state.batch.kill.fire();
      else if (state.batch.progress[BATCH_THREAD])
        void this.#piscina.threads.find((w) => w.threadId === state.batch?.progress[BATCH_THREAD])?.terminate();
    } else if (state.started) {
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
    this.#forget(state);
    // A batch's slot is freed once, when piscina answers for the whole batch.
    if (state.started && !state.batch) this.#queue.release();
    state.resolve(response);
    this.#checkIdle();
  }

  /** A fused chain link that did not run: its outcome is undefined (executeChain), not a failure. */
  #settleNotRun(state: AttemptState): void {
    if (state.settled) return;
    this.#forget(state);
    state.notRun?.();
    this.#checkIdle();
  }

  /** Wakes the `close()` calls waiting once the last attempt (a bigger-heap one included) has settled. */
  #checkIdle(): void {
    if (this.#idle && this.#attempts.size === 0 && this.#dedicated.size === 0) this.#idle.resolve();
  }

  #forget(state: AttemptState): void {
    state.settled = true;
    clearTimeout(state.hardTimer);
    this.#runs.get(state.runSignal)?.delete(state);
    this.#attempts.delete(state.id);
  }

  /**
   * Stops taking tasks, waits for the tasks already given to it to finish
   * (bigger-heap retries on their own threads too), then terminates every
   * thread. Each call, however many, resolves once the threads have exited.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#attempts.size > 0 || this.#dedicated.size > 0) {
      if (!this.#idle) {
        let resolve!: () => void;
        const done = new Promise<void>((r) => {
          resolve = r;
        });
        this.#idle = { done, resolve };
      }
      await this.#idle.done;
    }
    await this.#endThreads();
  }

  /** Stops now: running tasks (bigger-heap retries too) are terminated and fail, queued ones never start; every thread ends. */
  async destroy(): Promise<void> {
    this.#closed = true;
    for (const state of [...this.#attempts.values()]) this.#stop(state, 'pool-destroyed');
    await Promise.all([this.#endThreads(), ...[...this.#dedicated].map((pool) => pool.destroy())]);
  }

  #endThreads(): Promise<void> {
    this.#teardown ??= this.#piscina.destroy();
    return this.#teardown;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

interface JobHooks {
  readonly start: (state: AttemptState) => void;
  readonly batchLimit: (state: AttemptState) => number;
}

/** An attempt in the pool's fair queue. */
class Job implements AttemptJob {
  cancelled = false;
  readonly #state: () => AttemptState;
  readonly #hooks: JobHooks;

  constructor(state: () => AttemptState, hooks: JobHooks) {
    this.#state = state;
    this.#hooks = hooks;
  }

  get state(): AttemptState {
    return this.#state();
  }

  get batchLimit(): number {
    return this.#hooks.batchLimit(this.#state());
  }

  /** The attempt and its fused chain links. */
  get size(): number {
    return 1 + this.#state().links.length;
  }

  start(): void {
    this.#hooks.start(this.#state());
  }
}

/**
 * A fused chain link's request as it travels in a batch: the fields that
 * differ from the request before it (a field that request has and this one
 * lacks goes as undefined). The worker fills in the rest (worker-entry.ts
 * `runBatch`): along a chain most fields are the same, and every field
 * left out is one less for structured clone to write and read.
 */
function changedFields(request: WorkerRequest, previous: WorkerRequest): WorkerRequest {
  const changed: Record<string, unknown> = {};
  const now = request as unknown as Record<string, unknown>;
  const before = previous as unknown as Record<string, unknown>;
  for (const key in now) if (now[key] !== before[key]) changed[key] = now[key];
  for (const key in before) if (!(key in now)) changed[key] = undefined;
  return changed as unknown as WorkerRequest;
}

/** Outcomes of attempts that never reached a thread name the pool itself. */
const POOL_ID = 'worker-pool';

const workerIds: string[] = [];

/** `thread:<id>`, made once per thread. */
function workerIdOf(threadId: number): string {
  let id = workerIds[threadId];
  if (id === undefined) {
    id = `thread:${threadId}`;
    workerIds[threadId] = id;
  }
  return id;
}

/** The outcome, built field by field (a rest spread costs a small attempt more than the rest of its settling). */
function toOutcome(response: WorkerResponse): AttemptOutcome {
  const { threadId } = response;
  const workerId = threadId ? workerIdOf(threadId) : POOL_ID;
  if (response.ok) {
    const outcome: AttemptOutcome = {
      ok: true,
      value: response.value,
      startedAt: response.startedAt,
      finishedAt: response.finishedAt,
      workerId,
    };
    if (response.flushed) Object.assign(outcome, { flushed: response.flushed });
    if (response.heapUsedMb !== undefined) Object.assign(outcome, { heapUsedMb: response.heapUsedMb });
    return outcome;
  }
  const { threadId: _, ...rest } = response;
  return { ...rest, workerId };
}
