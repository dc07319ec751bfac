import type { ProcessExecutionReport, TaskReportEntry } from 'processes-core';
import { fill } from './entry-text.js';
import type { Translations } from './languages.js';

/**
 * The most characters a rendering spends on its task list and timeline.
 * V8's longest string is some 512 million characters: a report of ~150,000
 * tasks (or a few hundred with megabyte stacks) went past it, and the
 * renderer threw a bare RangeError. A document this size is already more
 * than any mail server takes or any browser shows comfortably.
 */
export const LISTING_BUDGET_CHARS: number = 64 * 1024 * 1024;

/** Which tasks a rendering lists, in the report's order, each with what was rendered for it. */
export interface TaskListing<T> {
  readonly shown: readonly { readonly entry: TaskReportEntry; readonly rendered: T }[];
  /** Tasks that would have been listed but were left out (over `maxTasks` or the size budget). */
  readonly notShown: number;
  /** How many of those errored. */
  readonly notShownErrored: number;
}

/**
 * Picks and renders the tasks to list: the errored ones (or only those, with
 * `onlyErrors`), then the rest, up to `maxTasks` and while the rendered
 * size stays within {@link LISTING_BUDGET_CHARS}. Failures go first so a
 * cut never hides the tasks the reader came for; what is shown keeps the
 * report's order.
 */
export function listTasks<T>(
  report: ProcessExecutionReport,
  options: { readonly onlyErrors: boolean; readonly maxTasks: number },
  render: (entry: TaskReportEntry) => T,
  sizeOf: (rendered: T) => number,
): TaskListing<T> {
  const all = [...report.entries.values()];
  const candidates = all
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => !options.onlyErrors || entry.status === 'errored');
  const errored = candidates.filter(({ entry }) => entry.status === 'errored');
  const ranked =
    errored.length === candidates.length
      ? candidates
      : [...errored, ...candidates.filter(({ entry }) => entry.status !== 'errored')];
  const picked: { entry: TaskReportEntry; index: number; rendered: T }[] = [];
  let chars = 0;
  for (const { entry, index } of ranked) {
    if (picked.length >= options.maxTasks) break;
    const rendered = render(entry);
    chars += sizeOf(rendered);
    if (chars > LISTING_BUDGET_CHARS) break;
    picked.push({ entry, index, rendered });
  }
  picked.sort((a, b) => a.index - b.index);
  const pickedErrored = picked.reduce((count, { entry }) => count + (entry.status === 'errored' ? 1 : 0), 0);
  return {
    shown: picked.map(({ entry, rendered }) => ({ entry, rendered })),
    notShown: candidates.length - picked.length,
    notShownErrored: errored.length - pickedErrored,
  };
}

/** The line under a cut list: how many tasks it left out, and where to find them. */
export function notShownText(listing: TaskListing<unknown>, t: Translations): string {
  return fill(t.tasksNotShown, { count: String(listing.notShown), errored: String(listing.notShownErrored) });
}
