import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** The flags a command takes, as `node:util` parseArgs describes them. */
export type FlagSpecs = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** The parsed flags and positionals of one command. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * Parses a command's arguments strictly (unknown flags and missing values
 * are errors) and turns parseArgs' errors into {@link UsageError}s that
 * point at the command's `--help`.
 */
export function parseCommandArgs(command: string, args: readonly string[], options: FlagSpecs): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError(tidy(error.message), command);
    throw error;
  }
}

function isParseArgsError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** parseArgs' messages carry advice about `--` for scripts that pass positionals; ours do not need it. */
function tidy(message: string): string {
  return message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '.');
}

/** The one positional argument a command needs (the pipeline file). */
export function onePositional(command: string, parsed: ParsedArgs, what: string): string {
  const [first, ...rest] = parsed.positionals;
  if (first === undefined) throw new UsageError(`Missing ${what}.`, command);
  if (rest.length > 0)
    throw new UsageError(`Unexpected argument${rest.length > 1 ? 's' : ''}: ${rest.join(' ')}.`, command);
  return first;
}

/** A flag that must be a whole number >= `min`. */
export function integerFlag(
  command: string,
  flag: string,
  value: string | boolean | undefined,
  min: number,
): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min) {
    throw new UsageError(`Expected --${flag} to be a whole number >= ${min}, got "${String(value)}".`, command);
  }
  return number;
}

/** A string flag, or undefined. */
export function stringFlag(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
