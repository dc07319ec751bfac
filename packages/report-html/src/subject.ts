import type { ProcessExecutionReport } from 'processes-core';
import { showBidiControls } from './bidi.js';
import { formatDateStamp } from './format.js';
import { checkReport, resolveOptions, type SubjectOptions } from './options.js';

/**
 * The Python library's subject line: `<base> <process name> | YYYYMMDD` (local date),
 * e.g. `Process Execution Report nightly-etl | 20260620`, or with
 * `onlyErrors` `Failed Tasks in Process nightly-etl | 20260620`. Without a
 * process name: `Process Execution Report | 20260620`. Whitespace in the
 * name (line breaks included) becomes single spaces, so it cannot break the
 * header it is put in.
 */
export function reportSubject(report: ProcessExecutionReport, options: SubjectOptions = {}): string {
  const checked = checkReport('reportSubject', report);
  const { labels, onlyErrors, date } = resolveOptions('reportSubject', options);
  const base = onlyErrors ? labels.reportEmailSubjectErrors : labels.reportEmailSubject;
  const name = checked.processName.replace(/\s+/g, ' ').trim();
  return showBidiControls(`${name ? `${base} ${name}` : base} | ${formatDateStamp(date)}`);
}
