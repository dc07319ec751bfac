import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Task } from '../definition/task.js';
import type { UnhashableInputError } from '../errors/errors.js';
import type { TaskSpec } from '../executors/types.js';
import type { TaskFingerprint } from '../report/types.js';
import { hashParts, hashValue } from './canonical-hash.js';

/**
 * The code a task runs, as a sha256: a worker task's module FILE contents
 * and its export name; a main-thread task's function source. Only that one
 * file or function: code it imports or calls is not part of it (name a
 * version in `cacheKey` when a helper changes). `null` when the module file
 * cannot be read (the run will report why), or the function is bound or
 * built in (its source is `[native code]`): nothing can be reused for it.
 */
export async function codeFingerprints(specs: readonly TaskSpec[], files: FileHashes): Promise<(string | null)[]> {
  const urls = new Set<string>();
  for (const spec of specs) if (spec.kind === 'worker') urls.add(spec.moduleUrl);
  const fileHashes = new Map<string, string | null>();
  await Promise.all([...urls].map(async (url) => fileHashes.set(url, await files.hashOf(url))));
  // Many tasks share one module (or one function): each pair is hashed once.
  const workerCodes = new Map<string, string | null>();
  return specs.map((spec) => {
    if (spec.kind === 'main-thread') return functionFingerprint(spec.fn);
    const file = fileHashes.get(spec.moduleUrl) ?? null;
    if (file === null) return null;
    const id = `${file}|${spec.exportName}`;
    let code = workerCodes.get(id);
    if (code === undefined) {
      code = hashParts('worker', file, spec.exportName);
      workerCodes.set(id, code);
    }
    return code;
  });
}

// A function's source cannot change, so its hash is kept as long as the function lives.
const functionHashes = new WeakMap<object, string>();

function functionFingerprint(fn: (...args: never[]) => unknown): string | null {
  let found = functionHashes.get(fn);
  if (found === undefined) {
    const source = Function.prototype.toString.call(fn);
    // A bound or built-in function prints as `[native code]`: its target, bound arguments or
    // body cannot be seen, so two different ones would share a fingerprint.
    if (hasNoSource(source)) return null;
    found = hashParts('main-thread', source);
    functionHashes.set(fn, found);
  }
  return found;
}

/** Whether a function's source text is only `[native code]`, what bound and built-in functions print instead of a body. */
function hasNoSource(source: string): boolean {
  return /\{\s*\[native code\]\s*\}\s*$/.test(source);
}

/** Module file hashes, each file read once per run however many tasks share it. */
export class FileHashes {
  readonly #hashes = new Map<string, Promise<string | null>>();

  hashOf(moduleUrl: string): Promise<string | null> {
    let found = this.#hashes.get(moduleUrl);
    if (!found) {
      found = moduleUrl.startsWith('file:')
        ? readFile(fileURLToPath(moduleUrl)).then(
            (bytes) => createHash('sha256').update(bytes).digest('hex'),
            () => null,
          )
        : // A data: URL is its own content.
          Promise.resolve(createHash('sha256').update(moduleUrl).digest('hex'));
      this.#hashes.set(moduleUrl, found);
    }
    return found;
  }
}

/**
 * A task's fingerprint: its code, args, kwargs and dependency wiring, each
 * hashed apart so a resume can say which one changed. An arg or kwarg that
 * cannot be hashed leaves that part `null` (the task is never reused from a
 * report) and the refusal in `unhashable`, for the cache to throw.
 */
export function taskFingerprint(
  task: Task,
  code: string | null,
): { fingerprint: TaskFingerprint; unhashable: UnhashableInputError | undefined } {
  const own = ownFingerprint(task);
  // Every run fingerprints every task: the last result is kept (frozen, it is shared by the runs' entries).
  let whole = own.withCode;
  if (whole === undefined || whole.fingerprint.code !== code) {
    whole = Object.freeze({ fingerprint: Object.freeze({ code, ...own.parts }), unhashable: own.unhashable });
    own.withCode = whole;
  }
  return whole;
}

interface OwnFingerprint {
  readonly parts: Omit<TaskFingerprint, 'code'>;
  readonly unhashable: UnhashableInputError | undefined;
  /** The whole fingerprint with the code it was last asked for. */
  withCode?: { readonly fingerprint: TaskFingerprint; readonly unhashable: UnhashableInputError | undefined };
}

// A Task is immutable (frozen, and its args and kwargs frozen copies at the top level),
// so what it declares is hashed once, however many runs it takes part in.
const ownFingerprints = new WeakMap<Task, OwnFingerprint>();
const EMPTY_ARGS = hashValue([], '', 'args');
const EMPTY_KWARGS = hashValue({}, '', 'kwargs');

function ownFingerprint(task: Task): OwnFingerprint {
  const found = ownFingerprints.get(task);
  if (found) return found;
  let unhashable: UnhashableInputError | undefined;
  const attempt = (value: unknown, field: string): string | null => {
    try {
      return hashValue(value, task.name, field);
    } catch (error) {
      unhashable ??= error as UnhashableInputError;
      return null;
    }
  };
  const args = task.args.length === 0 ? EMPTY_ARGS : attempt(task.args, 'args');
  const kwargs = Object.keys(task.kwargs).length === 0 ? EMPTY_KWARGS : attempt(task.kwargs, 'kwargs');
  const dependencies = hashParts(
    ...task.dependencies.map(
      (d) =>
        `${d.taskName}|${d.useResultAsAdditionalArgs ? 'a' : ''}${d.useResultAsAdditionalKwargs ? `k:${d.additionalKwargName}` : ''}`,
    ),
  );
  const own: OwnFingerprint = { parts: { args, kwargs, dependencies }, unhashable };
  // Nested values in args may be mutable objects the caller changes between runs: only flat ones are kept.
  if (isFlat(task.args) && isFlat(Object.values(task.kwargs))) ownFingerprints.set(task, own);
  return own;
}

function isFlat(values: readonly unknown[]): boolean {
  return values.every((value) => value === null || (typeof value !== 'object' && typeof value !== 'function'));
}
