import { ProcessesError } from 'processes-core';

/**
 * The command line was wrong: an unknown command or flag, a missing
 * argument, a flag value of the wrong kind. Exit code 2.
 */
export class UsageError extends ProcessesError {
  static override readonly code: string = 'PROC_CLI_USAGE';
  /** The command whose usage was wrong (`run`, `validate`, `graph`), or empty for the top level. */
  readonly command: string;
  constructor(message: string, command = '') {
    super(`${message}\nRun \`processes ${command ? `${command} ` : ''}--help\` for usage.`);
    this.command = command;
  }
}

/** The pipeline file named on the command line does not exist or is not a file. */
export class PipelineNotFoundError extends ProcessesError {
  static override readonly code: string = 'PROC_CLI_PIPELINE_NOT_FOUND';
  /** The absolute path that was looked for. */
  readonly path: string;
  constructor(path: string, given: string, what: 'missing' | 'not-a-file') {
    super(
      what === 'missing'
        ? `Pipeline file not found: ${given} (looked for ${path}).`
        : `Pipeline path is not a file: ${given} (${path}).`,
    );
    this.path = path;
  }
}

/**
 * Importing the pipeline file failed (a syntax error, a missing import, an
 * exception at the top level), or the function it exports threw. The
 * original error is the `cause`. Typed errors of the library (a cycle found
 * while the module builds its Process) are reported as themselves instead.
 */
export class PipelineLoadError extends ProcessesError {
  static override readonly code: string = 'PROC_CLI_PIPELINE_LOAD_FAILED';
  readonly path: string;
  constructor(path: string, stage: 'import' | 'factory' | 'channels', cause: unknown, hint?: string) {
    const what = {
      import: 'could not be imported',
      factory: 'exports a function that threw while building the Process',
      channels: 'exports a `channels` function that threw',
    }[stage];
    super(`Pipeline ${path} ${what}: ${messageOf(cause)}${hint ? `\n${hint}` : ''}`, undefined, { cause });
    this.path = path;
  }
}

/** The pipeline file loaded, but what it exports is not a pipeline (or its `channels` are not channels). */
export class InvalidPipelineError extends ProcessesError {
  static override readonly code: string = 'PROC_CLI_INVALID_PIPELINE';
  readonly path: string;
  /** The export that was wrong (`default`, `process`, `pipeline`, `channels`), or empty when none was found. */
  readonly exportName: string;
  constructor(path: string, exportName: string, problem: string) {
    super(`Pipeline ${path}: ${problem}`);
    this.path = path;
    this.exportName = exportName;
  }
}

/** One worker task `processes validate` found cannot run (see `WorkerTaskCheckError`). */
export interface WorkerTaskProblem {
  readonly taskName: string;
  readonly moduleUrl: string;
  readonly exportName: string;
  /**
   * `module-not-found`, `import-failed` (a syntax error, an exception at its
   * top level), `load-timeout`, `thread-exited` (`process.exit()` while
   * importing), `export-missing` or `not-a-function`.
   */
  readonly reason: string;
  /** One line naming the module and the export, and what is wrong. */
  readonly message: string;
}

/**
 * `processes validate` loaded the pipeline's worker task modules in a
 * throwaway worker thread and some task cannot run: its module does not
 * import, or has no function under the task's export name. Exit code 2.
 */
export class WorkerTaskCheckError extends ProcessesError {
  static override readonly code: string = 'PROC_CLI_WORKER_TASK_INVALID';
  readonly path: string;
  /** One per task that cannot run, in the pipeline's order. */
  readonly problems: readonly WorkerTaskProblem[];
  constructor(path: string, problems: readonly WorkerTaskProblem[]) {
    const count = problems.length === 1 ? '1 worker task' : `${problems.length} worker tasks`;
    super(
      `Pipeline ${path}: ${count} cannot run:\n${problems.map((p) => `Task "${p.taskName}": ${p.message}`).join('\n')}\nRun \`processes validate --no-load\` to check the graph without loading modules.`,
    );
    this.path = path;
    this.problems = problems;
  }
}

/** A file named by a flag (`--report`, `--json`, `--html`) could not be read or written. */
export class CliFileError extends ProcessesError {
  static override readonly code: string = 'PROC_CLI_FILE_FAILED';
  readonly path: string;
  readonly flag: string;
  constructor(flag: string, path: string, operation: 'read' | 'write', cause: unknown) {
    super(`${flag}: cannot ${operation} ${path}: ${messageOf(cause)}`, undefined, { cause });
    this.path = path;
    this.flag = flag;
  }
}

function messageOf(value: unknown): string {
  const message = (value as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(value);
}
