import { resolve } from 'node:path';
import { type ProcessesWorker, startWorker } from 'processes-executor-bullmq';
import { type FlagSpecs, integerFlag, parseCommandArgs, stringFlag } from '../args.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { WORKER_HELP } from '../help.js';
import { type CliIo, Terminal } from '../terminal.js';

const FLAGS = {
  redis: { type: 'string' },
  queue: { type: 'string' },
  threads: { type: 'string' },
  root: { type: 'string' },
  prefix: { type: 'string' },
  'lock-duration-ms': { type: 'string' },
  'stalled-interval-ms': { type: 'string' },
  'connect-timeout-ms': { type: 'string' },
} satisfies FlagSpecs;

/** What a signal that stops the worker at once exits with (as shells report it). */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = {
  SIGINT: ExitCode.INTERRUPTED,
  SIGTERM: ExitCode.TERMINATED,
};

/**
 * `processes worker --redis URL --queue NAME`: takes jobs of distributed runs
 * until SIGINT or SIGTERM, then finishes the running ones and exits 0. A
 * signal while it connects, or a second one while it finishes, stops it at
 * once (the jobs it was running count as lost, and are retried elsewhere).
 */
export async function workerCommand(args: readonly string[], io: CliIo): Promise<number> {
  const out = new Terminal(io.stdout, io.env);
  const parsed = parseCommandArgs('worker', args, FLAGS);
  if (parsed.values['help']) {
    out.write(WORKER_HELP);
    return ExitCode.OK;
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(`Unexpected argument: ${parsed.positionals.join(' ')}.`, 'worker');
  }
  const redis = stringFlag(parsed.values['redis']);
  if (redis === undefined) throw new UsageError('Missing --redis URL (for example redis://127.0.0.1:6379).', 'worker');
  const queue = stringFlag(parsed.values['queue']);
  const threads = integerFlag('worker', 'threads', parsed.values['threads'], 1);
  const lockDurationMs = integerFlag('worker', 'lock-duration-ms', parsed.values['lock-duration-ms'], 100);
  const stalledIntervalMs = integerFlag('worker', 'stalled-interval-ms', parsed.values['stalled-interval-ms'], 100);
  const connectTimeoutMs = integerFlag('worker', 'connect-timeout-ms', parsed.values['connect-timeout-ms'], 1);
  const prefix = stringFlag(parsed.values['prefix']);
  const root = resolve(io.cwd, stringFlag(parsed.values['root']) ?? '.');

  // Listened for from the start: Node.js's default would kill the process mid-job, and a
  // worker still connecting has nothing to finish.
  let worker: ProcessesWorker | undefined;
  let stopping = false;
  let stopRequested: (signal: NodeJS.Signals) => void = () => undefined;
  const stopSignal = new Promise<NodeJS.Signals>((resolveSignal) => {
    stopRequested = resolveSignal;
  });
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (worker === undefined || stopping) {
      io.stderr.write(
        worker === undefined
          ? `processes worker: ${signal} while connecting: stopped\n`
          : `processes worker ${worker.id}: ${signal} again: stopping now, ${worker.running} running job(s) will count as lost\n`,
      );
      process.exit(SIGNAL_EXIT[signal]);
    }
    stopping = true;
    stopRequested(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    worker = await startWorker({
      connection: redis,
      root,
      ...(queue === undefined ? {} : { queue }),
      ...(prefix === undefined ? {} : { prefix }),
      ...(threads === undefined ? {} : { threads }),
      ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
      ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    });
    out.line(
      `processes worker ${worker.id}: taking jobs from queue "${worker.queue}" (root ${root}${threads === undefined ? '' : `, ${threads} threads`})`,
    );
    const signal = await stopSignal;
    out.line(`processes worker ${worker.id}: ${signal}: finishing ${worker.running} running job(s)…`);
    await worker.close();
    out.line(`processes worker ${worker.id}: stopped`);
    return ExitCode.OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
