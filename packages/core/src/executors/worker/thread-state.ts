/**
 * What a worker thread knows about the attempts it runs, shared by the
 * worker entry's parts: how to fail an attempt still running, and the one
 * channel events go out on.
 */
import { parentPort } from 'node:worker_threads';
import { EVENT_TAG, type WorkerEventBody } from './protocol.js';

/** In-flight attempts, by id: how to fail each one from outside its promise chain. */
export const inFlight: Map<number, (error: unknown) => void> = new Map();
/**
 * The attempt whose response piscina is posting (with one task per thread,
 * the only one that can make piscina's postMessage fail).
 */
export const lastStarted: { attemptId: number | undefined } = { attemptId: undefined };

/** Sends an event to the main thread on `parentPort` (the pool's 'message' events). */
export function post(event: WorkerEventBody): void {
  parentPort?.postMessage({ tag: EVENT_TAG, ...event });
}
