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
  const out = Object.create(null) as Record<string, unknown>;
  try {
    for (const key of Object.keys(input)) {
      const value = input[key];
      if (!acceptable(key, value)) return undefined;
      // The schema would copy arrays; the Task copies (or maps) every one it keeps anyway.
      out[key] = value;
    }
  } catch {
    return undefined; // a getter threw: the full parse reports it
  }
  return out as Parsed<TaskOptions>;
}

function acceptable(key: string, value: unknown): boolean {
  if (value === undefined) return KNOWN.has(key);
  switch (key) {
    case 'logPath':
      return value === null || (typeof value === 'string' && value.length > 0);
    case 'args':
    case 'dependencies':
      return Array.isArray(value);
    case 'kwargs':
      return isPlainObject(value);
    case 'tracedVarsFrameFilter':
      return value === null || typeof value === 'string';
    case 'captureTracedVars':
    case 'transferResult':
      return typeof value === 'boolean';
    case 'timeoutMs':
      return value === null || (typeof value === 'number' && value > 0 && value <= MAX_TIMER_MS);
    case 'retries':
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case 'retryOn':
      return Array.isArray(value) || typeof value === 'function';
    case 'retryDelayMs':
      return typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS;
    default:
      return false;
  }
}

const KNOWN: ReadonlySet<string> = new Set([
  'logPath',
  'args',
  'kwargs',
  'dependencies',
  'tracedVarsFrameFilter',
  'captureTracedVars',
  'timeoutMs',
  'retries',
  'retryOn',
  'retryDelayMs',
  'transferResult',
]);
