import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { type NotifyOutcome, type ProcessExecutionReport, type ReportChannel, renderValue } from 'processes-core';
import { BullMQExecutor, type BullMQExecutorOptions } from 'processes-executor-bullmq';
import { type FlagSpecs, integerFlag, onePositional, parseCommandArgs, stringFlag } from '../args.js';
import { InvalidPipelineError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { plural } from '../format.js';
import { RUN_HELP } from '../help.js';
import { renderHtml } from '../html/html-report.js';
import { incrementalFlags } from '../incremental-flags.js';
import { Interrupt } from '../interrupt.js';
import { loadPipeline } from '../load-pipeline.js';
import { type OutputFile, prepareOutput, writeOutput } from '../output-files.js';
import { printError } from '../print-error.js';
import { printable } from '../printable.js';
import { type ProgressDisplay, type RunHeader, silentProgress } from '../progress/display.js';
import { LineProgress } from '../progress/line-progress.js';
import { LiveProgress } from '../progress/live-progress.js';
import { printSummary } from '../summary.js';
import { type CliIo, Terminal } from '../terminal.js';
import { isRunAborted } from '../typed-error.js';

const FLAGS = {
  'max-workers': { type: 'string' },
  sequential: { type: 'boolean' },
  json: { type: 'string' },
  html: { type: 'string' },
  notify: { type: 'boolean' },
  'only-errors': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  redis: { type: 'string' },
  queue: { type: 'string' },
  root: { type: 'string' },
  prefix: { type: 'string' },
  'no-worker-timeout-ms': { type: 'string' },
  resume: { type: 'string' },
  cache: { type: 'string' },
  checkpoint: { type: 'string' },
} satisfies FlagSpecs;

/** `processes run <pipeline>`: runs it, shows progress and a summary, writes and sends the report. */
export async function runCommand(args: readonly string[], io: CliIo): Promise<number> {
  const out = new Terminal(io.stdout, io.env);
  const err = new Terminal(io.stderr, io.env);
  const parsed = parseCommandArgs('run', args, FLAGS);
  if (parsed.values['help']) {
    out.write(RUN_HELP);
    return ExitCode.OK;
  }
  const file = onePositional('run', parsed, 'the pipeline file: processes run <pipeline>');
  const maxWorkers = integerFlag('run', 'max-workers', parsed.values['max-workers'], 1);
  const sequential = parsed.values['sequential'] === true;
  if (sequential && maxWorkers !== undefined) {
    throw new UsageError('--sequential and --max-workers do not go together (--sequential is --max-workers 1).', 'run');
  }
  const notify = parsed.values['notify'] === true;
  const onlyErrors = parsed.values['only-errors'] === true;
  const quiet = parsed.values['quiet'] === true;
  const fleet = fleetOptions(parsed.values, io.cwd);
  const incremental = incrementalFlags(parsed.values, io.cwd);

  // Installed before the pipeline loads: a Ctrl-C while it imports still cancels the run cleanly.
  const interrupt = new Interrupt(err).install();
  try {
    const pipeline = await loadPipeline(file, io.cwd);
    if (notify && !pipeline.hasChannels) {
      throw new InvalidPipelineError(
        pipeline.displayPath,
        'channels',
        '--notify sends the report through the channels the pipeline exports, and it exports no `channels`. Add `export const channels = [new WebhookChannel({ … })]` (or a function returning them).',
      );
    }
    // Resolved now: a channel with a bad config fails before the run, not after it.
    const channels = notify ? await pipeline.channels() : [];
    const json = await prepareOutput('--json', stringFlag(parsed.values['json']), io.cwd);
    const html = await prepareOutput('--html', stringFlag(parsed.values['html']), io.cwd);

    const label = pipeline.process.name || basename(pipeline.path);
    const mode = sequential ? 'sequential' : `parallel, up to ${maxWorkers ?? availableParallelism()} at once`;
    const header: RunHeader = { label, mode: fleet ? `${mode}, worker tasks on queue "${fleet.queue}"` : mode };
    // Worker tasks go to the fleet; function tasks stay on this process's main thread.
    const executor = fleet ? new BullMQExecutor(fleet) : undefined;
    const progress: ProgressDisplay = quiet
      ? silentProgress
      : out.isTTY
        ? new LiveProgress(out, header)
        : new LineProgress(out, header);
    interrupt.onInterrupt = () => progress.stop();

    let report: ProcessExecutionReport;
    let cancelled = false;
    try {
      report = await pipeline.process.run({
        parallel: !sequential,
        ...(maxWorkers === undefined ? {} : { maxWorkers }),
        signal: interrupt.signal,
        onEvent: (event) => progress.onEvent(event),
        ...(executor ? { executors: [executor] } : {}),
        ...incremental,
      });
    } catch (error) {
      // Anything else (bad run options, a log file that cannot be opened) is the pipeline's problem: exit 2.
      if (!isRunAborted(error)) throw error;
      report = error.report as ProcessExecutionReport;
      cancelled = true;
    } finally {
      progress.stop();
      // Waits for the run to settle and closes the task log files; the run's own worker pool is already gone.
      await pipeline.process.close();
      await executor?.close();
    }

    if (!quiet) printSummary(out, report, { label, onlyErrors, cancelled });
    const written = await writeReports(report, { json, html, onlyErrors });
    if (!quiet) for (const line of written) out.line(line);

    if (notify && cancelled) err.line('processes: the run was cancelled; no notification sent.');
    else if (notify)
      await sendNotifications(report, channels, { out, err, onlyErrors, quiet, signal: interrupt.signal });

    if (interrupt.exitCode !== undefined) {
      const notStarted = [...report.cancelled.values()].filter((entry) => entry.attempts === 0).length;
      err.line(
        `processes: cancelled; ${plural(report.cancelled.size - notStarted, 'running task')} stopped, ${plural(notStarted, 'task')} did not start.`,
      );
      return interrupt.exitCode;
    }
    return report.ok ? ExitCode.OK : ExitCode.TASKS_FAILED;
  } catch (error) {
    printError(err, error);
    return interrupt.exitCode ?? ExitCode.INVALID;
  } finally {
    interrupt.dispose();
  }
}

/** The fleet `--redis` and the flags that go with it name, or undefined for a local run. */
function fleetOptions(
  values: Readonly<Record<string, string | boolean | undefined>>,
  cwd: string,
): BullMQExecutorOptions | undefined {
  const redis = stringFlag(values['redis']);
  const queue = stringFlag(values['queue']);
  const root = stringFlag(values['root']);
  const prefix = stringFlag(values['prefix']);
  const noWorkerTimeoutMs = integerFlag('run', 'no-worker-timeout-ms', values['no-worker-timeout-ms'], 1);
  if (redis === undefined) {
    const stray = (['queue', 'root', 'prefix', 'no-worker-timeout-ms'] as const).find(
      (flag) => values[flag] !== undefined,
    );
    if (stray !== undefined) throw new UsageError(`--${stray} needs --redis: it names where the fleet is.`, 'run');
    return undefined;
  }
  return {
    connection: redis,
    queue: queue ?? 'processes',
    root: resolve(cwd, root ?? '.'),
    ...(prefix === undefined ? {} : { prefix }),
    ...(noWorkerTimeoutMs === undefined ? {} : { noWorkerTimeoutMs }),
  };
}

async function writeReports(
  report: ProcessExecutionReport,
  files: { json: OutputFile | undefined; html: OutputFile | undefined; onlyErrors: boolean },
): Promise<string[]> {
  const lines: string[] = [];
  if (files.json) {
    await writeOutput(files.json, `${JSON.stringify(report, null, 2)}\n`);
    lines.push(`report JSON: ${files.json.path}`);
  }
  if (files.html) {
    await writeOutput(files.html, renderHtml(report, { onlyErrors: files.onlyErrors }));
    lines.push(`HTML report: ${files.html.path}`);
  }
  if (lines.length > 0) lines.unshift('');
  return lines;
}

interface NotifyContext {
  readonly out: Terminal;
  readonly err: Terminal;
  readonly onlyErrors: boolean;
  readonly quiet: boolean;
  readonly signal: AbortSignal;
}

/** `report.notify` through the pipeline's channels; a failed channel is printed, and does not change the exit code. */
async function sendNotifications(
  report: ProcessExecutionReport,
  channels: readonly ReportChannel[],
  context: NotifyContext,
): Promise<void> {
  const { out, err, onlyErrors, quiet, signal } = context;
  if (!quiet) {
    out.line('');
    out.line(
      `notify: sending the report through ${plural(channels.length, 'channel')}${onlyErrors ? ' (errors only)' : ''}…`,
    );
  }
  // The CLI prints each failure itself, so the PROC_CHANNEL_FAILED process warning would say it twice.
  const outcomes = await report.notify(channels, { onlyErrors, showWarnings: false, signal });
  for (const outcome of outcomes) printOutcome(outcome, out, err, quiet);
  await Promise.allSettled(channels.map(async (channel) => channel.close?.()));
}

function printOutcome(outcome: NotifyOutcome, out: Terminal, err: Terminal, quiet: boolean): void {
  if (!outcome.ok) {
    const { error } = outcome;
    const code = (error as { code?: unknown }).code;
    err.line(
      `${err.style('notify FAILED', 'red', 'bold')} ${printable(`${outcome.channel}: ${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`)}`,
    );
    return;
  }
  if (quiet) return;
  if (!outcome.sent) {
    out.line(`notify ${out.style('skipped', 'gray')} ${outcome.channel}: no errored task, nothing to send`);
    return;
  }
  const receipt = outcome.receipt === undefined ? '' : ` ${renderValue(outcome.receipt, { depth: 1, maxLength: 200 })}`;
  out.line(`notify ${out.style('sent', 'green')} ${printable(outcome.channel + receipt)}`);
}
