import { cacheCommand } from './commands/cache.js';
import { graphCommand } from './commands/graph.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import { workerCommand } from './commands/worker.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { CACHE_HELP, GRAPH_HELP, MAIN_HELP, RUN_HELP, VALIDATE_HELP, WORKER_HELP } from './help.js';
import { printError } from './print-error.js';
import { type CliIo, Terminal } from './terminal.js';
import { cliVersion } from './version.js';

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { readonly run: Command; readonly help: string }> = {
  run: { run: runCommand, help: RUN_HELP },
  validate: { run: validateCommand, help: VALIDATE_HELP },
  graph: { run: graphCommand, help: GRAPH_HELP },
  worker: { run: workerCommand, help: WORKER_HELP },
  cache: { run: cacheCommand, help: CACHE_HELP },
};

/** The real process's streams, environment and working directory. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * Runs the `processes` command line (`argv` without the node and script
 * paths) and resolves to the exit code. Never rejects: failures are
 * printed to `io.stderr` and become exit code 2.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const out = new Terminal(io.stdout, io.env);
  const err = new Terminal(io.stderr, io.env);
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      err.write(MAIN_HELP);
      return ExitCode.INVALID;
    }
    if (first === '--help' || first === '-h') {
      out.write(MAIN_HELP);
      return ExitCode.OK;
    }
    if (first === '--version' || first === '-v') {
      out.line(cliVersion());
      return ExitCode.OK;
    }
    if (first === 'help') {
      const topic = rest[0];
      if (topic === undefined) out.write(MAIN_HELP);
      else if (Object.hasOwn(COMMANDS, topic)) out.write((COMMANDS[topic] as { help: string }).help);
      else throw new UsageError(`Unknown command "${topic}". Commands: ${Object.keys(COMMANDS).join(', ')}.`);
      return ExitCode.OK;
    }
    const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (!command) {
      const what = first.startsWith('-') ? `Unknown option "${first}"` : `Unknown command "${first}"`;
      throw new UsageError(`${what}. Commands: ${Object.keys(COMMANDS).join(', ')}.`);
    }
    return await command.run(rest, io);
  } catch (error) {
    printError(err, error);
    return ExitCode.INVALID;
  }
}
