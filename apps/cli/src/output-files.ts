import { writeFile } from 'node:fs/promises';
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
  } catch (error) {
    throw new CliFileError(flag, path, 'write', error);
  }
  return { flag, path };
}

export async function writeOutput(file: OutputFile, content: string): Promise<void> {
  try {
    await writeFile(file.path, content);
  } catch (error) {
    throw new CliFileError(file.flag, file.path, 'write', error);
  }
}
