// A job names its module by a path relative to a root (the coordinator's
// `root`, the worker's `--root`) and carries the sha256 of the file, so a
// worker with other code refuses the job instead of running it. Only the
// module file itself is hashed: modules it imports are the deployment's to
// keep equal (docs/distributed.md).

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WorkerModuleLoadError } from 'processes-core';
import { ModuleOutsideRootError } from './errors.js';
import type { JobData } from './protocol.js';

export async function sha256OfFile(file: string): Promise<string | null> {
  try {
    return createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  } catch {
    return null;
  }
}

/** How the coordinator describes a task's module in a job. Cached per module URL by the caller. */
export async function moduleIdentity(taskName: string, moduleUrl: string, root: string): Promise<JobData['module']> {
  if (moduleUrl.startsWith('data:')) return { dataUrl: moduleUrl };
  const file = moduleUrl.startsWith('file:') ? fileURLToPath(moduleUrl) : moduleUrl;
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new ModuleOutsideRootError(taskName, moduleUrl, root);
  }
  let sha256: string;
  try {
    sha256 = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  } catch (cause) {
    // As a local pool would say it (the file is missing or unreadable here), before any job is sent.
    throw new WorkerModuleLoadError(
      taskName,
      moduleUrl,
      cause,
      'The coordinator hashes the module before it sends the job',
    );
  }
  return { path: relative.split(path.sep).join('/'), sha256 };
}

/** The module URL a worker imports for a job, resolved against its root. */
export function resolveModule(module: Extract<JobData['module'], { path: string }>, root: string): string {
  return pathToFileURL(path.resolve(root, ...module.path.split('/'))).href;
}
