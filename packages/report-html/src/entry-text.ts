import type { ErrorData, TaskReportEntry, TaskStatus } from 'processes-core';
import type { Translations } from './languages.js';

/** A status in the reader's language (the Python library computed this and never used it). */
export function statusLabel(status: TaskStatus, t: Translations): string {
  switch (status) {
    case 'success':
      return t.statusSuccess;
    case 'errored':
      return t.statusErrored;
    case 'skipped':
      return t.statusSkipped;
    case 'pending':
      return t.statusPending;
    case 'cancelled':
      return t.statusCancelled;
    default:
      // A report read from a newer document may carry a status this version does not know.
      return String(status);
  }
}

/** `TypeError: boom`; only the message when a non-Error was thrown (its name says nothing). */
export function exceptionText(error: ErrorData): string {
  return error.errorName && error.errorName !== 'NonError' ? `${error.errorName}: ${error.exception}` : error.exception;
}

/** For a reused entry: where its result came from, in the report's language. */
export function reusedText(entry: TaskReportEntry, t: Translations): string | undefined {
  if (!entry.reused) return undefined;
  const run = entry.reused.fromRun ? entry.reused.fromRun.slice(0, 8) : '?';
  return (entry.reused.source === 'resume' ? t.reusedFromReport : t.reusedFromCache).replace('{run}', run);
}
