import { InvalidOptionError, ProcessExecutionReport, type TaskReportEntry } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { buildTimeline, escapeHtml, renderReportHtml, renderReportText, reportSubject } from '../dist/index.js';
import { at, errorData } from './fixtures/reports.js';

// `$&`, `$'`, `` $` `` and `$$` are the replacement patterns of String.prototype.replace.
const DOLLARS = "load$'$`$&$$";
/** RenderOptions' default maxTasks. */
const RENDER_DEFAULT_MAX = 10_000;

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

  it('has a timeline over all of them, and renders every one as text when asked', () => {
    const report = bigReport();
    const timeline = buildTimeline(report, [...report.entries.values()]);
    expect(timeline?.spanMs).toBe(1000);
    expect(timeline?.rows).toHaveLength(COUNT);
    const text = renderReportText(report, { maxTasks: Number.POSITIVE_INFINITY });
    expect(text).toContain(`\n  t${COUNT - 1}  |`);
    expect(text).not.toContain('more tasks not listed');
  }, 60_000);

  // Its HTML was past V8's longest string: renderReportHtml threw a bare RangeError.
  it('renders as HTML, listing maxTasks of them and saying how many were left out', () => {
    const html = renderReportHtml(bigReport());
    expect(html.match(/data-task="/g)).toHaveLength(RENDER_DEFAULT_MAX);
    expect(html.match(/data-timeline-row="/g)).toHaveLength(RENDER_DEFAULT_MAX);
    expect(html).toContain('data-task="t9999"');
    expect(html).not.toContain('data-task="t10000"');
    expect(html).toContain(
      `… and ${COUNT - RENDER_DEFAULT_MAX} more tasks not listed here (0 of them errored). The JSON report holds every task.`,
    );
    // The counts still cover the whole report.
    expect(html).toContain(`>${COUNT}</div>`);
    expect(html.endsWith('</html>\n')).toBe(true);
  }, 60_000);

  it('with maxTasks: Infinity, stops at the size budget instead of throwing, and says so', () => {
    const html = renderReportHtml(bigReport(), { maxTasks: Number.POSITIVE_INFINITY });
    const cards = html.match(/data-task="/g)?.length ?? 0;
    expect(cards).toBeGreaterThan(RENDER_DEFAULT_MAX);
    expect(cards).toBeLessThan(COUNT);
    expect(html).toContain(`… and ${COUNT - cards} more tasks not listed here`);
    expect(html.length).toBeLessThan(80 * 1024 * 1024);
  }, 60_000);
});

describe('a list cut at maxTasks', () => {
  const report = new ProcessExecutionReport({
    entries: [
      ...Array.from({ length: 5 }, (_, i) => entry({ name: `ok${i}`, status: 'success', attempts: 1 })),
      entry({ name: 'broke', status: 'errored', attempts: 1, error: errorData('broke', 'boom') }),
      entry({ name: 'after', status: 'skipped', skippedBecause: 'broke' }),
    ],
  });

  it('lists the errored tasks first, keeps the report order, and counts the rest', () => {
    const html = renderReportHtml(report, { maxTasks: 3 });
    const listed = [...html.matchAll(/data-task="([^"]+)"/g)].map((match) => match[1]);
    expect(listed).toEqual(['ok0', 'ok1', 'broke']);
    expect(html).toContain('data-not-shown="4"');
    expect(html).toContain('… and 4 more tasks not listed here (0 of them errored).');
    const text = renderReportText(report, { maxTasks: 3 });
    expect(text).toContain('[Error] broke');
    expect(text).not.toContain('] ok2');
    expect(
      text
        .trimEnd()
        .endsWith('… and 4 more tasks not listed here (0 of them errored). The JSON report holds every task.'),
    ).toBe(true);
  });

  it('counts errored tasks left out when even they do not fit', () => {
    const many = new ProcessExecutionReport({
      entries: Array.from({ length: 4 }, (_, i) =>
        entry({ name: `e${i}`, status: 'errored', attempts: 1, error: errorData(`e${i}`, 'boom') }),
      ),
    });
    expect(renderReportText(many, { maxTasks: 1, onlyErrors: true })).toContain(
      '… and 3 more tasks not listed here (3 of them errored).',
    );
  });

  it('refuses a maxTasks that is not a whole number of at least 1', () => {
    for (const maxTasks of [0, -1, 1.5, Number.NaN, '10']) {
      expect(() => renderReportHtml(report, { maxTasks: maxTasks as number })).toThrow(InvalidOptionError);
      expect(() => renderReportText(report, { maxTasks: maxTasks as number })).toThrow(/maxTasks/);
    }
  });
});

describe('dates that are not valid', () => {
  const invalid = new Date(Number.NaN);
  const report = new ProcessExecutionReport({
    processName: 'etl',
    startedAt: invalid,
    finishedAt: at(10),
    entries: [
      entry({ name: 'extract', status: 'success', attempts: 1, startedAt: at(0), finishedAt: at(10) }),
      entry({
        name: 'broken',
        status: 'success',
        attempts: 1,
        queuedAt: invalid,
        startedAt: invalid,
        finishedAt: at(5),
      }),
      entry({ name: 'waited', status: 'success', attempts: 1, queuedAt: invalid, startedAt: at(2), finishedAt: at(4) }),
    ],
  });

  // A hand-built report's new Date(NaN) showed as "NaN-NaN-NaN" and drew bars NaN% wide.
  it('are left out, not shown as NaN, and the other times still draw', () => {
    for (const rendered of [renderReportHtml(report), renderReportText(report)]) {
      expect(rendered).not.toContain('NaN');
      expect(rendered).not.toContain('Started:');
    }
    const html = renderReportHtml(report);
    expect(html).toMatch(/<tr data-timeline-row="extract">.*data-bar="success"/);
    expect(html).toMatch(/<tr data-timeline-row="broken">(?:(?!data-bar).)*<\/tr>/);
    // A bad queuedAt falls back to the start, as a task with no queue time does.
    expect(html).toMatch(/<tr data-timeline-row="waited">.*data-bar="success"/);
  });
});

describe('bidirectional controls in names and messages', () => {
  // U+202E turns the rest of the line around: "invoice\u202Efdp.exe" shows as "invoiceexe.pdf".
  const spoof = 'invoice\u202Efdp.exe';
  const report = new ProcessExecutionReport({
    processName: `nightly\u2067`,
    entries: [
      entry({
        name: spoof,
        status: 'errored',
        attempts: 1,
        error: errorData(spoof, 'bad \u202Dinput\u202C', { tracedVarsLocation: 'x\u2066.ts:1' }),
      }),
    ],
  });

  it('are shown as [U+202E] and the like in the HTML, the text and the subject, so nothing is reordered', () => {
    const rendered = [renderReportHtml(report), renderReportText(report), reportSubject(report)];
    for (const text of rendered) {
      expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
      expect(text).toContain('nightly[U+2067]');
    }
    expect(rendered[0]).toContain('data-task="invoice[U+202E]fdp.exe"');
    expect(rendered[0]).toContain('bad [U+202D]input[U+202C]');
    expect(rendered[1]).toContain('[Error] invoice[U+202E]fdp.exe');
  });
});
