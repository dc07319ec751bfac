import { type Logger, pino } from 'pino';
import type { LogLevel, LogSink } from '../executors/types.js';
import { NO_REDACTION, taskLogOptions } from './log-format.js';

const LEVELS: ReadonlySet<string> = new Set<LogLevel>(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const silent: Logger = pino({ level: 'silent' });

/**
 * The pino logger a task gets as `taskContext().log` where it runs: it has
 * no bindings, time or pid of its own, and does not redact (the sink's
 * destinations add the bindings and redact), and `write` receives each line
 * as pino's NDJSON.
 */
export function lineLogger(level: LogLevel, write: (line: string) => void): Logger {
  return pino({ ...taskLogOptions(NO_REDACTION), level, base: null, timestamp: false }, { write });
}

/** A logger whose lines go to `sink` (a silent one when there is no sink). */
export function sinkLogger(sink: LogSink | null, level: LogLevel): Logger {
  return sink ? lineLogger(level, (line) => replayLine(sink, line)) : silent;
}

/** Hands one of {@link lineLogger}'s NDJSON lines to a sink as level, message and fields. */
export function replayLine(sink: LogSink, line: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    sink('info', line.trim(), {});
    return;
  }
  const { level, msg, ...fields } = record;
  sink(
    typeof level === 'string' && LEVELS.has(level) ? (level as LogLevel) : 'info',
    typeof msg === 'string' ? msg : '',
    fields,
  );
}
