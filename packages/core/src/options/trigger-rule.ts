// A leaf module (no imports): the report's types name the rules too, and the
// report must not import the task options (they import the definition).

/** The trigger rules of `runIf`. */
export const TRIGGER_RULES = ['allSuccess', 'allDone', 'anyFailed', 'allFailed', 'noneFailed', 'anySuccess'] as const;

/** When a task runs, given how its dependencies ended (docs/graph.md). */
export type TriggerRule = (typeof TRIGGER_RULES)[number];
