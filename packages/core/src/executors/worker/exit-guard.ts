import { currentTaskContext } from '../../run/context.js';
import { WorkerTaskContext } from './attempt-context.js';
import { sendHeldResults } from './batch-results.js';
import { post } from './thread-state.js';

/**
 * Makes `process.exit()` in a task say so before it ends the thread, so the
 * attempt fails with a clear error (the code it exited with) rather than
 * "the thread exited". Returns the real exit, for the worker's own use.
 */
export function guardProcessExit(): (code?: number) => never {
  const exitThread = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    const context = currentTaskContext();
    const attemptId = context ? WorkerTaskContext.requestOf(context)?.attemptId : undefined;
    if (attemptId !== undefined) post({ kind: 'exit', attemptId, code: code == null ? 0 : Number(code) });
    sendHeldResults();
    return exitThread(code);
  }) as typeof process.exit;
  return exitThread;
}
