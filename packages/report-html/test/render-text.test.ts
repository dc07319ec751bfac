import { describe, expect, it } from 'vitest';
import { renderReportText } from '../dist/index.js';
import { abortedReport, HOSTILE, hostileReport, ordersReport } from './fixtures/reports.js';

describe('renderReportText', () => {
  const text = renderReportText(ordersReport());

  it('has the header, the process and the counts', () => {
    const lines = text.split('\n');
    expect(lines[0]).toBe('Process Execution Report');
    expect(lines[1]).toBe('Process: orders-pipeline');
    expect(lines[2]).toMatch(/^Started: 2026-06-2\d \d\d:\d\d:\d\d [+-]\d\d:\d\d · Duration: 500 ms$/);
    expect(text).toContain('Summary\n  Successes: 3   Errors: 1   Skipped: 1\n');
  });

  it('draws the timeline as a character chart on the run scale', () => {
    expect(text).toContain('Timeline (0 – 500 ms)');
    // 40 characters = 500 ms: enrich 100–400 is 8 blanks then 24 marks; charge is the last 8, as x.
    expect(text).toContain(`  enrich_pricing   |${' '.repeat(8)}${'#'.repeat(24)}${' '.repeat(8)}|  300 ms`);
    expect(text).toContain(`  charge_payments  |${' '.repeat(32)}${'x'.repeat(8)}|  100 ms`);
    expect(text).toContain(`  ship_orders      |${' '.repeat(40)}|  Skipped`);
  });

  it('details each task and failure', () => {
    expect(text).toContain(
      [
        '[Error] charge_payments',
        '  Function: chargePayments',
        '  Duration: 100 ms · Attempts: 3',
        '  Exception: Error: card declined',
        '  Downstream Impact: ship_orders',
        '  Traceback:',
        '    Error: card declined',
        '        at chargePayments (file:///srv/etl/charge.ts:12:11)',
        '  Traced Variables:',
        '    The following local variables had these values at file:///srv/etl/charge.ts:12:',
        '    amount = 42',
        "    currency = 'EUR'",
      ].join('\n'),
    );
    expect(text).toContain('[Skipped] ship_orders\n  Function: shipOrders\n  Not run because charge_payments failed');
  });

  it('lists only the errored tasks with onlyErrors', () => {
    const errorsOnly = renderReportText(ordersReport(), { onlyErrors: true });
    expect(errorsOnly.split('\n')[0]).toBe('Failed Tasks Report');
    expect(errorsOnly).toContain('[Error] charge_payments');
    for (const name of ['fetch_inventory', 'archive_logs', 'enrich_pricing']) {
      expect(errorsOnly).not.toContain(name);
    }
    // ship_orders shows only as the failure's downstream impact.
    expect(errorsOnly).not.toContain('[Skipped] ship_orders');
    expect(errorsOnly).not.toContain('  ship_orders  ');
  });

  it('follows the content presets', () => {
    const trace = renderReportText(ordersReport(), { content: 'trace' });
    expect(trace).toContain('  Traceback:');
    expect(trace).not.toContain('Traced Variables');
    const min = renderReportText(ordersReport(), { content: 'min' });
    expect(min).not.toContain('Traceback');
    expect(min).toContain('  Exception: Error: card declined');
  });

  it('is translated', () => {
    const de = renderReportText(ordersReport(), { language: 'de' });
    expect(de).toContain('Prozessausführungsbericht\nProzess: orders-pipeline');
    expect(de).toContain('[Fehler] charge_payments\n  Funktion: chargePayments');
    expect(de).toContain('  Auswirkung auf nachgelagerte Aufgaben: ship_orders');
  });

  it('keeps text as it is (no HTML escaping in the text part)', () => {
    expect(renderReportText(hostileReport())).toContain(`Process: etl ${HOSTILE}`);
  });

  it('counts cancelled tasks, draws waits as dots and says why a failure was not retried', () => {
    const aborted = renderReportText(abortedReport());
    expect(aborted).toContain('Summary\n  Successes: 1   Errors: 1   Skipped: 0   Cancelled: 2\n');
    // parse: queued at 0, waited until 60% of the run, then ran (at least one mark).
    expect(aborted).toMatch(/\n {2}parse {2}\|\.{24}#+ +\| {2}20 ms\n/);
    expect(aborted).toMatch(/\n {2}load {3}\| +\/+\| {2}180 ms\n/);
    expect(aborted).toContain('[Cancelled] load\n');
    expect(aborted).toContain('  Exception: AbortError: The run was aborted while this task was running (Ctrl-C).\n');
    expect(aborted).toContain('  Waited: 300 ms\n');
    expect(aborted).toContain('  Not retried: Task "fetch" failed with HttpError, which retryOn does not match');
  });
});
