import { setMaxListeners } from 'node:events';

/**
 * The signal the scheduler hands executors for a run that cannot be
 * cancelled (its caller gave no signal). Executors may compare against it
 * to skip cancellation bookkeeping: the worker pool then gives piscina no
 * kill switch for an attempt without a timeout, which dispatches faster.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
// Every running attempt of every uncancellable run may listen to it at once; that is not a leak.
setMaxListeners(0, NEVER_ABORTED);
