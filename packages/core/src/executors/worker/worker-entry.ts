import { getHeapStatistics } from 'node:v8';
/**
 * The only file a worker thread loads (piscina's `filename`). It imports
 * nothing from the scheduler. Each attempt: tell the main thread it started,
 * import the task's module (once per thread), run the export in a task
 * context, and resolve to a {@link WorkerResponse}: errors are data and
 * never thrown at piscina. Messages: {@link file://./protocol.ts}. Its
 * parts: stray-error routing (stray-errors.ts), the process.exit guard
 * (exit-guard.ts), TypeScript imports (typescript-import.ts), the task
 * loggers (worker-loggers.ts) and the capturing call (capture-call.ts).
 */
import { threadId, workerData } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { TaskTimeoutError, WorkerExportNotFoundError, WorkerModuleLoadError } from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import { Redaction } from '../../logging/redaction.js';
import { now } from '../../run/clock.js';
import { currentTaskContext, runInTaskContext, type TaskContext } from '../../run/context.js';
import { type CaptureSettings, TracedVarsRecorder, type TracedVarsSnapshot } from '../traced-vars.js';
import { WorkerTaskContext } from './attempt-context.js';
import { heldCount, holdNotRun, holdResult, sendHeldResults } from './batch-results.js';
import { callSoThatEscapesLookUncaught } from './capture-call.js';
import { chainedArguments } from './chained-arguments.js';
import { guardProcessExit } from './exit-guard.js';
import { type InlineAttempts, runInline } from './inline-attempts.js';
import {
  BATCH_DONE,
  BATCH_THREAD,
  DECIDED,
  LOADED,
  type WorkerBatch,
  type WorkerRequest,
  type WorkerResponse,
  type WorkerStartup,
} from './protocol.js';
import { failWhenUnhandled, routeStrayErrors } from './stray-errors.js';
import { inFlight, lastStarted, post } from './thread-state.js';
import { collectTransferables } from './transferables.js';
import { importModule } from './typescript-import.js';
import { takeSentLines } from './worker-loggers.js';

type TaskFunction = (...args: unknown[]) => unknown;

const modules = new Map<string, Promise<Record<string, unknown>>>();
/** Functions already loaded, by `moduleUrl#exportName`: later attempts call them without awaiting the import. */
const loadedTasks = new Map<string, TaskFunction>();
/** The signal of attempts without a timeout: nothing in this thread ever aborts it. */
const NEVER_ABORTED = new AbortController().signal;

routeStrayErrors();
// A task that calls process.exit() ends the thread; the guard says so first, for a clear error.
const exitThread = guardProcessExit();

const startup = (workerData ?? {}) as Partial<WorkerStartup>;

/** The heap is nearly full (seen by the debugger): say which attempt it was, and end the thread as Node would. */
function outOfMemory(): void {
  const context = currentTaskContext();
  post({
    kind: 'out-of-memory',
    attemptId: context ? WorkerTaskContext.requestOf(context)?.attemptId : lastStarted.attemptId,
  });
  sendHeldResults();
  exitThread(1);
}
const recorder = startup.tracedVars
  ? new TracedVarsRecorder('uncaught', outOfMemory, WorkerTaskContext.captureSlots)
  : undefined;
recorder?.enable();
const redactions = new Map<string, Redaction>();

function redactionFor(request: WorkerRequest): Redaction {
  const wire = request.redaction;
  if (!wire) return Redaction.DEFAULT;
  const key = `${wire.flags}/${wire.source}`;
  let redaction = redactions.get(key);
  if (!redaction) {
    redaction = new Redaction(wire);
    redactions.set(key, redaction);
  }
  return redaction;
}

async function loadTask(request: WorkerRequest): Promise<TaskFunction> {
  const { moduleUrl, exportName, taskName } = request;
  let loading = modules.get(moduleUrl);
  if (!loading) {
    loading = importModule(moduleUrl);
    modules.set(moduleUrl, loading);
    // A failed import is not cached: the file may be fixed before the next run.
    loading.catch(() => modules.delete(moduleUrl));
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = await loading;
  } catch (cause) {
    throw new WorkerModuleLoadError(taskName, moduleUrl, cause);
  }
  const candidate = namespace[exportName];
  if (typeof candidate !== 'function') {
    const found = exportName in namespace ? `it is ${candidate === null ? 'null' : typeof candidate}` : 'not exported';
    throw new WorkerExportNotFoundError(taskName, moduleUrl, exportName, found, Object.keys(namespace));
  }
  loadedTasks.set(`${moduleUrl}#${exportName}`, candidate as TaskFunction);
  return candidate as TaskFunction;
}

/** piscina calls this for each attempt (the pool names it as the handler). */
export async function runAttempt(request: WorkerRequest): Promise<WorkerResponse | object> {
  return finish(request, await runOne(request, request.args));
}

/**
 * piscina calls this for a batch of short, untimed attempts of one run
 * (worker-pool.ts sends them together to save a message round trip each).
 * They run one after the other, as attempts on one thread always do. The
 * responses go back on `parentPort`, after any log line of theirs on the
 * same port, so no flush marker is needed; piscina's own answer carries
 * nothing. A response that cannot be cloned fails its attempt alone.
 * A fused chain link (`chained`) runs right after the link before it, with
 * that link's result, and only if it succeeded; otherwise it is reported as
 * not run, and so is every link after it.
 */
export async function runBatch({ requests, progress }: WorkerBatch): Promise<null> {
  Atomics.store(progress, BATCH_THREAD, threadId);
  // A batch without a fused chain: its attempts are independent, and run inline (runPlainBatch).
  if (!requests.some((request) => request.chained)) return runPlainBatch(requests, progress);
  let previous: WorkerResponse | undefined;
  // In a fused chain the main thread waits for results to go on; sending them in growing
  // groups (1, 2, 4, … links) lets it settle one group while this thread runs the next.
  let sendAt = 1;
  let before: WorkerRequest | undefined;
  for (let i = 0; i < requests.length; i++) {
    const sent = requests[i] as WorkerRequest;
    // A chain link carries only the fields that differ from the request before it (worker-pool.ts changedFields).
    const request: WorkerRequest = sent.chained && before ? { ...before, ...sent } : sent;
    before = request;
    const args = request.chained ? chainedArguments(request.chained, previous) : request.args;
    if (args === undefined) {
      holdNotRun(request);
      previous = undefined;
    } else {
      previous = await runOne(request, args);
      takeSentLines(request.attemptId);
      holdResult(request, previous);
    }
    Atomics.add(progress, BATCH_DONE, 1);
    if (requests[i + 1]?.chained && heldCount() >= sendAt) {
      sendHeldResults();
      sendAt *= 2;
    }
  }
  sendHeldResults();
  return null;
}

/**
 * The attempts of a batch with no fused chain, one after the other: those
 * whose function is loaded run back to back (inline-attempts.ts), the rest
 * one by one.
 */
async function runPlainBatch(requests: readonly WorkerRequest[], progress: Int32Array): Promise<null> {
  const ended = (request: WorkerRequest, response: WorkerResponse): void => {
    takeSentLines(request.attemptId);
    holdResult(request, response);
    Atomics.add(progress, BATCH_DONE, 1);
  };
  const inline = inlineAttempts(requests, ended);
  for (let next = 0; next < requests.length; next++) {
    const stop = await runInline(requests.length, next, inline, recorder !== undefined);
    next = stop.next;
    const request = requests[next];
    if (request === undefined) break;
    ended(request, await (stop.pending ?? runOne(request, request.args)));
  }
  sendHeldResults();
  return null;
}

/** An attempt of a batch whose function is loaded, set up as {@link runOne} sets one up. */
interface BatchAttempt {
  readonly request: WorkerRequest;
  readonly call: TaskFunction;
  readonly context: TaskContext;
  readonly capture: boolean;
  readonly startedAt: number;
}

/** The attempts of a batch, for {@link runInline}: the responses are those {@link runOne} would give. */
function inlineAttempts(
  requests: readonly WorkerRequest[],
  ended: (request: WorkerRequest, response: WorkerResponse) => void,
): InlineAttempts<BatchAttempt, WorkerResponse> {
  const succeeded = (attempt: BatchAttempt, value: unknown): WorkerResponse => {
    const { request, startedAt } = attempt;
    const response = { ok: true, value, startedAt, finishedAt: now(), threadId, ...heapUsed(request) } as const;
    endAttempt(attempt);
    return response;
  };
  const failed = (attempt: BatchAttempt, error: unknown): WorkerResponse => {
    const finishedAt = now();
    const { request, context, capture } = attempt;
    const response = failure(request, error, attempt.startedAt, finishedAt, capture ? context : undefined);
    endAttempt(attempt);
    return response;
  };
  return {
    begin(index) {
      const request = requests[index] as WorkerRequest;
      // A batch holds untimed attempts only; one with a timeout would need runOne's timer.
      const call =
        request.timeoutMs === null ? loadedTasks.get(`${request.moduleUrl}#${request.exportName}`) : undefined;
      if (!call) return undefined;
      lastStarted.attemptId = request.attemptId;
      const startedAt = now();
      loaded(request);
      const context = contextFor(request, NEVER_ABORTED);
      const capture = recorder !== undefined && request.captureTracedVars;
      if (capture) recorder.watch(context, captureSettingsOf);
      return { request, call, context, capture, startedAt };
    },
    captures: (attempt) => attempt.capture,
    call: ({ request, call, context }) => runInTaskContext(context, () => call(...request.args)),
    succeeded: (attempt, value) => ended(attempt.request, succeeded(attempt, value)),
    failed: (attempt, error) => ended(attempt.request, failed(attempt, error)),
    follow(attempt, value) {
      const { attemptId } = attempt.request;
      return new Promise<unknown>((resolve, reject) => {
        // Until it settles, a stray error of the task fails it (stray-errors.ts), as in runOne.
        inFlight.set(attemptId, reject);
        if (attempt.capture) failWhenUnhandled(Promise.resolve(value).then(resolve), reject);
        else Promise.resolve(value).then(resolve, reject);
      }).then(
        (settled) => succeeded(attempt, settled),
        (error: unknown) => failed(attempt, error),
      );
    },
  };
}

function endAttempt({ request, context, capture }: BatchAttempt): void {
  decided(request);
  inFlight.delete(request.attemptId);
  if (capture) recorder?.end(context);
}

/** One attempt, start to decided response (not yet handed to piscina). */
async function runOne(request: WorkerRequest, args: readonly unknown[]): Promise<WorkerResponse> {
  lastStarted.attemptId = request.attemptId;
  const { attemptId, timeoutMs } = request;
  // The attempt's clock starts before the module loads: a module that never
  // finishes importing is still bound by timeoutMs (the main thread's hard
  // timer starts at 'started'). docs/reliability.md.
  const startedAt = now();
  const key = `${request.moduleUrl}#${request.exportName}`;
  let task = loadedTasks.get(key);
  if (task) loaded(request);
  if (timeoutMs !== null) post({ kind: 'started', attemptId, startedAt, threadId });
  // Only a timed attempt's signal can fire here (a cancelled run terminates the thread instead).
  const controller = timeoutMs === null ? undefined : new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  if (timeoutMs !== null) {
    timer = setTimeout(() => {
      timedOut = true;
      controller?.abort(new TaskTimeoutError(request.taskName, timeoutMs, request.attempt, 'signal'));
    }, timeoutMs);
  }
  if (!task) {
    try {
      task = await loadTask(request);
    } catch (error) {
      const finishedAt = now();
      clearTimeout(timer);
      decided(request);
      return { ok: false, error: serializeError(error), startedAt, finishedAt, threadId };
    }
    loaded(request);
  }
  const call = task;
  const context = contextFor(request, controller?.signal ?? NEVER_ABORTED);

  const capture = recorder !== undefined && request.captureTracedVars;
  if (capture) recorder.watch(context, captureSettingsOf);
  let response: WorkerResponse;
  try {
    const value = await new Promise<unknown>((resolve, reject) => {
      inFlight.set(attemptId, reject);
      runInTaskContext(context, () => {
        if (capture) {
          callSoThatEscapesLookUncaught(() => call(...args), resolve, reject);
          return;
        }
        try {
          // Not resolve(promise): that would lock the outcome to the task's
          // promise, and a stray error could no longer fail the attempt.
          Promise.resolve(call(...args)).then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      });
    });
    response = { ok: true, value, startedAt, finishedAt: now(), threadId, ...heapUsed(request) };
  } catch (error) {
    // Stamped before the error is described: reading a stack the first time can take milliseconds.
    const finishedAt = now();
    decided(request); // before the slow part, so the backstop does not kill a thread that is only describing an error
    response = failure(request, error, startedAt, finishedAt, capture ? context : undefined);
  } finally {
    decided(request);
    inFlight.delete(attemptId);
    clearTimeout(timer);
    if (capture) recorder.end(context);
  }
  if (timedOut) {
    // Past the deadline the outcome is a timeout, whatever the task did when its signal fired.
    const error = new TaskTimeoutError(request.taskName, timeoutMs ?? 0, request.attempt, 'signal');
    response = { ok: false, error: serializeError(error), startedAt, finishedAt: response.finishedAt, threadId };
  }
  return response;
}

/** The context of an attempt (what `taskContext()` returns in it), known to the stray-error route by its attempt. */
function contextFor(request: WorkerRequest, signal: AbortSignal): TaskContext {
  return new WorkerTaskContext(request, signal);
}

/** How an attempt's failure records traced variables: read from its request, only if it throws. */
function captureSettingsOf(context: TaskContext): CaptureSettings {
  const request = WorkerTaskContext.requestOf(context) as WorkerRequest;
  return { frameFilter: request.tracedVarsFrameFilter, redaction: redactionFor(request) };
}

/** The response of a failed attempt; `captured`: the context whose traced variables it carries. */
function failure(
  request: WorkerRequest,
  error: unknown,
  startedAt: number,
  finishedAt: number,
  captured: TaskContext | undefined,
): WorkerResponse {
  const tracedVars: TracedVarsSnapshot | undefined = captured ? recorder?.snapshotFor(captured, error) : undefined;
  return {
    ok: false,
    error: serializeError(error),
    startedAt,
    finishedAt,
    threadId,
    ...(tracedVars ? { tracedVars } : {}),
    ...heapUsed(request),
  };
}

/** The heap in use now, in MB, when the request asks (`retryOnOom` tasks): the garbage of the attempt is still in it. */
function heapUsed(request: WorkerRequest): { heapUsedMb?: number } {
  if (!request.measureHeap) return {};
  return { heapUsedMb: Math.round((getHeapStatistics().used_heap_size / 1_048_576) * 10) / 10 };
}

/**
 * Tells the main thread, through memory it shares with it, that this
 * attempt's outcome is decided: from here the response is on its way, so
 * the hard-timeout backstop must not terminate the thread. A message could
 * not say it in time: the main thread may run its timers before it reads
 * its ports.
 */
function decided(request: WorkerRequest): void {
  if (request.progress) Atomics.store(request.progress, DECIDED, 1);
}

/** Tells the main thread, the same way, that the task's module is imported: a timeout from here on is the task's. */
function loaded(request: WorkerRequest): void {
  if (request.progress) Atomics.store(request.progress, LOADED, 1);
}

/**
 * The response to hand piscina. Log lines travel on `parentPort` and the
 * response on piscina's own port, and nothing orders two ports; so an
 * attempt that logged sends a flush marker after its last line, and the
 * pool settles it only once the marker (and so every line) has arrived.
 */
function finish(request: WorkerRequest, response: WorkerResponse): WorkerResponse | object {
  const flushed = takeSentLines(request.attemptId);
  if (flushed) post({ kind: 'flushed', attemptId: request.attemptId });
  const answer: WorkerResponse = flushed ? { ...response, flushed } : response;
  if (answer.ok && request.transferResult) {
    const buffers = collectTransferables(answer.value);
    if (buffers.length > 0) {
      return move({
        get [transferableSymbol]() {
          return buffers;
        },
        get [valueSymbol]() {
          return answer;
        },
      } as unknown as ArrayBuffer);
    }
  }
  return answer;
}

// Task modules import the engine's public entry (for taskContext()). Importing
// it while the thread starts, before any attempt's clock runs, keeps the
// engine's own load out of the first attempt's timeout: the clock covers the
// task's module, not the library it imports.
await import('../../index.js');
