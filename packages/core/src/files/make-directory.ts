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
    return;
  } catch (error) {
    if (await isDirectory(path)) return;
    const parent = dirname(path);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw error;
  }
  await makeDirectory(dirname(path));
  try {
    await mkdir(path);
  } catch (error) {
    // Another writer may have made it meanwhile.
    if (!(await isDirectory(path))) throw error;
  }
}

function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (found) => found.isDirectory(),
    () => false,
  );
}
