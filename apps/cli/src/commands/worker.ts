import { resolve } from 'node:path';
import { startWorker } from 'processes-executor-bullmq';
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
  'lock-duration-ms': { type: 'string' },
  'stalled-interval-ms': { type: 'string' },
} satisfies FlagSpecs;

/**
 * `processes worker --redis URL --queue NAME`: takes jobs of distributed runs
 * until SIGINT or SIGTERM, then finishes the running ones and exits 0.
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
  const root = resolve(io.cwd, stringFlag(parsed.values['root']) ?? '.');

  const worker = await startWorker({
    connection: redis,
    root,
    ...(queue === undefined ? {} : { queue }),
    ...(threads === undefined ? {} : { threads }),
    ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
    ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
  });
  out.line(
    `processes worker ${worker.id}: taking jobs from queue "${worker.queue}" (root ${root}${threads === undefined ? '' : `, ${threads} threads`})`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    process.once('SIGINT', resolveSignal);
    process.once('SIGTERM', resolveSignal);
  });
  out.line(`processes worker ${worker.id}: ${signal}: finishing ${worker.running} running job(s)…`);
  await worker.close();
  out.line(`processes worker ${worker.id}: stopped`);
  return ExitCode.OK;
}
