/** What `processes` exits with. Documented in the CLI's `--help` and README. */
export const ExitCode = {
  /** Every task succeeded (or, for validate and graph: done). */
  OK: 0,
  /** The run finished and at least one task errored or was skipped. */
  TASKS_FAILED: 1,
  /** The pipeline is invalid, it could not be loaded, the command line is wrong, or a file could not be read or written. */
  INVALID: 2,
  /** Ctrl-C (SIGINT): the run was cancelled. 128 + the signal number, as shells report it. */
  INTERRUPTED: 130,
  /** SIGTERM: the run was cancelled. */
  TERMINATED: 143,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
