/**
 * The only file a worker thread loads (piscina's `filename`). It imports
 * nothing from the scheduler. Each attempt: import the task's module (once
 * per thread), tell the main thread the attempt started, run the export in a
 * task context, and resolve to a {@link WorkerResponse}: errors are data and
 * never thrown at piscina. Messages: {@link file://./protocol.ts}.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { type Logger, pino } from 'pino';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { TaskTimeoutError, WorkerExportNotFoundError, WorkerModuleLoadError } from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import { Redaction } from '../../logging/redaction.js';
import { lineLogger } from '../../logging/sink-logger.js';
import { now } from '../../run/clock.js';
import { currentTaskContext, runInTaskContext, type TaskContext } from '../../run/context.js';
import { TracedVarsRecorder, type TracedVarsSnapshot } from '../traced-vars.js';
import {
  DECIDED,
  EVENT_TAG,
  LOADED,
  type WorkerEventBody,
  type WorkerRequest,
  type WorkerResponse,
  type WorkerStartup,
} from './protocol.js';
import { collectTransferables } from './transferables.js';

type TaskFunction = (...args: unknown[]) => unknown;

const modules = new Map<string, Promise<Record<string, unknown>>>();
/** Functions already loaded, by `moduleUrl#exportName`: later attempts call them without awaiting the import. */
const loadedTasks = new Map<string, TaskFunction>();
/** The signal of attempts without a timeout: nothing in this thread ever aborts it. */
const NEVER_ABORTED = new AbortController().signal;
/** In-flight attempts, by id: how to fail each one from outside its promise chain. */
const inFlight = new Map<number, (error: unknown) => void>();
const attemptOfContext = new WeakMap<TaskContext, number>();
const silent = pino({ level: 'silent' });
/**
 * The attempt whose response piscina is posting. With one task per thread
 * it is the only one that can make piscina's postMessage fail.
 */
let lastReturned: number | undefined;

function post(event: WorkerEventBody): void {
  parentPort?.postMessage({ tag: EVENT_TAG, ...event });
}

/**
 * An exception nobody caught (a timer or event handler the task set up
 * threw, or a promise it dropped rejected). AsyncLocalStorage still knows
 * which task's callback it was: if that attempt is running it fails with
 * this error; if it already ended, the main thread gets a warning. Anything
 * that is not a task's (piscina's own failures, such as a result that cannot
 * be cloned) is rethrown so the thread fails and piscina reports it.
 */
function onStrayError(error: unknown): void {
  const context = currentTaskContext();
  const attemptId = context ? attemptOfContext.get(context) : undefined;
  if (context && attemptId !== undefined) {
    const fail = inFlight.get(attemptId);
    if (fail) fail(error);
    else post({ kind: 'late-error', taskName: context.taskName, runId: context.runId, error: serializeError(error) });
    return;
  }
  if (lastReturned !== undefined && (error as { name?: unknown })?.name === 'DataCloneError') {
    // piscina could not post our response, so it will never answer for this
    // attempt. Tell the main thread, which ends the attempt and this thread.
    post({ kind: 'uncloneable', attemptId: lastReturned, threadId, message: String((error as Error).message) });
    return;
  }
  throw error;
}
/**
 * Attempts called so that their escaping exception looks uncaught to V8 (see
 * traced-vars.ts): the promise left without a rejection handler, and how to
 * fail its attempt when it rejects.
 */
const uncaughtOnPurpose = new WeakMap<Promise<unknown>, (error: unknown) => void>();

process.on('uncaughtException', onStrayError);
process.on('unhandledRejection', (reason: unknown, promise: Promise<unknown>) => {
  const fail = uncaughtOnPurpose.get(promise);
  if (fail) fail(reason);
  else onStrayError(reason);
});

const startup = (workerData ?? {}) as Partial<WorkerStartup>;

/** The heap is nearly full (seen by the debugger): say which attempt it was, and end the thread as Node would. */
function outOfMemory(): void {
  const context = currentTaskContext();
  post({ kind: 'out-of-memory', attemptId: context ? attemptOfContext.get(context) : lastReturned });
  exitThread(1);
}
const recorder = startup.tracedVars ? new TracedVarsRecorder('uncaught', outOfMemory) : undefined;
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

// A task that calls process.exit() ends the thread; say so first, for a clear error.
const exitThread = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  const context = currentTaskContext();
  const attemptId = context ? attemptOfContext.get(context) : undefined;
  if (attemptId !== undefined) post({ kind: 'exit', attemptId, code: code == null ? 0 : Number(code) });
  return exitThread(code);
}) as typeof process.exit;

const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

/**
 * Imports a task module. A TypeScript module that Node cannot load by itself
 * is imported through tsx's `tsImport` when tsx is installed: on Node 20 a
 * loader given to a worker through `execArgv` does not apply to it
 * (nodejs/node#47747), so this is what makes `.ts` task modules just work.
 */
async function importModule(moduleUrl: string): Promise<Record<string, unknown>> {
  try {
    return (await import(moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    if (!TYPESCRIPT_FILE.test(moduleUrl) || (error as { code?: unknown })?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw error;
    }
    const tsx = resolveTsx(moduleUrl);
    if (!tsx) {
      throw new Error(
        `${(error as Error).message}. Install tsx next to the pipeline (npm install --save-dev tsx) to run TypeScript task modules, or on Node 22+ start the pool's threads with a loader: new WorkerPool({ execArgv: ['--import', 'tsx'] })`,
      );
    }
    const { tsImport } = (await import(tsx)) as {
      tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>>;
    };
    return tsImport(moduleUrl, import.meta.url);
  }
}

/**
 * The ESM build of tsx's API (`tsx/esm/api`, import condition), as seen from
 * the task module, then from the working directory.
 */
function resolveTsx(moduleUrl: string): string | undefined {
  for (const base of [moduleUrl, pathToFileURL(join(process.cwd(), 'package.json')).href]) {
    try {
      // require.resolve finds the package (with the require condition); its exports map names the ESM file.
      let dir = dirname(createRequire(base).resolve('tsx/esm/api'));
      while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        exports?: Record<string, { import?: { default?: string } }>;
      };
      const entry = manifest.exports?.['./esm/api']?.import?.default;
      if (entry) return pathToFileURL(join(dir, entry)).href;
    } catch {
      // not installed there; try the next place
    }
  }
  return undefined;
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

/**
 * Calls a capturing task so that an exception escaping it looks uncaught to
 * V8's catch prediction, which then pauses at the throw for the recorder.
 * The call runs in a reaction of a settled promise whose derived promise has
 * no handler at all (a synchronous throw rejects it, unhandled), and a
 * returned promise gets a fulfilment handler only; it is not returned from
 * the reaction, since adopting it would count as handling it. A rejection of
 * either reaches the unhandledRejection handler, which fails the attempt.
 */
function callSoThatEscapesLookUncaught(
  call: () => unknown,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): void {
  const started = SETTLED.then(() => {
    const result = call();
    if (!isThenable(result)) return resolve(result);
    uncaughtOnPurpose.set(Promise.resolve(result).then(resolve), reject);
  });
  uncaughtOnPurpose.set(started, reject);
}

const SETTLED: Promise<void> = Promise.resolve();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Attempts that sent log lines: their response must wait for a flush marker on the same port. */
const sentLines = new Set<number>();

/**
 * The task's logger: each line goes to the main thread on `parentPort`,
 * tagged with its attempt, where the pool hands it to the request's log sink
 * (which adds the task's bindings and writes the file and the process
 * logger). See {@link finish} for how no line is left behind.
 */
function loggerFor(request: WorkerRequest): Logger {
  if (!request.forwardLogs) return silent;
  const { attemptId } = request;
  return lineLogger(request.logLevel, (line: string) => {
    // A line after the attempt ended (a stray timer) needs no marker: the pool has let go of the attempt.
    if (inFlight.has(attemptId)) sentLines.add(attemptId);
    post({ kind: 'log', attemptId, line });
  });
}

/** piscina calls this for each attempt (the pool names it as the handler). */
export async function runAttempt(request: WorkerRequest): Promise<WorkerResponse | object> {
  lastReturned = request.attemptId;
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
  let log: Logger | undefined;
  const context: TaskContext = {
    taskName: request.taskName,
    attempt: request.attempt,
    signal: controller?.signal ?? NEVER_ABORTED,
    // Made on first use: most tasks never log, and a logger costs more than the rest of the context.
    get log() {
      log ??= loggerFor(request);
      return log;
    },
    runId: request.runId,
  };
  attemptOfContext.set(context, attemptId);

  const capture = recorder !== undefined && request.captureTracedVars;
  if (capture) {
    recorder.watch(context, { frameFilter: request.tracedVarsFrameFilter, redaction: redactionFor(request) });
  }
  let response: WorkerResponse;
  try {
    const value = await new Promise<unknown>((resolve, reject) => {
      inFlight.set(attemptId, reject);
      runInTaskContext(context, () => {
        if (capture) {
          callSoThatEscapesLookUncaught(() => call(...request.args), resolve, reject);
          return;
        }
        try {
          // Not resolve(promise): that would lock the outcome to the task's
          // promise, and a stray error could no longer fail the attempt.
          Promise.resolve(call(...request.args)).then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      });
    });
    response = { ok: true, value, startedAt, finishedAt: now(), threadId };
  } catch (error) {
    // Stamped before the error is described: reading a stack the first time can take milliseconds.
    const finishedAt = now();
    decided(request); // before the slow part, so the backstop does not kill a thread that is only describing an error
    const tracedVars: TracedVarsSnapshot | undefined = capture ? recorder.snapshotFor(context, error) : undefined;
    response = {
      ok: false,
      error: serializeError(error),
      startedAt,
      finishedAt,
      threadId,
      ...(tracedVars ? { tracedVars } : {}),
    };
  } finally {
    decided(request);
    inFlight.delete(attemptId);
    clearTimeout(timer);
  }
  if (timedOut) {
    // Past the deadline the outcome is a timeout, whatever the task did when its signal fired.
    const error = new TaskTimeoutError(request.taskName, timeoutMs ?? 0, request.attempt, 'signal');
    response = { ok: false, error: serializeError(error), startedAt, finishedAt: response.finishedAt, threadId };
  }
  return finish(request, response);
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
  const flushed = sentLines.delete(request.attemptId);
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
