import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type CliIo, runCli } from '../../dist/index.js';

export const BIN = fileURLToPath(new URL('../../bin/processes.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const fixture = (name: string): string => join(FIXTURES, name);

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'processes-cli-'));
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A child `processes` with pipes for stdio (so not a terminal), colours off. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  readonly #waiters = new Set<() => void>();

  constructor(args: readonly string[], options: CliOptions = {}) {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
    delete env['FORCE_COLOR'];
    this.child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? FIXTURES, env, stdio: 'pipe' });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      for (const wake of this.#waiters) wake();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      for (const wake of this.#waiters) wake();
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Resolves once stdout or stderr (as chosen) matches; rejects if the process exits first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(this[stream])) {
          this.#waiters.delete(check);
          resolve();
        }
      };
      this.#waiters.add(check);
      check();
      this.exited.then((result) => {
        if (this.#waiters.delete(check)) {
          reject(
            new Error(
              `exited (${result.code}) before ${stream} matched ${pattern}:\n${result.stdout}\n${result.stderr}`,
            ),
          );
        }
      }, reject);
    });
  }
}

/** Runs `processes …` to the end. */
export function runProcesses(args: readonly string[], options?: CliOptions): Promise<CliResult> {
  return new CliProcess(args, options).exited;
}

/** A stream that keeps what is written to it; `tty` gives it a terminal's `isTTY`, `columns` and `rows`. */
export function collectingStream(tty?: { columns: number; rows: number }): {
  stream: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  written: () => string;
} {
  let written = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, callback) {
        written += String(chunk);
        callback();
      },
    }),
    tty ? { isTTY: true, ...tty } : {},
  );
  return { stream, written: () => written };
}

/** `runCli` in this process, in `FIXTURES`; `tty` makes stdout look like a terminal of 100 columns. */
export async function cliInProcess(
  args: string[],
  env: CliIo['env'],
  tty = false,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = collectingStream(tty ? { columns: 100, rows: 40 } : undefined);
  const err = collectingStream();
  const code = await runCli(args, { stdout: out.stream, stderr: err.stream, env, cwd: FIXTURES });
  return { code, stdout: out.written(), stderr: err.written() };
}
