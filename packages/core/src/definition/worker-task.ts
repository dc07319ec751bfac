import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../errors/errors.js';

/**
 * A task body that runs on a worker thread, named by module and export
 * because a function cannot cross a thread boundary. Create it with
 * {@link workerTask}.
 */
export class WorkerTaskRef {
  /** The module's URL (`file:` or `data:`), as the worker imports it. */
  readonly moduleUrl: string;
  readonly exportName: string;

  constructor(moduleUrl: string, exportName: string) {
    this.moduleUrl = moduleUrl;
    this.exportName = exportName;
    Object.freeze(this);
  }

  /** How reports name it: the export, or `<file>#default` for a default export. */
  get displayName(): string {
    if (this.exportName !== 'default') return this.exportName;
    const file = this.moduleUrl.startsWith('data:')
      ? 'data-url'
      : this.moduleUrl.slice(this.moduleUrl.lastIndexOf('/') + 1);
    return `${file}#default`;
  }
}

/**
 * Refers to a function exported by a module, to run on a worker thread:
 *
 * ```ts
 * new Task('parse', workerTask(new URL('./tasks.js', import.meta.url), 'parse'))
 * ```
 *
 * Each thread imports the module once and calls the export (sync or async)
 * with the task's arguments. The module must be JavaScript Node can import,
 * or the pool's threads must be started with a loader
 * (`new WorkerPool({ execArgv: ['--import', 'tsx'] })`).
 *
 * @param moduleUrl A `file:` or `data:` URL (a `URL` or a string), or an absolute path.
 * @param exportName The export to call. @default 'default'
 */
export function workerTask(moduleUrl: URL | string, exportName = 'default'): WorkerTaskRef {
  const where = 'workerTask()';
  let href: string | undefined;
  if (moduleUrl instanceof URL) href = moduleUrl.href;
  else if (typeof moduleUrl === 'string' && isAbsolute(moduleUrl)) href = pathToFileURL(moduleUrl).href;
  else if (typeof moduleUrl === 'string' && URL.canParse(moduleUrl)) href = new URL(moduleUrl).href;
  if (href === undefined || !/^(file|data):/.test(href)) {
    throw new InvalidOptionError(
      where,
      'moduleUrl',
      "a file: or data: URL, or an absolute path (for example `new URL('./tasks.js', import.meta.url)`)",
      moduleUrl,
    );
  }
  if (typeof exportName !== 'string' || exportName === '') {
    throw new InvalidOptionError(where, 'exportName', 'a non-empty string', exportName);
  }
  return new WorkerTaskRef(href, exportName);
}

/** @internal Whether a task body runs on a worker (is a {@link workerTask}). */
export function isWorkerTask(fn: unknown): fn is WorkerTaskRef {
  return fn instanceof WorkerTaskRef;
}
