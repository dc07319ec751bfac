// Attempts of a batch run back to back, without a promise each (see
// worker-entry.ts runBatch): with traced-variables capture on, the thread's
// debugger is enabled, and V8 then does extra work for every await and
// promise reaction, so a no-op attempt cost about twice as much as with
// capture off, and how much that showed in a run depended on which thread
// was the bottleneck at the time.
import { failWhenUnhandled } from './stray-errors.js';

/** How the attempts of one batch are set up, called and ended (worker-entry.ts). */
export interface InlineAttempts<A, R> {
  /** Sets up the attempt of request `index`; undefined when it cannot run inline (its function is not loaded yet). */
  begin(index: number): A | undefined;
  /** Whether a failure of the attempt records traced variables: then its exception must look uncaught. */
  captures(attempt: A): boolean;
  /** Calls the task function in the attempt's context. */
  call(attempt: A): unknown;
  succeeded(attempt: A, value: unknown): void;
  failed(attempt: A, error: unknown): void;
  /** Waits for what the attempt returned (an object: it may be a thenable); called at once, in the same job. */
  follow(attempt: A, value: object): Promise<R>;
}

/** Where an inline run stopped: the first request it did not end, and, when it called it, its `follow`. */
export interface InlineStop<R> {
  readonly next: number;
  readonly pending?: Promise<R>;
}

const SETTLED: Promise<void> = Promise.resolve();

/**
 * Runs requests `from`..`count - 1` one after the other while each one's
 * function is loaded and returns a primitive; at the first that returns an
 * object (it may be a thenable) it stops with that attempt's `follow`. `inJob`: run them in a
 * reaction of a settled promise with no handler, as capture-call.ts does
 * for one attempt, so an exception escaping a capturing attempt looks
 * uncaught and the recorder pauses at the throw; it then rejects the job,
 * the unhandled-rejection route fails that attempt, and the rest go on in
 * a new job. Attempts that do not capture are called inside a try/catch.
 */
export function runInline<A, R>(
  count: number,
  from: number,
  attempts: InlineAttempts<A, R>,
  inJob: boolean,
): Promise<InlineStop<R>> {
  if (!inJob) return Promise.resolve(runSome(count, from, attempts, undefined));
  return new Promise<InlineStop<R>>((stop, fail) => {
    const runFrom = (start: number): void => {
      const current: Current<A> = { attempt: undefined, index: start };
      const job = SETTLED.then(() => stop(runSome(count, start, attempts, current)));
      failWhenUnhandled(job, (error) => {
        const { attempt, index } = current;
        // Not a task's exception: the batch fails, as it would have when running its attempts one by one.
        if (attempt === undefined) return fail(error);
        attempts.failed(attempt, error);
        runFrom(index + 1);
      });
    };
    runFrom(from);
  });
}

/** The capturing attempt being called in a job, which its throw ends: the one to fail, and its request. */
interface Current<A> {
  attempt: A | undefined;
  index: number;
}

function runSome<A, R>(
  count: number,
  from: number,
  attempts: InlineAttempts<A, R>,
  current: Current<A> | undefined,
): InlineStop<R> {
  for (let index = from; index < count; index++) {
    const attempt = attempts.begin(index);
    if (attempt === undefined) return { next: index };
    let value: unknown;
    if (current && attempts.captures(attempt)) {
      current.attempt = attempt;
      current.index = index;
      // No try/catch: a throw here ends the job, unhandled (see runInline).
      value = attempts.call(attempt);
      current.attempt = undefined;
    } else {
      try {
        value = attempts.call(attempt);
      } catch (error) {
        attempts.failed(attempt, error);
        continue;
      }
    }
    if ((typeof value === 'object' || typeof value === 'function') && value !== null) {
      return { next: index, pending: attempts.follow(attempt, value) };
    }
    attempts.succeeded(attempt, value);
  }
  return { next: count };
}
