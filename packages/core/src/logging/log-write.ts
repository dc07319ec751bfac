import { writeSync } from 'node:fs';

/** What went wrong writing log lines: the first failure and how many lines were lost. */
export interface LogWriteFailure {
  /** The system error code of the first failed write (`ENOSPC`, `EIO`, …). */
  readonly code: string;
  readonly message: string;
  readonly lostLines: number;
}

/**
 * Writes one line to `fd` synchronously, all of it (a regular file may take
 * a write in parts when it fills up). Throws what `write(2)` reported. It
 * never retries a failed write: a full disk must cost one system call per
 * line, never a loop that blocks the thread.
 */
export function writeLine(fd: number, line: string): void {
  let bytes = Buffer.from(line, 'utf8');
  while (bytes.length > 0) {
    const written = writeSync(fd, bytes);
    if (written <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
    bytes = bytes.subarray(written);
  }
}

/** Counts the lines a log could not write and keeps the first reason. */
export class LogWriteFailures {
  #first: { code: string; message: string } | undefined;
  #lost = 0;

  record(error: unknown): void {
    this.#lost++;
    if (this.#first) return;
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    this.#first = {
      code: typeof code === 'string' ? code : 'EIO',
      message: typeof message === 'string' ? message : String(error),
    };
  }

  /** The failure so far, or undefined when every line was written. */
  get failure(): LogWriteFailure | undefined {
    return this.#first ? { ...this.#first, lostLines: this.#lost } : undefined;
  }
}

/** Two failures of one task (main-thread lines and worker lines) as one: the first reason, the lines added up. */
export function combineLogWriteFailures(
  a: LogWriteFailure | undefined,
  b: LogWriteFailure | undefined,
): LogWriteFailure | undefined {
  if (!a || !b) return a ?? b;
  return { code: a.code, message: a.message, lostLines: a.lostLines + b.lostLines };
}
