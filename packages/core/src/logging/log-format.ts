import { type LoggerOptions, pino } from 'pino';

/**
 * pino options shared by every task log, on the main thread and in workers:
 * ISO times and level names, so the files read well.
 */
export const TASK_LOG_OPTIONS: LoggerOptions = {
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label: string) => ({ level: label }) },
};
