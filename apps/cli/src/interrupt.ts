import { ExitCode } from './exit-codes.js';
import type { Terminal } from './terminal.js';

type HandledSignal = 'SIGINT' | 'SIGTERM';
const EXIT_CODES: Record<HandledSignal, number> = { SIGINT: ExitCode.INTERRUPTED, SIGTERM: ExitCode.TERMINATED };

/**
 * Ctrl-C (and SIGTERM, as CI runners send on cancel) for a run: the first
 * one aborts `signal`, so the run is cancelled cleanly (running tasks see
 * their signal aborted, worker threads are stopped, the partial report is
 * kept); a second one exits at once.
 */
export class Interrupt {
  readonly #controller = new AbortController();
  readonly #err: Terminal;
  #received: HandledSignal | undefined;
  /** Called on the first signal, before the message is printed (the live display erases itself). */
  onInterrupt: () => void = () => {};

  constructor(err: Terminal) {
    this.#err = err;
  }

  /** Aborted on the first Ctrl-C or SIGTERM. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** 130 after Ctrl-C, 143 after SIGTERM; undefined when neither came. */
  get exitCode(): number | undefined {
    return this.#received === undefined ? undefined : EXIT_CODES[this.#received];
  }

  install(): this {
    process.on('SIGINT', this.#handle);
    process.on('SIGTERM', this.#handle);
    return this;
  }

  dispose(): void {
    process.off('SIGINT', this.#handle);
    process.off('SIGTERM', this.#handle);
  }

  readonly #handle = (signal: HandledSignal): void => {
    if (this.#received !== undefined) {
      this.#err.line(`\nprocesses: ${signal} again: exiting now.`);
      process.exit(EXIT_CODES[signal]);
    }
    this.#received = signal;
    this.onInterrupt();
    const what = signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM';
    this.#err.line(`\nprocesses: ${what}: cancelling the run… (press Ctrl-C again to exit at once)`);
    this.#controller.abort(new Error(`interrupted by ${signal}`));
  };
}
