import { describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  Process,
  type RunEvent,
  Task,
  TaskDependency,
  TaskTimeoutError,
  taskContext,
} from '../dist/index.js';
import { deferred, nextMacrotask } from './fixtures/control.js';

/** Waits until the task's signal aborts (then rejects with its reason), like a well-behaved fetch. */
function untilAborted(): Promise<never> {
  const { signal } = taskContext();
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Blocks the event loop for `ms`, like a CPU-heavy synchronous function. */
function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe('cooperative timeouts on the main thread', () => {
  it('fails the attempt with TaskTimeoutError at the deadline and aborts the task signal', async () => {
    let signal: AbortSignal | undefined;
    const report = await new Process([
      new Task(
        'slow',
        () => {
          signal = taskContext().signal;
          return untilAborted();
        },
        { timeoutMs: 50 },
      ),
    ]).run();
    const entry = report.entries.get('slow');
    expect(entry).toMatchObject({ status: 'errored', attempts: 1 });
    expect(entry?.error?.errorName).toBe('TaskTimeoutError');
    expect(entry?.error?.thrown.code).toBe('PROC_TASK_TIMEOUT');
    expect(entry?.error?.thrown.classChain).toContain('TaskTimeoutError');
    expect(entry?.error?.exception).toContain('"slow"');
    expect(entry?.error?.exception).toContain('50 ms');
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(TaskTimeoutError);
    expect(signal?.reason).toMatchObject({ code: 'PROC_TASK_TIMEOUT', taskName: 'slow', timeoutMs: 50, attempt: 1 });
  });

  it('moves on: dependants are skipped and siblings run', async () => {
    const called: string[] = [];
    const report = await new Process([
      new Task('hangs', () => new Promise(() => {}), { timeoutMs: 50 }),
      new Task('dependant', () => called.push('dependant'), { dependencies: ['hangs'] }),
      new Task('sibling', () => called.push('sibling')),
      new Task('after_sibling', () => called.push('after_sibling'), { dependencies: ['sibling'] }),
    ]).run({ parallel: true, maxWorkers: 2 });
    expect(called).toEqual(['sibling', 'after_sibling']);
    expect(report.entries.get('hangs')?.status).toBe('errored');
    expect(report.entries.get('dependant')).toMatchObject({ status: 'skipped', skippedBecause: 'hangs' });
    expect(report.entries.get('sibling')?.status).toBe('success');
    expect(report.entries.get('after_sibling')?.status).toBe('success');
  });

  it('also moves on in a sequential run', async () => {
    const called: string[] = [];
    const report = await new Process([
      new Task('hangs', () => new Promise(() => {}), { timeoutMs: 50 }),
      new Task('next', () => called.push('next')),
    ]).run({ parallel: false });
    expect(called).toEqual(['next']);
    expect(report.entries.get('hangs')?.status).toBe('errored');
  });

  it('ignores the late result of a timed-out attempt', async () => {
    const mayReturn = deferred<string>();
    const events: RunEvent[] = [];
    let dependantCalls = 0;
    const p = new Process([
      // Ignores its signal and returns after the deadline.
      new Task('late', () => mayReturn.promise, { timeoutMs: 50 }),
      new Task(
        'dependant',
        (value: string) => {
          dependantCalls++;
          return value;
        },
        { dependencies: [new TaskDependency('late', { useResultAsAdditionalArgs: true })] },
      ),
    ]);
    const report = await p.run({ onEvent: (event) => events.push(event) });
    const eventCount = events.length;
    mayReturn.resolve('too late');
    for (let i = 0; i < 5; i++) await nextMacrotask();
    expect(report.entries.get('late')?.status).toBe('errored');
    expect(report.entries.get('late')?.result).toBeUndefined();
    expect(dependantCalls).toBe(0);
    expect(events.length).toBe(eventCount);
  });

  it('ignores a late rejection of a timed-out attempt', async () => {
    const mayFail = deferred<string>();
    const report = await new Process([new Task('late', () => mayFail.promise, { timeoutMs: 50 })]).run();
    mayFail.reject(new Error('failed after the deadline'));
    for (let i = 0; i < 5; i++) await nextMacrotask();
    expect(report.entries.get('late')?.error?.errorName).toBe('TaskTimeoutError');
  });

  it('treats a synchronous function that overruns its deadline as a timeout', async () => {
    let signal: AbortSignal | undefined;
    const report = await new Process([
      new Task(
        'blocking',
        () => {
          signal = taskContext().signal;
          busyFor(120);
          return 'finished too late';
        },
        { timeoutMs: 30 },
      ),
    ]).run();
    const entry = report.entries.get('blocking');
    expect(entry).toMatchObject({ status: 'errored', attempts: 1 });
    expect(entry?.result).toBeUndefined();
    expect(entry?.error?.errorName).toBe('TaskTimeoutError');
    expect(signal?.aborted).toBe(true);
  });

  it('keeps the result of a function that finishes within its deadline', async () => {
    const report = await new Process([
      new Task(
        'quick',
        async () => {
          await nextMacrotask();
          return 'in time';
        },
        { timeoutMs: 10_000 },
      ),
    ]).run();
    expect(report.entries.get('quick')).toMatchObject({ status: 'success', result: 'in time' });
  });

  it('retries a timed-out attempt by default, which can then succeed', async () => {
    const signals: AbortSignal[] = [];
    const report = await new Process([
      new Task(
        'flaky',
        () => {
          const { signal, attempt } = taskContext();
          signals.push(signal);
          return attempt < 3 ? untilAborted() : `attempt ${attempt}`;
        },
        { timeoutMs: 50, retries: 2 },
      ),
    ]).run();
    expect(report.entries.get('flaky')).toMatchObject({ status: 'success', attempts: 3, result: 'attempt 3' });
    // Each attempt gets its own signal; only the timed-out ones are aborted.
    expect(signals.map((s) => s.aborted)).toEqual([true, true, false]);
  });

  it('uses the retry, not the late result of the attempt it replaced', async () => {
    const firstMayReturn = deferred<string>();
    const report = await new Process([
      new Task(
        'overlap',
        async () => {
          if (taskContext().attempt === 1) return firstMayReturn.promise;
          // The abandoned first attempt finishes while this retry is still running. Only microtasks pass
          // from here to the return, so this attempt's own deadline cannot interfere.
          firstMayReturn.resolve('stale');
          for (let i = 0; i < 10; i++) await Promise.resolve();
          return 'fresh';
        },
        { timeoutMs: 50, retries: 1 },
      ),
    ]).run();
    expect(report.entries.get('overlap')).toMatchObject({ status: 'success', attempts: 2, result: 'fresh' });
  });

  it('reports the timeout as the error when the retries run out', async () => {
    const report = await new Process([new Task('never', () => untilAborted(), { timeoutMs: 30, retries: 1 })]).run();
    const entry = report.entries.get('never');
    expect(entry).toMatchObject({ status: 'errored', attempts: 2 });
    expect(entry?.error?.errorName).toBe('TaskTimeoutError');
    expect(entry?.error?.exception).toContain('attempt 2');
  });

  it('accepts the longest timeout a Node.js timer can wait, and rejects a longer one before anything runs', () => {
    expect(new Task('patient', () => 1, { timeoutMs: 2_147_483_647 }).timeoutMs).toBe(2_147_483_647);
    // A longer timer would fire after 1 ms: the task would time out at once.
    expect(() => new Task('patient', () => 1, { timeoutMs: Number.MAX_SAFE_INTEGER })).toThrow(InvalidOptionError);
    expect(() => new Task('patient', () => 1, { timeoutMs: 3_000_000_000 })).toThrow(
      'Task "patient": expected `timeoutMs` to be at most 2147483647 ms (about 24.8 days, the longest a Node.js timer can wait), got `3000000000` (number)',
    );
  });
});
