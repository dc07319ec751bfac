import type { ProcessExecutionReport, TaskReportEntry } from 'processes-core';
import { firstLine, formatDuration, layoutColumns, plural } from './format.js';
import { printable } from './printable.js';
import { mapSummary, skipReason } from './skip-reason.js';
import { fitLine, type Segment, type Style, type Terminal } from './terminal.js';

const STATUS_STYLE: Record<string, Style> = {
  success: 'green',
  errored: 'red',
  skipped: 'yellow',
  cancelled: 'magenta',
  pending: 'gray',
};
/** Traceback lines shown per failure; the JSON report has them all. */
const TRACEBACK_LINES = 12;
const TRACED_VARS_SHOWN = 10;
/** The summary row's short form of why a failure with retries left was not retried (the full sentence follows). */
const NOT_RETRIED: Record<string, string> = {
  'retry-on-no-match': 'not retried: retryOn does not match',
  'retry-on-rejected': 'not retried: the retryOn predicate said no',
  'retry-on-threw': 'not retried: the retryOn predicate threw',
};

export interface SummaryOptions {
  /** The process name, or the file name when the process has none. */
  readonly label: string;
  /** List only the errored tasks (the totals still count every task). */
  readonly onlyErrors: boolean;
  /** The run was cancelled (Ctrl-C): cancelled tasks were stopped or never started. */
  readonly cancelled: boolean;
}

/**
 * The table printed when a run ends: one row per task (status, attempts,
 * time, and why it failed or was skipped), the totals, then each failure's
 * traceback and traced variables, for logs that are all a CI job leaves.
 */
export function printSummary(out: Terminal, report: ProcessExecutionReport, options: SummaryOptions): void {
  const entries = [...report.entries.values()].filter((entry) => !options.onlyErrors || entry.status === 'errored');
  out.line();
  if (entries.length > 0) {
    const rows = [
      ['task', 'status', 'attempts', 'time', 'detail'],
      // Names and messages made printable before the columns are measured.
      ...entries.map((entry) => [
        printable(entry.name),
        entry.status,
        String(entry.attempts),
        entry.attempts > 0 ? formatDuration(entry.elapsedMs) : '-',
        printable(detail(entry, options.cancelled)),
      ]),
    ];
    const width = out.isTTY ? out.columns - 1 : Number.POSITIVE_INFINITY;
    layoutColumns(rows).forEach((line, i) => {
      const status = rows[i]?.[1] ?? '';
      out.line(fitLine(out, styleRow(line, i === 0 ? undefined : status), width));
    });
  } else if (options.onlyErrors) {
    out.line('No task errored.');
  }
  out.line();
  out.line(totals(out, report, options.label));
  printFailures(out, report, options);
}

/** Styles a laid-out row by where its status cell sits: the header dim, each status in its colour. */
function styleRow(line: string, status: string | undefined): Segment[] {
  if (status === undefined) return [[line, 'dim']];
  const at = line.indexOf(`  ${status}`) + 2;
  if (at < 2) return [[line]];
  return [[line.slice(0, at)], [status, STATUS_STYLE[status] ?? 'gray'], [line.slice(at + status.length)]];
}

function detail(entry: TaskReportEntry, cancelled: boolean): string {
  switch (entry.status) {
    case 'errored': {
      if (entry.map && entry.error) return `${mapSummary(entry.map)} · ${firstLine(entry.error.exception)}`;
      const message = entry.error ? firstLine(`${entry.error.errorName}: ${entry.error.exception}`) : '';
      return entry.notRetried ? `${message} (${NOT_RETRIED[entry.notRetried.reason] ?? 'not retried'})` : message;
    }
    case 'skipped':
      return skipReason(entry);
    case 'cancelled':
      return entry.attempts > 0 ? 'stopped while running: the run was cancelled' : 'not started: the run was cancelled';
    case 'pending':
      return cancelled ? 'not started: the run was cancelled' : 'not started';
    default:
      return entry.map ? mapSummary(entry.map) : reuseDetail(entry);
  }
}

/** For a success: where a reused result came from, or why the task ran although it could have been reused. */
function reuseDetail(entry: TaskReportEntry): string {
  if (entry.reused) {
    const from = entry.reused.fromRun ? ` (run ${entry.reused.fromRun.slice(0, 8)})` : '';
    return entry.reused.source === 'resume' ? `reused from the report${from}` : `reused from the cache${from}`;
  }
  return entry.ranBecause ? `ran: ${entry.ranBecause}` : '';
}

function totals(out: Terminal, report: ProcessExecutionReport, label: string): string {
  const parts: string[] = [`${out.style(printable(label), 'bold')}: ${plural(report.entries.size, 'task')}`];
  parts.push(out.style(`${report.successes.size} succeeded`, report.successes.size ? 'green' : 'gray'));
  const reused = [...report.successes.values()].filter((entry) => entry.reused).length;
  if (reused) parts.push(out.style(`${reused} reused`, 'cyan'));
  if (report.errored.size) parts.push(out.style(`${report.errored.size} errored`, 'red'));
  if (report.skipped.size) parts.push(out.style(`${report.skipped.size} skipped`, 'yellow'));
  if (report.cancelled.size) parts.push(out.style(`${report.cancelled.size} cancelled`, 'magenta'));
  if (report.pending.size) parts.push(out.style(`${report.pending.size} not started`, 'gray'));
  if (report.elapsedMs !== undefined) parts.push(formatDuration(report.elapsedMs));
  return parts.join(' · ');
}

function printFailures(out: Terminal, report: ProcessExecutionReport, options: SummaryOptions): void {
  for (const entry of report.errored.values()) {
    const error = entry.error;
    if (!error) continue;
    out.line();
    out.line(
      `${out.style('✖', 'red')} ${out.style(printable(entry.name), 'bold')}${entry.attempts > 1 ? ` (${entry.attempts} attempts)` : ''}`,
    );
    const traceback = (error.traceback || `${error.errorName}: ${error.exception}`).split('\n');
    for (const line of traceback.slice(0, TRACEBACK_LINES)) out.line(`    ${printable(line)}`);
    if (traceback.length > TRACEBACK_LINES) {
      out.line(out.style(`    … ${traceback.length - TRACEBACK_LINES} more lines in the JSON report`, 'gray'));
    }
    const vars = Object.entries(error.tracedVars);
    if (vars.length > 0) {
      out.line(`  local variables${error.tracedVarsLocation ? ` at ${printable(error.tracedVarsLocation)}` : ''}:`);
      for (const [name, value] of vars.slice(0, TRACED_VARS_SHOWN)) {
        out.line(`    ${printable(name)} = ${printable(firstLine(value))}`);
      }
      if (vars.length > TRACED_VARS_SHOWN) out.line(out.style(`    … ${vars.length - TRACED_VARS_SHOWN} more`, 'gray'));
    }
    if (entry.notRetried) out.line(`  not retried: ${printable(entry.notRetried.message)}`);
    if (!options.onlyErrors && !options.cancelled && error.downstreamImpact.length > 0) {
      out.line(`  skipped because of it: ${printable(error.downstreamImpact.join(', '))}`);
    }
  }
}
