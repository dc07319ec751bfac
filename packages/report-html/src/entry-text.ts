import type { ErrorData, TaskReportEntry, TaskStatus } from 'processes-core';
import type { Translations } from './languages.js';
import { timeOf } from './timeline.js';

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

/**
 * The template with each `{name}` replaced by its value, in one pass. Not
 * `String.prototype.replace` with a string: that reads `$&`, `$'` and `` $` ``
 * in the replacement as patterns, so a task named `` a$`b `` showed the
 * label's own text in place of its name. One pass also keeps a value that
 * holds a `{placeholder}` from being filled in itself.
 */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, key: string) =>
    Object.hasOwn(values, key) ? (values[key] as string) : placeholder,
  );
}

/** `TypeError: boom`; only the message when a non-Error was thrown (its name says nothing). */
export function exceptionText(error: ErrorData): string {
  return error.errorName && error.errorName !== 'NonError' ? `${error.errorName}: ${error.exception}` : error.exception;
}

/**
 * The lines the richer graph adds to a task's card, as [label, text] pairs:
 * a mapped task's items (summarised, never listed one by one: a task may
 * map over 100,000), a skip by trigger rule, its pool, each attempt's heap.
 */
export function graphFacts(entry: TaskReportEntry, t: Translations): [string, string][] {
  const facts: [string, string][] = [];
  if (entry.map) {
    const { items, failed, failedIndices } = entry.map;
    let text = fill(t.itemsSummary, { items: String(items), failed: String(failed) });
    if (failed > 0) {
      const shown = failedIndices.slice(0, MAX_INDICES).join(', ') + (failedIndices.length > MAX_INDICES ? ', …' : '');
      text += ` (${fill(t.failedIndices, { indices: shown })})`;
    }
    facts.push([t.itemsLabel, text]);
  }
  if (entry.skip && entry.skip.rule !== 'allSuccess') {
    facts.push([
      t.statusSkipped,
      fill(t.skippedByRule, { rule: entry.skip.rule, tasks: entry.skip.upstream.join(', ') }),
    ]);
  }
  if (entry.pool) facts.push([t.poolLabel, `${entry.pool.name} ×${entry.pool.slots}`]);
  if (entry.heap && entry.heap.length > 0) {
    const mb = (value: number | null) => (value === null ? '?' : `${value} MB`);
    const lines = entry.heap.map((h) =>
      fill(t.heapAttempt, {
        attempt: String(h.attempt),
        limit: h.limitMb === null ? t.poolHeap : mb(h.limitMb),
        used: mb(h.peakUsedMb),
      }),
    );
    facts.push([t.heapLabel, lines.join('; ')]);
  }
  return facts;
}

/** Failed indices a card names before it says "…". */
const MAX_INDICES = 20;

/** For a reused entry: where its result came from, in the report's language. */
export function reusedText(entry: TaskReportEntry, t: Translations): string | undefined {
  if (!entry.reused) return undefined;
  const run = entry.reused.fromRun ? entry.reused.fromRun.slice(0, 8) : '?';
  return fill(entry.reused.source === 'resume' ? t.reusedFromReport : t.reusedFromCache, { run });
}

/** From being handed to its executor to its first attempt's start, when both are known and it is not nothing. */
export function waitOf(entry: TaskReportEntry): number | undefined {
  const queued = timeOf(entry.queuedAt);
  const started = timeOf(entry.startedAt);
  if (queued === undefined || started === undefined) return undefined;
  const ms = started - queued;
  return ms >= 1 ? ms : undefined;
}
