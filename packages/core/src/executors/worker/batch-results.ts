/**
 * The responses of the batch a worker thread is running (worker-entry.ts
 * `runBatch`), held until the batch ends and then sent in one message. A
 * thread about to end mid-batch (`process.exit()` in a task, out of memory)
 * sends what it holds first, so the attempts that finished before the one
 * that ended the thread keep their own outcomes (worker-pool.ts reads the
 * rest from the batch's shared progress).
 */
import { threadId } from 'node:worker_threads';
import { WorkerCrashError } from '../../errors/errors.js';
import { serializeError } from '../../errors/serialize-error.js';
import type { WorkerRequest, WorkerResponse } from './protocol.js';
import { post } from './thread-state.js';

interface Held {
  requests: WorkerRequest[];
  responses: WorkerResponse[];
  /** Fused chain links that did not run. */
  notRun: number[];
}

let held: Held = { requests: [], responses: [], notRun: [] };

/** Keeps `response` until {@link sendHeldResults}. */
export function holdResult(request: WorkerRequest, response: WorkerResponse): void {
  held.requests.push(request);
  held.responses.push(response);
}

/** Responses held now. */
export function heldCount(): number {
  return held.requests.length;
}

/** Notes that a fused chain link did not run (the link before it did not succeed), for {@link sendHeldResults}. */
export function holdNotRun(request: WorkerRequest): void {
  held.notRun.push(request.attemptId);
}

/** Sends the held responses on `parentPort`: in one message, or one by one if one of them cannot be cloned. */
export function sendHeldResults(): void {
  const { requests, responses, notRun } = held;
  if (requests.length === 0 && notRun.length === 0) return;
  held = { requests: [], responses: [], notRun: [] };
  const skipped = notRun.length > 0 ? { notRun } : {};
  try {
    post({ kind: 'results', attemptIds: requests.map((r) => r.attemptId), responses, ...skipped });
    return;
  } catch {
    // One of them cannot be cloned: send them one by one so only that one fails.
  }
  if (notRun.length > 0) post({ kind: 'results', attemptIds: [], responses: [], notRun });
  responses.forEach((response, i) => {
    const request = requests[i] as WorkerRequest;
    const attemptIds = [request.attemptId];
    try {
      post({ kind: 'results', attemptIds, responses: [response] });
    } catch (error) {
      const cause = { name: 'DataCloneError', message: String((error as Error)?.message) };
      const failure: WorkerResponse = {
        ok: false,
        error: serializeError(new WorkerCrashError(request.taskName, cause)),
        startedAt: response.startedAt,
        finishedAt: response.finishedAt,
        threadId,
      };
      post({ kind: 'results', attemptIds, responses: [failure] });
    }
  });
}
