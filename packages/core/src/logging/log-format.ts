import { type LoggerOptions, pino } from 'pino';
import { type Redaction, redactKeys } from './redaction.js';

/**
 * pino options shared by every task log, on the main thread and in workers:
 * ISO times and level names, so the files read well, and the process's
 * redaction applied to the fields of every line (`log.info({ password }, …)`
 * writes `"password":"[redacted]"`). The message text is written as given.
 */
export function taskLogOptions(redaction: Redaction): LoggerOptions {
  return {
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label: string) => ({ level: label }),
      log: (object: Record<string, unknown>) => redactKeys(object, redaction),
    },
  };
}
