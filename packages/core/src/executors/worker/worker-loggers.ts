import { type Logger, pino } from 'pino';
import { lineLogger } from '../../logging/sink-logger.js';
import type { WorkerRequest } from './protocol.js';
import { inFlight, post } from './thread-state.js';

/** Attempts that sent log lines: their response must wait for a flush marker on the same port. */
const sentLines = new Set<number>();
const silent: Logger = pino({ level: 'silent' });

/** Whether the attempt sent any log line (and forgets it): if so, its response waits for a flush marker. */
export function takeSentLines(attemptId: number): boolean {
  return sentLines.delete(attemptId);
}

/**
 * The task's logger: each line goes to the main thread on `parentPort`,
 * tagged with its attempt, where the pool hands it to the request's log sink
 * (which adds the task's bindings and writes the file and the process
 * logger). The worker entry's `finish` sends the flush marker.
 */
export function loggerFor(request: WorkerRequest): Logger {
  if (!request.forwardLogs) return silent;
  const { attemptId } = request;
  return lineLogger(request.logLevel, (line: string) => {
    // A line after the attempt ended (a stray timer) needs no marker: the pool has let go of the attempt.
    if (inFlight.has(attemptId)) sentLines.add(attemptId);
    post({ kind: 'log', attemptId, line });
  });
}
