import { ProcessExecutionReport, type TaskReportEntry } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { buildTimeline, escapeHtml, renderReportHtml, renderReportText } from '../dist/index.js';
import { at, errorData } from './fixtures/reports.js';

// `$&`, `$'`, `` $` `` and `$$` are the replacement patterns of String.prototype.replace.
const DOLLARS = "load$'$`$&$$";

function entry(partial: Partial<TaskReportEntry> & Pick<TaskReportEntry, 'name' | 'status'>): TaskReportEntry {
  return { function: partial.name, args: [], kwargs: {}, elapsedMs: 0, attempts: 0, ...partial };
}

function dollarReport(): ProcessExecutionReport {
  return new ProcessExecutionReport({
    processName: 'etl',
    entries: [
      entry({
        name: DOLLARS,
        status: 'errored',
        attempts: 1,
        error: errorData(DOLLARS, 'boom', { tracedVarsLocation: `/srv/${DOLLARS}.ts:1 {task}` }),
      }),
      entry({ name: 'ship', status: 'skipped', skippedBecause: DOLLARS }),
      entry({ name: 'notify', status: 'skipped', skip: { rule: 'allDone', upstream: [DOLLARS, '{rule}'] } }),
    ],
  });
}

describe('labels filled in with names from the report', () => {
  it('show the names as they are, replacement patterns and placeholders included', () => {
    const text = renderReportText(dollarReport());
    expect(text).toContain(`Not run because ${DOLLARS} failed\n`);
    expect(text).toContain(`The following local variables had these values at /srv/${DOLLARS}.ts:1 {task}:\n`);
    expect(text).toContain(`Not run: rule allDone not met by ${DOLLARS}, {rule}\n`);

    const html = renderReportHtml(dollarReport());
    const name = escapeHtml(DOLLARS);
    expect(html).toContain(`>Not run because ${name} failed<`);
    expect(html).toContain(`values at /srv/${name}.ts:1 {task}:</p>`);
    expect(html).toContain(`>Not run: rule allDone not met by ${name}, {rule}<`);
  });
});

describe('a report with very many tasks', () => {
  // Spreading this many values into Math.min/Math.max overflowed the call stack (RangeError).
  const COUNT = 150_000;

  function bigReport(): ProcessExecutionReport {
    const entries = Array.from({ length: COUNT }, (_, i) =>
      entry({
        name: `t${i}`,
        status: 'success',
        attempts: 1,
        elapsedMs: 1,
        startedAt: at(i % 1000),
        finishedAt: at((i % 1000) + 1),
      }),
    );
    return new ProcessExecutionReport({ processName: 'big', entries });
  }

  // The HTML of this many tasks is past V8's longest string, so only the
  // timeline (which renderReportHtml builds first) and the text are rendered.
  it('has a timeline over all of them, and renders as text', () => {
    const report = bigReport();
    const timeline = buildTimeline(report, [...report.entries.values()]);
    expect(timeline?.spanMs).toBe(1000);
    expect(timeline?.rows).toHaveLength(COUNT);
    const text = renderReportText(report);
    expect(text).toContain(`\n  t${COUNT - 1}  |`);
  }, 60_000);
});
