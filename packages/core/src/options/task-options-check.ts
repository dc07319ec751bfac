/**
 * A hand-written check of task options for the common case, so building a
 * large graph does not pay for a zod parse per task. It accepts only what
 * `taskOptionsSchema` accepts, and returns what that parse returns; anything
 * it is not sure of (a backoff object, an unknown key, a bad value) it
 * leaves to the schema, which then gives the one documented error.
 */
import type { Parsed } from './field.js';
import { MAX_TIMER_MS } from './limits.js';
import { isPlainObject } from './parse.js';
import type { TaskOptions } from './task-options.js';

/** The options as the schema would parse them, or undefined: let the schema decide. */
export function quickTaskOptions(input: unknown): Parsed<TaskOptions> | undefined {
  if (!isPlainObject(input)) return undefined;
  // Every field an own property (absent ones undefined), so a polluted
  // Object.prototype cannot supply one; one shape for every task.
  const out: Parsed<TaskOptions> = {
    logPath: undefined,
    args: undefined,
    kwargs: undefined,
    dependencies: undefined,
    tracedVarsFrameFilter: undefined,
    captureTracedVars: undefined,
    timeoutMs: undefined,
    retries: undefined,
    retryOn: undefined,
    retryDelayMs: undefined,
    transferResult: undefined,
  };
  try {
    for (const key of Object.keys(input)) {
      if (!take(out, key, input[key])) return undefined;
    }
  } catch {
    return undefined; // a getter threw: the full parse reports it
  }
  return out;
}

/** Copies `value` into `out[key]` if the schema surely accepts it there (the schema would copy arrays; the Task copies or maps each one it keeps). */
function take(
  out: { -readonly [K in keyof Parsed<TaskOptions>]: Parsed<TaskOptions>[K] },
  key: string,
  value: unknown,
): boolean {
  switch (key) {
    case 'logPath':
      if (value !== undefined && value !== null && !(typeof value === 'string' && value.length > 0)) return false;
      out.logPath = value;
      return true;
    case 'args':
      if (value !== undefined && !Array.isArray(value)) return false;
      out.args = value as unknown[] | undefined;
      return true;
    case 'dependencies':
      if (value !== undefined && !Array.isArray(value)) return false;
      out.dependencies = value as TaskOptions['dependencies'];
      return true;
    case 'kwargs':
      if (value !== undefined && !isPlainObject(value)) return false;
      out.kwargs = value;
      return true;
    case 'tracedVarsFrameFilter':
      if (value !== undefined && value !== null && typeof value !== 'string') return false;
      out.tracedVarsFrameFilter = value;
      return true;
    case 'captureTracedVars':
    case 'transferResult':
      if (value !== undefined && typeof value !== 'boolean') return false;
      out[key] = value;
      return true;
    case 'timeoutMs':
      if (value !== undefined && value !== null && !(typeof value === 'number' && value > 0 && value <= MAX_TIMER_MS)) {
        return false;
      }
      out.timeoutMs = value;
      return true;
    case 'retries':
      if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) return false;
      out.retries = value as number | undefined;
      return true;
    case 'retryOn':
      if (value !== undefined && !Array.isArray(value) && typeof value !== 'function') return false;
      out.retryOn = value as TaskOptions['retryOn'];
      return true;
    case 'retryDelayMs':
      if (value !== undefined && !(typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS)) return false;
      out.retryDelayMs = value;
      return true;
    default:
      return false;
  }
}
