import { resolve } from 'node:path';
import { explainRun, FileCacheStore, type TaskPlan } from 'processes-core';
import { type FlagSpecs, onePositional, parseCommandArgs, stringFlag } from '../args.js';
import { CliFileError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { layoutColumns, plural } from '../format.js';
import { CACHE_HELP } from '../help.js';
import { DEFAULT_CACHE_DIR } from '../incremental-flags.js';
import { loadPipeline } from '../load-pipeline.js';
import { printable } from '../printable.js';
import { type CliIo, Terminal } from '../terminal.js';

const EXPLAIN_FLAGS = { cache: { type: 'string' }, resume: { type: 'string' } } satisfies FlagSpecs;
const CLEAR_FLAGS = { cache: { type: 'string' } } satisfies FlagSpecs;

/** `processes cache explain <pipeline>` and `processes cache clear`. */
export async function cacheCommand(args: readonly string[], io: CliIo): Promise<number> {
  const out = new Terminal(io.stdout, io.env);
  const [action, ...rest] = args;
  if (action === undefined || action === '--help' || action === '-h') {
    (action === undefined ? new Terminal(io.stderr, io.env) : out).write(CACHE_HELP);
    return action === undefined ? ExitCode.INVALID : ExitCode.OK;
  }
  if (action === 'explain') return explain(rest, io, out);
  if (action === 'clear') return clear(rest, io, out);
  throw new UsageError(`Unknown cache action "${action}". Actions: explain, clear.`, 'cache');
}

async function explain(args: readonly string[], io: CliIo, out: Terminal): Promise<number> {
  const parsed = parseCommandArgs('cache', args, EXPLAIN_FLAGS);
  if (parsed.values['help']) {
    out.write(CACHE_HELP);
    return ExitCode.OK;
  }
  const file = onePositional('cache', parsed, 'the pipeline file: processes cache explain <pipeline>');
  const dir = resolve(io.cwd, stringFlag(parsed.values['cache']) ?? DEFAULT_CACHE_DIR);
  const resume = stringFlag(parsed.values['resume']);
  const pipeline = await loadPipeline(file, io.cwd);
  try {
    const plans = await explainRun(pipeline.process, {
      cache: { dir },
      ...(resume === undefined ? {} : { resumeFrom: resolve(io.cwd, resume) }),
      env: io.env,
    });
    const rows = [
      ['task', 'would', 'why'],
      ...plans.map((plan) => [printable(plan.task), verb(plan), printable(why(plan))]),
    ];
    for (const line of layoutColumns(rows)) out.line(line);
    const reused = plans.filter((plan) => plan.action === 'reuse').length;
    out.line();
    out.line(
      `${plural(reused, 'task')} of ${plans.length} would be reused (cache: ${dir}${resume ? `, resume: ${resume}` : ''}).`,
    );
  } finally {
    await pipeline.process.close();
  }
  return ExitCode.OK;
}

function verb(plan: TaskPlan): string {
  return plan.action === 'unknown' ? 'run?' : plan.action;
}

function why(plan: TaskPlan): string {
  if (plan.action === 'reuse') {
    const from = plan.fromRun ? ` (run ${plan.fromRun.slice(0, 8)})` : '';
    return plan.source === 'resume' ? `unchanged since the report${from}` : `cache hit${from}`;
  }
  if (plan.action === 'unknown') return 'its inputs come from a task that runs first: known after it ran';
  const reason = REASONS[plan.reason] ?? plan.reason;
  return plan.reusedItems ? `${reason}; ${plan.reusedItems} of its items are reused, the rest run` : reason;
}

const REASONS: Record<string, string> = {
  'not-cached': 'not cached (the task has no `cache: true`)',
  'not-in-report': 'not in the report',
  'failed-before': 'did not succeed in the report',
  'no-fingerprint': 'the report has no fingerprint for it (an older release wrote it)',
  'code-changed': 'its code changed',
  'args-changed': 'its args changed',
  'kwargs-changed': 'its kwargs changed',
  'dependencies-changed': 'its dependencies changed',
  'unhashable-input': 'its args or kwargs cannot be hashed',
  'upstream-ran': 'a task it depends on runs again',
  'cache-miss': 'no cache entry for its key',
  'cache-expired': 'its cache entry expired',
  'cache-corrupt': 'its cache entry is corrupt',
};

async function clear(args: readonly string[], io: CliIo, out: Terminal): Promise<number> {
  const parsed = parseCommandArgs('cache', args, CLEAR_FLAGS);
  if (parsed.values['help']) {
    out.write(CACHE_HELP);
    return ExitCode.OK;
  }
  if (parsed.positionals.length > 0)
    throw new UsageError(`Unexpected argument: ${parsed.positionals.join(' ')}.`, 'cache');
  const store = new FileCacheStore(resolve(io.cwd, stringFlag(parsed.values['cache']) ?? DEFAULT_CACHE_DIR));
  let entries: Awaited<ReturnType<FileCacheStore['entries']>>;
  try {
    entries = await store.entries();
    await store.clear();
  } catch (error) {
    // Not a directory, or not readable: say which, as for any file the CLI is given.
    throw new CliFileError('--cache', store.dir, 'read', error);
  }
  out.line(`Cleared ${entries.length} cache ${entries.length === 1 ? 'entry' : 'entries'} from ${store.dir}.`);
  return ExitCode.OK;
}
