import { type LoggerOptions, pino } from 'pino';
import { Redaction, redactKeys } from './redaction.js';

/**
 * pino options shared by every task log, on the main thread and in workers:
 * ISO times and level names, so the files read well, and the process's
 * redaction applied to the fields of every line (`log.info({ password }, …)`
 * writes `"password":"[redacted]"`). The message text is written as given.
 */
export function taskLogOptions(redaction: Redaction): LoggerOptions {
  if (redaction === NO_REDACTION) return PLAIN_OPTIONS;
  return {
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label: string) => ({ level: label }),
      log: (object: Record<string, unknown>) => redactKeys(object, redaction),
    },
  };
}

/**
 * For lines a worker forwards to the main thread: they are redacted there,
 * by the process logger's task child ({@link file://./logging.ts}), so the
 * worker does no work per line beyond formatting it.
 */
export const NO_REDACTION: Redaction = new Redaction([]);

const PLAIN_OPTIONS: LoggerOptions = {
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label: string) => ({ level: label }) },
};
