import { Process, ProcessExecutionReport, Task } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { escapeHtml, LANGUAGE_CODES, LANGUAGES, renderReportHtml, renderReportText } from '../dist/index.js';

async function graphReport() {
  const tasks = [
    new Task('split', () => Array.from({ length: 30 }, (_, i) => i)),
    new Task(
      'parse',
      (n: number) => {
        if (n % 2 === 1) throw new Error(`odd ${n}`);
        return n;
      },
      { map: 'split', dependencies: ['split'], allowPartial: true, pool: 'db' },
    ),
    new Task('alert', () => 'x', { dependencies: ['split'], runIf: 'anyFailed' }),
  ];
  return new Process(tasks, { pools: { db: 2 } }).run();
}

describe('the graph fields in the rendered report', () => {
  it('summarises a mapped task (items, failed indices capped) without a card per item, and names pool and rule', async () => {
    const report = await graphReport();
    const html = renderReportHtml(report);
    expect(html).toContain(
      '30 items, 15 failed (failed indices: 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29)',
    );
    expect(html).toContain('db ×1');
    expect(html).toContain('Not run: rule anyFailed not met by split');
    expect(html).not.toContain('data-task="parse[0]"');
    const text = renderReportText(report);
    expect(text).toContain('  Items: 30 items, 15 failed');
    expect(text).toContain('  Pool: db ×1');
    expect(text).toContain('  Skipped: Not run: rule anyFailed not met by split');
  });

  it.each(LANGUAGE_CODES)('%s: the graph labels appear, translated', async (language) => {
    const report = await graphReport();
    const t = LANGUAGES[language];
    const html = renderReportHtml(report, { language });
    const text = renderReportText(report, { language });
    const summary = t.itemsSummary.replace('{items}', '30').replace('{failed}', '15');
    const rule = t.skippedByRule.replace('{rule}', 'anyFailed').replace('{tasks}', 'split');
    for (const shown of [t.itemsLabel, summary, t.failedIndices.split('{')[0] ?? '', t.poolLabel, rule]) {
      expect(html).toContain(escapeHtml(shown));
      expect(text).toContain(shown);
    }
  });

  it('names each attempt’s heap for a retryOnOom task', () => {
    const report = ProcessExecutionReport.fromJSON({
      schema_version: 2,
      process_name: '',
      entries: {
        agg: {
          name: 'agg',
          function: 'agg',
          args: [],
          kwargs: {},
          status: 'success',
          elapsed_seconds: 1,
          attempts: 2,
          result: 1,
          error: null,
          heap: [
            { attempt: 1, limit_mb: null, peak_used_mb: null },
            { attempt: 2, limit_mb: 256, peak_used_mb: 51.5 },
          ],
        },
      },
    });
    expect(renderReportText(report)).toContain(
      "  Heap: attempt 1: limit the pool's, used ?; attempt 2: limit 256 MB, used 51.5 MB",
    );
    for (const language of LANGUAGE_CODES) {
      const t = LANGUAGES[language];
      expect(renderReportHtml(report, { language })).toContain(escapeHtml(t.heapLabel));
      expect(renderReportText(report, { language })).toContain(t.poolHeap);
    }
  });
});
