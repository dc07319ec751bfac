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

type QuickOptions = { -readonly [K in keyof Parsed<TaskOptions>]: Parsed<TaskOptions>[K] };

/**
 * One options record to fill, kept between tasks: building a large graph
 * otherwise makes (and collects) one per task. Taken by
 * {@link quickTaskOptions}, handed back emptied by {@link releaseQuickOptions};
 * a Task built while another holds it (a getter that builds one) gets a
 * fresh record, and one never handed back (a constructor that threw) is
 * simply left to the collector.
 */
let spare: QuickOptions | undefined;

/**
 * The options as the schema would parse them, or undefined: let the schema
 * decide. The record returned is on loan: read it, then give it back with
 * {@link releaseQuickOptions} before the next task is built.
 */
export function quickTaskOptions(input: unknown): Parsed<TaskOptions> | undefined {
  if (!isPlainObject(input)) return undefined;
  const out = spare ?? emptyOptions();
  spare = undefined;
  try {
    // Own enumerable keys only (as Object.keys, without the array).
    for (const key in input) {
      if (Object.hasOwn(input, key) && !take(out, key, input[key])) {
        releaseQuickOptions(out);
        return undefined;
      }
    }
  } catch {
    releaseQuickOptions(out);
    return undefined; // a getter threw: the full parse reports it
  }
  return out;
}

/** Hands back a record from {@link quickTaskOptions}, emptied so it holds on to nothing of the task's. */
export function releaseQuickOptions(options: Parsed<TaskOptions>): void {
  const out = options as QuickOptions;
  out.logPath = undefined;
  out.args = undefined;
  out.kwargs = undefined;
  out.dependencies = undefined;
  out.tracedVarsFrameFilter = undefined;
  out.captureTracedVars = undefined;
  out.timeoutMs = undefined;
  out.retries = undefined;
  out.retryOn = undefined;
  out.retryDelayMs = undefined;
  out.transferResult = undefined;
  spare = out;
}

/**
 * Every field an own property (absent ones undefined), so a polluted
 * Object.prototype cannot supply one; one shape for every task.
 */
function emptyOptions(): QuickOptions {
  return {
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
    // Graph options are rarer: any of them sends the task to the schema, so they stay undefined here.
    map: undefined,
    maxParallel: undefined,
    mapBatchSize: undefined,
    allowPartial: undefined,
    runIf: undefined,
    pool: undefined,
    poolSlots: undefined,
    priority: undefined,
    retryOnOom: undefined,
    cache: undefined,
    cacheKey: undefined,
    cacheEnv: undefined,
  };
}

/** Copies `value` into `out[key]` if the schema surely accepts it there (the schema would copy arrays; the Task copies or maps each one it keeps). */
function take(out: QuickOptions, key: string, value: unknown): boolean {
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
