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
 * cannot be read (the run will report why; nothing can be reused for it).
 */
export async function codeFingerprint(spec: TaskSpec, files: FileHashes): Promise<string | null> {
  if (spec.kind === 'main-thread') return hashParts('main-thread', spec.fn.toString());
  const file = await files.hashOf(spec.moduleUrl);
  return file === null ? null : hashParts('worker', file, spec.exportName);
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
  let unhashable: UnhashableInputError | undefined;
  const attempt = (value: unknown, field: string): string | null => {
    try {
      return hashValue(value, task.name, field);
    } catch (error) {
      unhashable ??= error as UnhashableInputError;
      return null;
    }
  };
  const args = attempt(task.args, 'args');
  const kwargs = attempt(task.kwargs, 'kwargs');
  const dependencies = hashParts(
    ...task.dependencies.map(
      (d) =>
        `${d.taskName}|${d.useResultAsAdditionalArgs ? 'a' : ''}${d.useResultAsAdditionalKwargs ? `k:${d.additionalKwargName}` : ''}`,
    ),
  );
  return { fingerprint: { code, args, kwargs, dependencies }, unhashable };
}
