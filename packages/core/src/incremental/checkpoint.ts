import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidOptionError, reasonText } from '../errors/errors.js';
import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import type { ExecutionReport } from '../report/types.js';

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
      await mkdir(dirname(this.#path), { recursive: true });
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
    const temp = `${this.#path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
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
