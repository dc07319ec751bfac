import type { ProcessExecutionReport, TaskReportEntry } from 'processes-core';
import { showBidiControls } from './bidi.js';
import { exceptionText, fill, graphFacts, reusedText, statusLabel, waitOf } from './entry-text.js';
import { formatDateTime, formatDuration } from './format.js';
import type { Translations } from './languages.js';
import { listTasks, notShownText } from './listing.js';
import { checkReport, type RenderOptions, resolveOptions } from './options.js';
import { type TimelineRow, timelineRow, timelineScale, timeOf } from './timeline.js';

/** Characters of the text timeline's track. */
const TRACK = 40;

/**
 * The plain-text twin of {@link renderReportHtml}: the same header, counts,
 * timeline (as a character chart) and per-task details, for the text part
 * of an email, a terminal or a log. Takes the same options (`palette` is
 * accepted and ignored).
 */
export function renderReportText(report: ProcessExecutionReport, options: RenderOptions = {}): string {
  const checked = checkReport('renderReportText', report);
  const o = resolveOptions('renderReportText', options);
  const t = o.labels;
  const lines: string[] = [o.onlyErrors ? t.reportHeaderErrorsOnly : t.reportHeader];
  if (checked.processName) lines.push(`${t.processLabel}: ${checked.processName}`);
  const facts: string[] = [];
  if (checked.startedAt && timeOf(checked.startedAt) !== undefined) {
    facts.push(`${t.startedLabel}: ${formatDateTime(checked.startedAt)}`);
  }
  if (checked.elapsedMs !== undefined) facts.push(`${t.durationLabel}: ${formatDuration(checked.elapsedMs)}`);
  if (facts.length > 0) lines.push(facts.join(' · '));

  const counts = [
    `${t.successLabel}: ${checked.successes.size}`,
    `${t.errorLabel}: ${checked.errored.size}`,
    `${t.skippedLabel}: ${checked.skipped.size}`,
  ];
  if (checked.cancelled.size > 0) counts.push(`${t.cancelledLabel}: ${checked.cancelled.size}`);
  if (checked.pending.size > 0) counts.push(`${t.pendingLabel}: ${checked.pending.size}`);
  lines.push('', t.summaryTitle, `  ${counts.join('   ')}`);

  const scale = timelineScale(checked);
  // Each listed task's lines and timeline row, made once: their size is what the budget counts.
  const listing = listTasks(
    checked,
    o,
    (entry) => ({
      row: scale ? timelineRow(entry, scale) : undefined,
      text: taskLines(entry, t, o.content).join('\n'),
    }),
    ({ row, text }) => text.length + (row ? row.name.length + TRACK + 16 : 0),
  );
  if (scale && listing.shown.length > 0) {
    const rows = listing.shown.map(({ rendered }) => rendered.row as TimelineRow);
    // A loop, not Math.max(...rows): spreading some 120,000 rows overflows the stack.
    const width = rows.reduce((widest, row) => Math.max(widest, Math.min(row.name.length, 32)), 0);
    lines.push('', `${t.timelineTitle} (0 – ${formatDuration(scale.spanMs)})`);
    for (const row of rows) lines.push(timelineLine(row, width, t));
  }

  lines.push('', t.tasksTitle);
  if (listing.shown.length === 0 && listing.notShown === 0) lines.push(`  ${t.noTasks}`);
  for (const { rendered } of listing.shown) lines.push(rendered.text);
  if (listing.notShown > 0) lines.push('', notShownText(listing, t));
  return showBidiControls(`${lines.join('\n')}\n`);
}

/** A row of the character chart: the name, the wait as dots, the bar, the duration. */
function timelineLine(row: TimelineRow, width: number, t: Translations): string {
  const label = row.name.length > width ? `${row.name.slice(0, width - 1)}…` : row.name.padEnd(width);
  if (row.offsetPct === undefined || row.widthPct === undefined || row.durationMs === undefined) {
    return `  ${label}  |${' '.repeat(TRACK)}|  ${statusLabel(row.status, t)}`;
  }
  const start = Math.min(Math.round((row.offsetPct / 100) * TRACK), TRACK - 1);
  const wait = Math.min(Math.round(((row.waitPct ?? 0) / 100) * TRACK), TRACK - start - 1);
  const length = Math.min(Math.max(Math.round((row.widthPct / 100) * TRACK), 1), TRACK - start - wait);
  const mark = row.status === 'errored' ? 'x' : row.status === 'cancelled' ? '/' : '#';
  const bar = ' '.repeat(start) + '.'.repeat(wait) + mark.repeat(length) + ' '.repeat(TRACK - start - wait - length);
  return `  ${label}  |${bar}|  ${formatDuration(row.durationMs)}`;
}

function taskLines(
  entry: TaskReportEntry,
  t: Translations,
  content: { showTraceback: boolean; showTracedVars: boolean },
): string[] {
  const marker = entry.reused ? ` (${t.reusedLabel})` : '';
  const lines = [
    '',
    `[${statusLabel(entry.status, t)}] ${entry.name}${marker}`,
    `  ${t.functionLabel}: ${entry.function}`,
  ];
  if (entry.attempts > 0) {
    lines.push(`  ${t.durationLabel}: ${formatDuration(entry.elapsedMs)} · ${t.attemptsLabel}: ${entry.attempts}`);
  }
  const waitedMs = waitOf(entry);
  if (waitedMs !== undefined) lines.push(`  ${t.waitedLabel}: ${formatDuration(waitedMs)}`);
  const byRule = entry.skip !== undefined && entry.skip.rule !== 'allSuccess';
  if (entry.skippedBecause && !byRule) lines.push(`  ${fill(t.skippedBecause, { task: entry.skippedBecause })}`);
  for (const [label, text] of graphFacts(entry, t)) lines.push(`  ${label}: ${text}`);
  const reused = reusedText(entry, t);
  if (reused) lines.push(`  ${reused}`);
  if (entry.notRetried) lines.push(`  ${t.notRetriedLabel}: ${entry.notRetried.message}`);
  const error = entry.status === 'errored' || entry.status === 'cancelled' ? entry.error : undefined;
  if (!error) return lines;
  lines.push(`  ${t.exceptionLabel}: ${indentTail(exceptionText(error), '    ')}`);
  // A task cancelled while running shows only the abort: its stack is the engine's, and nothing was skipped for it.
  if (entry.status === 'cancelled') return lines;
  if (error.downstreamImpact.length > 0) lines.push(`  ${t.downstreamTitle}: ${error.downstreamImpact.join(', ')}`);
  if (content.showTraceback && error.traceback) {
    lines.push(`  ${t.tracebackTitle}:`, indent(error.traceback, '    '));
  }
  const vars = Object.entries(error.tracedVars);
  if (content.showTracedVars && vars.length > 0) {
    lines.push(
      `  ${t.tracedVarsTitle}:`,
      `    ${fill(t.tracedVarsBlurb, { location: error.tracedVarsLocation || '?' })}`,
      ...vars.map(([key, value]) => indent(`${key} = ${value}`, '    ')),
    );
  }
  return lines;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

function indentTail(text: string, prefix: string): string {
  return text.replace(/\n/g, `\n${prefix}`);
}
