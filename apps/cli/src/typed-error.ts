/** What the CLI shows of an error of this library: its class name, stable code and message. */
export interface TypedError {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly cause?: unknown;
}

/**
 * Whether `value` is an error of this library (a `ProcessesError`, code
 * `PROC_…`). Checked by shape, not `instanceof`: a pipeline file may load its
 * own copy of `processes` (its project's install, or a separate instance
 * when tsx imports a TypeScript file), whose classes are not the CLI's.
 */
export function isTypedError(value: unknown): value is TypedError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, name, message } = value as Record<string, unknown>;
  return (
    typeof code === 'string' && code.startsWith('PROC_') && typeof name === 'string' && typeof message === 'string'
  );
}

/** `RunAbortedError`, by code (see {@link isTypedError} for why not by class). */
export function isRunAborted(value: unknown): value is TypedError & { readonly report: unknown } {
  return isTypedError(value) && value.code === 'PROC_RUN_ABORTED' && 'report' in value;
}
