import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * `mkdir -p`: makes `path` and any missing parents; an existing directory
 * is fine. Not `mkdir(path, { recursive: true })`: on a file system whose
 * mkdir answers ENOENT under a parent that exists (procfs: `/proc/x`),
 * Node's recursive mode retries for ever, and a log file, checkpoint or
 * cache placed there hung the run instead of failing it. Here each level
 * is made once, and an ENOENT once its parent exists is the error.
 */
export async function makeDirectory(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (error) {
    const parent = dirname(path);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) return existingOr(path, error);
    await makeDirectory(parent);
    await mkdir(path).catch((again: unknown) => existingOr(path, again));
  }
}

/** Resolves if `path` is a directory (it was there, or another writer just made it); else rejects with `error`. */
async function existingOr(path: string, error: unknown): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (!found?.isDirectory()) throw error;
}
