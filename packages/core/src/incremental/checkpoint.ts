import { readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidOptionError, reasonText } from '../errors/errors.js';
import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import { makeDirectory } from '../files/make-directory.js';
import { tempPathFor, tempWriterOf } from '../files/temp-path.js';
import type { ExecutionReport } from '../report/types.js';

/** Whether a process with this pid exists on this machine (EPERM: it does, and is someone else's). */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Writes a run's report JSON to `path` as the run goes: after a task
 * settles, the report so far (finished tasks as they ended, the rest
 * pending) replaces the file atomically (temp file, then rename), so the file
 * is always a whole report that `run({ resumeFrom: path })` can read, even
 * after the process was killed. Writes never overlap: settles during a
 * write are coalesced into one more write after it.
 */
export class CheckpointWriter {
  readonly #path: string;
  #snapshot: (() => ExecutionReport) | undefined;
  #writing: Promise<void> | undefined;
  #warned = false;

  constructor(path: string) {
    this.#path = path;
  }

  /** Prepares the directory; the run starts only when the checkpoint can be written there. */
  async open(): Promise<void> {
    try {
      await makeDirectory(dirname(this.#path));
      const found = await stat(this.#path).catch(() => undefined);
      if (found?.isDirectory()) throw new Error('it is a directory');
    } catch (error) {
      throw new InvalidOptionError(
        'run',
        'checkpoint',
        'the path of a file the report can be written to',
        this.#path,
        undefined,
        reasonText(error),
      );
    }
    await this.#removeDeadWritersTemps();
  }

  /**
   * A process killed mid-write (kill -9, a lost machine) leaves its temp file
   * beside the checkpoint; the next run at this path (usually the resume)
   * deletes those whose writer no longer exists on this machine. A live
   * writer's stays. (A checkpoint path shared by several hosts is not
   * supported: another host's live temp file could go, and its write would
   * then fail with a warning and be tried again.)
   */
  async #removeDeadWritersTemps(): Promise<void> {
    const target = basename(this.#path);
    const names = await readdir(dirname(this.#path)).catch(() => [] as string[]);
    for (const name of names) {
      const pid = tempWriterOf(name, target);
      if (pid === undefined || isAlive(pid)) continue;
      await unlink(join(dirname(this.#path), name)).catch(() => undefined);
    }
  }

  /** Asks for a write of the report `snapshot` builds (called when the write starts, so it is the latest). */
  update(snapshot: () => ExecutionReport): void {
    this.#snapshot = snapshot;
    this.#writing ??= this.#drain();
  }

  /** Writes the final report and waits until it is on disk. */
  async finish(report: ExecutionReport): Promise<void> {
    await this.#writing;
    this.#snapshot = () => report;
    this.#writing ??= this.#drain();
    await this.#writing;
  }

  async #drain(): Promise<void> {
    for (let snapshot = this.#snapshot; snapshot; snapshot = this.#snapshot) {
      this.#snapshot = undefined;
      await this.#write(snapshot());
    }
    this.#writing = undefined;
  }

  async #write(report: ExecutionReport): Promise<void> {
    const temp = tempPathFor(this.#path);
    try {
      await writeFile(temp, JSON.stringify(report));
      await rename(temp, this.#path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      if (this.#warned) return;
      this.#warned = true;
      emitProcessesWarning(
        WarningCode.CHECKPOINT_WRITE_FAILED,
        `The checkpoint ${this.#path} could not be written (${reasonText(error)}); the run goes on, and later checkpoints are tried again.`,
      );
    }
  }
}
