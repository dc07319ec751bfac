import { ProcessExecutionReport } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { reportSubject } from '../dist/index.js';
import { ordersReport } from './fixtures/reports.js';

// Built from local fields, so the expected YYYYMMDD holds in any time zone.
const date = new Date(2026, 5, 20, 23, 59);

describe('reportSubject', () => {
  it('is `<base> <process name> | YYYYMMDD`, as the seed', () => {
    expect(reportSubject(ordersReport('nightly-etl'), { date })).toBe(
      'Process Execution Report nightly-etl | 20260620',
    );
  });

  it('uses the failed-tasks base with onlyErrors', () => {
    expect(reportSubject(ordersReport('nightly-etl'), { date, onlyErrors: true })).toBe(
      'Failed Tasks in Process nightly-etl | 20260620',
    );
  });

  it('drops the name when the process has none', () => {
    const report = new ProcessExecutionReport({ entries: [] });
    expect(reportSubject(report, { date: new Date(2026, 10, 22), onlyErrors: true })).toBe(
      'Failed Tasks in Process | 20261122',
    );
  });

  it('is translated', () => {
    expect(reportSubject(ordersReport('etl'), { date, language: 'de' })).toBe(
      'Prozessausführungsbericht etl | 20260620',
    );
    expect(reportSubject(ordersReport('etl'), { date, language: 'it', onlyErrors: true })).toBe(
      'Attività Fallite nel Processo etl | 20260620',
    );
  });

  it('uses the local date of today by default', () => {
    const stamp = (d: Date) =>
      `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
    const before = stamp(new Date());
    const subject = reportSubject(ordersReport('etl'));
    // Around midnight the day may turn between the reads; either side is right.
    expect([before, stamp(new Date())]).toContain(subject.slice(-8));
  });

  it('cannot be broken into two header lines by the process name', () => {
    expect(reportSubject(ordersReport('etl\r\nBcc: someone@example.test'), { date })).toBe(
      'Process Execution Report etl Bcc: someone@example.test | 20260620',
    );
  });
});
