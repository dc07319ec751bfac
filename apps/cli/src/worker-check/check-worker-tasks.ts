// `processes validate`'s check of worker tasks: does each task's module
// import, and is the export it names a function? Answered by importing the
// modules in one throwaway worker thread (module-check-thread.ts), terminated
// afterwards, so a module's top-level code (opening connections, writing
// files, setting globals) runs there and not on the CLI's main thread.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerTaskProblem as ErrorsProblem } from '../errors.js';
import { formatLocation, locateSyntaxError } from '../syntax-location.js';
import type { CheckMessage, CheckRequest, ImportFailure } from './protocol.js';

/** A worker task as the check sees it. */
export interface WorkerTaskToCheck {
  readonly taskName: string;
  readonly moduleUrl: string;
  readonly exportName: string;
}

/** Why a worker task cannot run. */
export type WorkerTaskProblemReason =
  /** The module file (or a module it imports) does not exist. */
  | 'module-not-found'
  /** Importing the module threw: a syntax error, an exception at its top level. */
  | 'import-failed'
  /** The module did not finish importing within the time allowed. */
  | 'load-timeout'
  /** The module ended its thread while importing (`process.exit()`, a crash). */
  | 'thread-exited'
  /** The module has no export of that name. */
  | 'export-missing'
  /** The export exists but is not a function. */
  | 'not-a-function';

export interface WorkerTaskProblem extends WorkerTaskToCheck, ErrorsProblem {
  readonly reason: WorkerTaskProblemReason;
}

/** How long one module may take to import. A module that never finishes would hang `validate`. */
export const MODULE_LOAD_TIMEOUT_MS = 30_000;

/**
 * The file the thread loads: always the built JavaScript beside this module
 * in dist/ (threads run plain Node). When this module is the TypeScript
 * source (the CLI's tests run against src/, see vitest.shared.ts), it is the
 * same file in dist/, as processes-core's worker entry is.
 */
const THREAD_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/worker-check/module-check-thread.js', import.meta.url)
  : new URL('./module-check-thread.js', import.meta.url);

type ModuleOutcome =
  | {
      readonly kind: 'loaded';
      readonly exports: Readonly<Record<string, string>>;
      readonly available: readonly string[];
    }
  | { readonly kind: 'failed'; readonly failure: ImportFailure }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'exited'; readonly detail: string };

/**
 * Loads each task's module once, in a new worker thread that is terminated
 * when every module has answered (or one hangs or ends the thread), and
 * returns the problems, one per task that cannot run, in task order.
 */
export async function checkWorkerTasks(tasks: readonly WorkerTaskToCheck[], cwd: string): Promise<WorkerTaskProblem[]> {
  if (tasks.length === 0) return [];
  const modules = new Map<string, Set<string>>();
  for (const task of tasks) {
    const names = modules.get(task.moduleUrl) ?? new Set<string>();
    names.add(task.exportName);
    modules.set(task.moduleUrl, names);
  }
  const outcomes = await loadInThread({
    modules: [...modules].map(([moduleUrl, names]) => ({ moduleUrl, exportNames: [...names] })),
  });
  const problems: WorkerTaskProblem[] = [];
  for (const task of tasks) {
    const outcome = outcomes.get(task.moduleUrl);
    const problem = outcome ? await problemOf(task, outcome, cwd) : undefined;
    if (problem) problems.push({ ...task, ...problem });
  }
  return problems;
}

/**
 * Runs the thread and collects an outcome per module. A module that hangs
 * or ends the thread gets that outcome, and the modules after it are
 * loaded in a fresh thread, so one bad module does not hide the others.
 */
async function loadInThread(request: CheckRequest): Promise<Map<string, ModuleOutcome>> {
  const outcomes = new Map<string, ModuleOutcome>();
  let remaining = request.modules;
  while (remaining.length > 0) {
    const stopped = await oneThread({ modules: remaining }, outcomes);
    if (stopped === undefined) break;
    outcomes.set(stopped.moduleUrl, stopped.outcome);
    remaining = remaining.filter((module) => !outcomes.has(module.moduleUrl));
  }
  return outcomes;
}

/** One thread over the modules; resolves with the module that stopped it early, if one did. */
function oneThread(
  request: CheckRequest,
  outcomes: Map<string, ModuleOutcome>,
): Promise<{ moduleUrl: string; outcome: ModuleOutcome } | undefined> {
  return new Promise((resolve) => {
    // stdout/stderr captured and dropped: what a module prints while it loads is not validate's output.
    const worker = new Worker(THREAD_URL, { workerData: request, stdout: true, stderr: true });
    worker.stdout.resume();
    worker.stderr.resume();
    let loading: string | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (stopped: { moduleUrl: string; outcome: ModuleOutcome } | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Whatever the modules left running (timers, sockets) ends with the thread.
      void worker.terminate().finally(() => resolve(stopped));
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (loading !== undefined) finish({ moduleUrl: loading, outcome: { kind: 'timeout' } });
      }, MODULE_LOAD_TIMEOUT_MS);
    };
    worker.on('message', (message: CheckMessage) => {
      if (message.kind === 'loading') {
        loading = message.moduleUrl;
        arm();
      } else if (message.kind === 'module') {
        loading = undefined;
        clearTimeout(timer);
        outcomes.set(
          message.moduleUrl,
          message.failure
            ? { kind: 'failed', failure: message.failure }
            : { kind: 'loaded', exports: message.exports, available: message.available },
        );
      } else {
        finish(undefined);
      }
    });
    // The thread swallows stray errors, so an 'error' here is the thread itself failing (out of memory, say).
    worker.on('error', (error: Error) => {
      const moduleUrl = loading ?? request.modules.find((m) => !outcomes.has(m.moduleUrl))?.moduleUrl;
      finish(
        moduleUrl ? { moduleUrl, outcome: { kind: 'exited', detail: `${error.name}: ${error.message}` } } : undefined,
      );
    });
    worker.on('exit', (code) => {
      const moduleUrl = loading ?? request.modules.find((m) => !outcomes.has(m.moduleUrl))?.moduleUrl;
      finish(moduleUrl ? { moduleUrl, outcome: { kind: 'exited', detail: `exit code ${code}` } } : undefined);
    });
  });
}

async function problemOf(
  task: WorkerTaskToCheck,
  outcome: ModuleOutcome,
  cwd: string,
): Promise<Pick<WorkerTaskProblem, 'reason' | 'message'> | undefined> {
  const where = `module ${displayModule(task.moduleUrl, cwd)}`;
  switch (outcome.kind) {
    case 'timeout':
      return {
        reason: 'load-timeout',
        message: `${where} did not finish importing within ${MODULE_LOAD_TIMEOUT_MS / 1000} s (its top-level code waits on something).`,
      };
    case 'exited':
      return { reason: 'thread-exited', message: `${where} ended its thread while importing (${outcome.detail}).` };
    case 'failed': {
      const { failure } = outcome;
      if (failure.code === 'ERR_MODULE_NOT_FOUND') {
        const path = task.moduleUrl.startsWith('file:') ? fileURLToPath(task.moduleUrl) : undefined;
        // Node names the file it looked for: the module itself, or a module it imports.
        const itself = path !== undefined && failure.message.includes(`'${path}'`);
        return {
          reason: 'module-not-found',
          message: itself
            ? `${where} was not found (no file at ${path}).`
            : `${where} cannot be imported: ${firstLine(failure.message)}`,
        };
      }
      const location = failure.location ?? (await syntaxLocationOf(task.moduleUrl, failure));
      return {
        reason: 'import-failed',
        message: `${where} cannot be imported: ${failure.name}: ${firstLine(failure.message)}${location ? ` (at ${location})` : ''}`,
      };
    }
    case 'loaded': {
      const kind = outcome.exports[task.exportName];
      if (kind === 'function') return undefined;
      if (kind === undefined || kind === 'missing') {
        const names = outcome.available.map((name) => `\`${name}\``).join(', ');
        return {
          reason: 'export-missing',
          message: `${where} has no export \`${task.exportName}\` (${names ? `it exports ${names}` : 'it exports nothing'}).`,
        };
      }
      return {
        reason: 'not-a-function',
        message: `${where}: export \`${task.exportName}\` is ${kind === 'object' ? 'an object' : `a ${kind}`}, not a function.`,
      };
    }
  }
}

/** Node 20 gives an ES module's SyntaxError no location: find it with `node --check`. */
async function syntaxLocationOf(moduleUrl: string, failure: ImportFailure): Promise<string | undefined> {
  if (failure.name !== 'SyntaxError' || !moduleUrl.startsWith('file:')) return undefined;
  const found = await locateSyntaxError(fileURLToPath(moduleUrl));
  return found ? formatLocation(found) : undefined;
}

/** A file URL as a path relative to the working directory when inside it; other URLs shortened. */
export function displayModule(moduleUrl: string, cwd: string): string {
  if (moduleUrl.startsWith('data:')) return 'data: URL';
  if (!moduleUrl.startsWith('file:')) return moduleUrl;
  const path = fileURLToPath(moduleUrl);
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline === -1 ? text : text.slice(0, newline);
}
