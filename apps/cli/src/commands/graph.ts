import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ProcessExecutionReport } from 'processes-core';
import { type FlagSpecs, onePositional, parseCommandArgs, stringFlag } from '../args.js';
import { CliFileError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { renderDot } from '../graph/dot.js';
import { renderMermaid } from '../graph/mermaid.js';
import { buildGraphModel } from '../graph/model.js';
import { GRAPH_HELP } from '../help.js';
import { loadPipeline } from '../load-pipeline.js';
import { printable } from '../printable.js';
import { type CliIo, Terminal } from '../terminal.js';

const FLAGS = {
  format: { type: 'string', default: 'mermaid' },
  report: { type: 'string' },
} satisfies FlagSpecs;

const RENDERERS = { mermaid: renderMermaid, dot: renderDot } as const;

/** `processes graph <pipeline>`: the graph as Mermaid or DOT, with statuses from a report. */
export async function graphCommand(args: readonly string[], io: CliIo): Promise<number> {
  const out = new Terminal(io.stdout, io.env);
  const err = new Terminal(io.stderr, io.env);
  const parsed = parseCommandArgs('graph', args, FLAGS);
  if (parsed.values['help']) {
    out.write(GRAPH_HELP);
    return ExitCode.OK;
  }
  const file = onePositional('graph', parsed, 'the pipeline file: processes graph <pipeline>');
  const format = String(parsed.values['format']);
  if (!Object.hasOwn(RENDERERS, format)) {
    throw new UsageError(`Expected --format to be mermaid or dot, got "${format}".`, 'graph');
  }
  const reportPath = stringFlag(parsed.values['report']);
  const report = reportPath === undefined ? undefined : await readReport(resolve(io.cwd, reportPath));
  const pipeline = await loadPipeline(file, io.cwd);

  if (report) {
    const known = new Set(pipeline.process.tasks.map((task) => task.name));
    const strangers = [...report.entries.keys()].filter((name) => !known.has(name));
    if (report.processName !== pipeline.process.name) {
      err.line(
        `note: the report is of process "${printable(report.processName)}", the pipeline's is "${printable(pipeline.process.name)}"; statuses are matched by task name.`,
      );
    }
    if (strangers.length > 0)
      err.line(
        `note: the pipeline has no task ${printable(strangers.map((n) => `"${n}"`).join(', '))} from the report.`,
      );
  }
  out.write(RENDERERS[format as keyof typeof RENDERERS](buildGraphModel(pipeline.process, report)));
  return ExitCode.OK;
}

/** A report written by `processes run --json`; a document that is not one throws `ReportFormatError` (exit 2). */
async function readReport(path: string): Promise<ProcessExecutionReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliFileError('--report', path, 'read', error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliFileError('--report', path, 'read', new Error(`not JSON: ${(error as Error).message}`));
  }
  return ProcessExecutionReport.fromJSON(json);
}
