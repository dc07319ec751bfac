// A leaf module (no imports): the report's types name the rules too, and the
// report must not import the task options (they import the definition).

/** When a task runs, given how its dependencies ended (docs/graph.md). */
export type TriggerRule = 'allSuccess' | 'allDone' | 'anyFailed' | 'allFailed' | 'noneFailed' | 'anySuccess';

/** The trigger rules of `runIf`, for checking and listing them. */
export const TRIGGER_RULES: readonly [TriggerRule, ...TriggerRule[]] = [
  'allSuccess',
  'allDone',
  'anyFailed',
  'allFailed',
  'noneFailed',
  'anySuccess',
];
