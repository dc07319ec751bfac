import type { TriggerRule } from '../options/trigger-rule.js';
import { TaskStatus } from '../report/status.js';

/** How the decision on a task's trigger rule came out. */
export type RuleDecision =
  | { readonly run: true }
  /** `upstream`: the dependencies whose ending made the rule fail, in dependency order. */
  | { readonly run: false; readonly upstream: readonly string[] };

export interface UpstreamEnding {
  readonly name: string;
  readonly status: TaskStatus;
}

const RUN: RuleDecision = Object.freeze({ run: true });

// "Failed" is `errored` throughout: a skipped upstream did not fail, it did not run.
const failed = (u: UpstreamEnding): boolean => u.status === TaskStatus.ERRORED;
const succeeded = (u: UpstreamEnding): boolean => u.status === TaskStatus.SUCCESS;

/**
 * Whether a task runs, given how every one of its dependencies ended. A task
 * without dependencies always runs (there is nothing for a rule to say no to).
 */
export function decideRule(rule: TriggerRule, upstream: readonly UpstreamEnding[]): RuleDecision {
  if (upstream.length === 0) return RUN;
  const names = (keep: (u: UpstreamEnding) => boolean) => upstream.filter(keep).map((u) => u.name);
  switch (rule) {
    case 'allSuccess':
      return upstream.every(succeeded) ? RUN : { run: false, upstream: names((u) => !succeeded(u)) };
    case 'allDone':
      return RUN;
    case 'anyFailed':
      return upstream.some(failed) ? RUN : { run: false, upstream: names(() => true) };
    case 'allFailed':
      return upstream.every(failed) ? RUN : { run: false, upstream: names((u) => !failed(u)) };
    case 'noneFailed':
      return upstream.some(failed) ? { run: false, upstream: names(failed) } : RUN;
    case 'anySuccess':
      return upstream.some(succeeded) ? RUN : { run: false, upstream: names(() => true) };
  }
}

/**
 * Whether one dependency's ending already settles the rule as "skip", before
 * the others end: then the task is skipped at once, as the Python library
 * skips the dependants of a failure at once. Only rules that one ending can
 * refute qualify; the others wait for every dependency.
 */
export function refutedEarly(rule: TriggerRule, ending: TaskStatus): boolean {
  switch (rule) {
    case 'allSuccess':
      return ending !== TaskStatus.SUCCESS;
    case 'allFailed':
      return ending !== TaskStatus.ERRORED;
    case 'noneFailed':
      return ending === TaskStatus.ERRORED;
    default:
      return false;
  }
}
