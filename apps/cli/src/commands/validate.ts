import { type FlagSpecs, onePositional, parseCommandArgs } from '../args.js';
import { WorkerTaskCheckError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { layoutColumns, plural } from '../format.js';
import { VALIDATE_HELP } from '../help.js';
import { loadPipeline } from '../load-pipeline.js';
import { printable } from '../printable.js';
import { type CliIo, Terminal } from '../terminal.js';
import { checkWorkerTasks, type WorkerTaskToCheck } from '../worker-check/check-worker-tasks.js';

const FLAGS = { 'no-load': { type: 'boolean' } } satisfies FlagSpecs;

/**
 * `processes validate <pipeline>`: builds the Process (which validates the
 * graph), then loads the worker tasks' modules in a throwaway worker thread
 * to check each export is a function (unless `--no-load`), and prints the order.
 */
export async function validateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const out = new Terminal(io.stdout, io.env);
  const parsed = parseCommandArgs('validate', args, FLAGS);
  if (parsed.values['help']) {
    out.write(VALIDATE_HELP);
    return ExitCode.OK;
  }
  const pipeline = await loadPipeline(
    onePositional('validate', parsed, 'the pipeline file: processes validate <pipeline>'),
    io.cwd,
  );
  const { process } = pipeline;
  const workerTasks: WorkerTaskToCheck[] = process.tasks.flatMap((task) =>
    typeof task.fn === 'object'
      ? [{ taskName: task.name, moduleUrl: task.fn.moduleUrl, exportName: task.fn.exportName }]
      : [],
  );
  const load = parsed.values['no-load'] !== true;
  if (load) {
    const problems = await checkWorkerTasks(workerTasks, io.cwd);
    if (problems.length > 0) throw new WorkerTaskCheckError(pipeline.displayPath, problems);
  }
  const name = process.name ? `process "${printable(process.name)}"` : 'the process';
  out.line(
    `${out.style('OK', 'green', 'bold')} ${pipeline.displayPath}: ${name} is valid · ${plural(process.tasks.length, 'task')}`,
  );
  if (process.tasks.length > 0) {
    out.line('');
    out.line('Topological order (a sequential run follows it):');
    // The dependencies go last: the one column that may be long is not padded.
    const rows = process.tasks.map((task, i) => [
      `${String(i + 1).padStart(String(process.tasks.length).length)}.`,
      printable(task.name),
      typeof task.fn === 'object' ? `[worker thread: ${printable(workerLabel(task.fn))}]` : '',
      task.dependencies.length ? `← ${printable(task.dependencies.map((d) => d.taskName).join(', '))}` : '',
    ]);
    for (const line of layoutColumns(rows)) out.line(`  ${line}`);
  }
  if (workerTasks.length > 0) {
    const modules = new Set(workerTasks.map((task) => task.moduleUrl)).size;
    out.line('');
    out.line(
      load
        ? `Worker tasks: ${plural(modules, 'module')} loaded in a throwaway worker thread; every task's export is a function.`
        : 'Worker tasks: modules not loaded (--no-load).',
    );
  }
  if (pipeline.hasChannels) {
    out.line('');
    out.line('Channels: exported (`processes run --notify` sends the report through them).');
  }
  return ExitCode.OK;
}

/** `etl-tasks.js#parse`: the module file and export a worker task runs. */
function workerLabel(ref: { readonly moduleUrl: string; readonly exportName: string }): string {
  const file = ref.moduleUrl.startsWith('data:')
    ? 'data: URL'
    : ref.moduleUrl.slice(ref.moduleUrl.lastIndexOf('/') + 1);
  return `${file}#${ref.exportName}`;
}
