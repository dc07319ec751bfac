import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Task } from '../definition/task.js';
import { ResultNotRestorableError, ResumeFileError } from '../errors/errors.js';
import { ProcessExecutionReport } from '../report/report.js';
import { hasLossyResult } from '../report/result-encoding.js';
import { TaskStatus } from '../report/status.js';
import type { ExecutionReport, RunReason, TaskFingerprint, TaskReportEntry } from '../report/types.js';

/** For one task: reuse the report's result, or run, and why. */
export type ResumeDecision =
  | { readonly reuse: true; readonly result: unknown; readonly fromRun: string | null }
  | {
      readonly reuse: false;
      readonly reason: RunReason;
      /**
       * A mapped task that failed but did not change: its items that
       * succeeded, by index of their first item, to reuse (only the rest run).
       */
      readonly items?: ReadonlyMap<number, TaskReportEntry>;
      readonly fromRun?: string | null;
    };

/** The report `resumeFrom` names: given as is, or read from its JSON file. */
export async function loadResumeReport(source: ExecutionReport | string | URL): Promise<ExecutionReport> {
  if (typeof source !== 'string' && !(source instanceof URL)) return source;
  const path = source instanceof URL ? fileURLToPath(source) : source;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ResumeFileError(path, error);
  }
  return ProcessExecutionReport.fromJSON(text);
}

/**
 * Which tasks a resumed run reuses: in topological order, a task is reused
 * when it succeeded in the report, its fingerprint is unchanged, and every
 * task it depends on is reused too; everything downstream of a task that
 * runs again runs again. Throws {@link ResultNotRestorableError} for a task
 * that would be reused but whose result the report holds only lossily.
 */
export function planResume(
  order: readonly Task[],
  dependencies: readonly (readonly number[])[],
  fingerprints: readonly TaskFingerprint[],
  report: ExecutionReport,
): ResumeDecision[] {
  const decisions: ResumeDecision[] = [];
  // Names are case-insensitive (a task's is lower case; a document may spell it otherwise).
  const byName = new Map<string, TaskReportEntry>();
  for (const [name, entry] of report.entries) byName.set(name.toLowerCase(), entry);
  order.forEach((task, i) => {
    const entry = byName.get(task.name.toLowerCase());
    const own = entry ? ownReason(entry, fingerprints[i] as TaskFingerprint) : 'not-in-report';
    const upstreamRan = (dependencies[i] ?? []).some((d) => !(decisions[d] as ResumeDecision).reuse);
    if (own !== undefined || upstreamRan || !entry) {
      const items =
        own === 'failed-before' &&
        !upstreamRan &&
        entry &&
        changeReason(entry, fingerprints[i] as TaskFingerprint) === undefined
          ? reusableItems(entry)
          : undefined;
      decisions.push({
        reuse: false,
        reason: own ?? 'upstream-ran',
        ...(items ? { items, fromRun: report.runId ?? null } : {}),
      });
      return;
    }
    if (hasLossyResult(entry)) {
      throw new ResultNotRestorableError(task.name, 'the report could hold only a readable copy of it');
    }
    decisions.push({ reuse: true, result: entry.result, fromRun: report.runId ?? null });
  });
  return decisions;
}

function ownReason(entry: TaskReportEntry, now: TaskFingerprint): RunReason | undefined {
  if (entry.status !== TaskStatus.SUCCESS) return 'failed-before';
  return changeReason(entry, now);
}

/**
 * The item entries of a mapped task that succeeded and whose results the
 * report holds exactly, by the index of their first item; undefined when
 * there are none. An item whose result is only a readable copy runs again.
 */
function reusableItems(entry: TaskReportEntry): ReadonlyMap<number, TaskReportEntry> | undefined {
  if (!entry.map || !entry.items) return undefined;
  const items = new Map<number, TaskReportEntry>();
  for (const item of entry.items) {
    if (item.status === TaskStatus.SUCCESS && item.mapItem && !hasLossyResult(item))
      items.set(item.mapItem.index, item);
  }
  return items.size > 0 ? items : undefined;
}

/** How the task's definition differs from the one the report's entry was made from, if it does. */
function changeReason(entry: TaskReportEntry, now: TaskFingerprint): RunReason | undefined {
  const before = entry.fingerprint;
  if (!before) return 'no-fingerprint';
  if (now.code === null || before.code !== now.code) return 'code-changed';
  if (now.args === null || now.kwargs === null) return 'unhashable-input';
  if (before.args !== now.args) return 'args-changed';
  if (before.kwargs !== now.kwargs) return 'kwargs-changed';
  if (before.dependencies !== now.dependencies) return 'dependencies-changed';
  return undefined;
}
