import { constants } from 'node:fs';
import { access, open, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { makeDirectory } from 'processes-core/internal';
import { CliFileError } from './errors.js';

/** A file a flag asks for, resolved against the working directory. */
export interface OutputFile {
  readonly flag: string;
  readonly path: string;
}

/**
 * Resolves a flag's file and creates its directory now, before the run, so
 * a path that cannot be written fails in a second rather than after an hour.
 */
export async function prepareOutput(
  flag: string,
  given: string | undefined,
  cwd: string,
): Promise<OutputFile | undefined> {
  if (given === undefined) return undefined;
  const path = resolve(cwd, given);
  try {
    await makeDirectory(dirname(path));
    await checkWritable(path);
  } catch (error) {
    throw new CliFileError(flag, path, 'write', error);
  }
  return { flag, path };
}

/**
 * Fails now as the write after the run would: a directory at the path, a
 * file or a directory the user may not write. Nothing is created or cut:
 * `r+` opens only what exists, and does not truncate it.
 */
async function checkWritable(path: string): Promise<void> {
  try {
    await (await open(path, 'r+')).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // Not there yet: the write will create it in its directory.
    await access(dirname(path), constants.W_OK);
  }
}

export async function writeOutput(file: OutputFile, content: string): Promise<void> {
  try {
    await writeFile(file.path, content);
  } catch (error) {
    throw new CliFileError(file.flag, file.path, 'write', error);
  }
}
