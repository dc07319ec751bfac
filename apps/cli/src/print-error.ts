import { UsageError } from './errors.js';
import { printable } from './printable.js';
import type { Terminal } from './terminal.js';
import { isTypedError } from './typed-error.js';

/**
 * Prints why a command failed: for the library's typed errors the class
 * name, the stable code (see docs/errors.md) and the message; for an error
 * that caused it (a syntax error in the pipeline file), its stack.
 */
export function printError(err: Terminal, error: unknown): void {
  if (error instanceof UsageError) {
    err.line(`${err.style('processes:', 'red', 'bold')} ${printable(error.message)}`);
    return;
  }
  if (isTypedError(error)) {
    err.line(`${err.style('✖', 'red')} ${err.style(error.name, 'bold')} ${err.style(`[${error.code}]`, 'red')}`);
    err.line(indent(printable(error.message)));
    if (error.cause !== undefined && !isTypedError(error.cause)) {
      err.line(err.style('  caused by:', 'gray'));
      err.line(indent(printable(stackOf(error.cause)), '    '));
    } else if (isTypedError(error.cause)) {
      err.line(
        err.style(printable(`  caused by: ${error.cause.name} [${error.cause.code}]: ${error.cause.message}`), 'gray'),
      );
    }
    return;
  }
  err.line(`${err.style('✖', 'red')} ${err.style('unexpected error in the processes command', 'bold')}`);
  err.line(indent(printable(stackOf(error))));
}

function stackOf(value: unknown): string {
  const stack = (value as { stack?: unknown } | null)?.stack;
  if (typeof stack === 'string' && stack) return stack;
  const message = (value as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(value);
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n');
}
