import { describe, expect, it } from 'vitest';
import { Process, RunAbortedError, type RunEvent, Task, TaskDependency, taskContext } from '../dist/index.js';
import { deferred, nextMacrotask } from './fixtures/control.js';

/** Awaits `run` and returns what it rejected with; fails the test if it resolved. */
async function rejectionOf(run: Promise<unknown>): Promise<RunAbortedError> {
  const outcome = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(RunAbortedError);
  return outcome as RunAbortedError;
}

describe('aborting a run through its signal', () => {
  it('rejects with RunAbortedError carrying the partial report', async () => {
    const controller = new AbortController();
    const reason = new Error('operator pressed Ctrl-C');
    const called: string[] = [];
    const loadRunning = deferred();
    const loadMayReturn = deferred<string>();
    let loadSignal: AbortSignal | undefined;
    const events: RunEvent[] = [];
    const p = new Process(
      [
        new Task('config', () => {
          called.push('config');
          return { rows: 3 };
        }),
        new Task(
          'broken',
          () => {
            called.push('broken');
            throw new Error('broken');
          },
          { dependencies: ['config'] },
        ),
        new Task('after_broken', () => called.push('after_broken'), { dependencies: ['broken'] }),
        new Task(
          'load',
          () => {
            called.push('load');
            loadSignal = taskContext().signal;
            loadRunning.resolve();
            return loadMayReturn.promise; // ignores its signal: the run must not wait for it
          },
          { dependencies: ['broken_free'] },
        ),
        new Task('broken_free', () => called.push('broken_free'), { dependencies: ['config'] }),
        new Task('transform', () => called.push('transform'), { dependencies: ['load'] }),
        new Task('save', () => called.push('save'), { dependencies: ['transform'] }),
      ],
      { name: 'etl' },
    );

    const run = p.run({ parallel: false, signal: controller.signal, onEvent: (event) => events.push(event) });
    await loadRunning.promise;
    controller.abort(reason);
    const error = await rejectionOf(run);

    expect(error.code).toBe('PROC_RUN_ABORTED');
    expect(error.name).toBe('RunAbortedError');
    expect(error.cause).toBe(reason);
    expect(error.message).toContain('"etl"');
    expect(error.message).toContain('operator pressed Ctrl-C');
    const { report } = error;
    expect(report.processName).toBe('etl');
    const statuses = Object.fromEntries([...report.entries].map(([name, entry]) => [name, entry.status]));
    expect(statuses).toEqual({
      config: 'success',
      broken: 'errored',
      after_broken: 'skipped',
      broken_free: 'success',
      load: 'cancelled',
      transform: 'cancelled',
      save: 'cancelled',
    });
    expect(report.entries.get('config')?.result).toEqual({ rows: 3 });
    expect(report.entries.get('broken')?.error?.exception).toBe('broken');
    expect(report.entries.get('after_broken')?.skippedBecause).toBe('broken');
    // The task running at the abort: cancelled, with the abort as its error and the attempt it was on.
    const load = report.entries.get('load');
    expect(load?.error?.exception).toContain('operator pressed Ctrl-C');
    expect(load?.error?.errorName).toBe('AbortError');
    expect(load?.attempts).toBe(1);
    expect(load?.queuedAt).toBeInstanceOf(Date);
    expect(load?.finishedAt?.getTime()).toBeGreaterThanOrEqual(load?.queuedAt?.getTime() ?? Number.NaN);
    // Tasks the abort kept from starting: cancelled too, with no attempt and no error.
    expect(report.entries.get('transform')).toMatchObject({ status: 'cancelled', attempts: 0, elapsedMs: 0 });
    expect(report.entries.get('transform')?.error).toBeUndefined();
    expect(report.entries.get('transform')?.queuedAt).toBeUndefined();
    expect([...report.cancelled.keys()]).toEqual(['load', 'transform', 'save']);
    expect(report.errored.size).toBe(1);
    expect(report.pending.size).toBe(0);
    expect(report.toJSON().summary).toEqual({ success: 2, errored: 1, skipped: 1, cancelled: 3, pending: 0 });
    expect(called).toEqual(['config', 'broken', 'broken_free', 'load']);

    // The running task was told to stop, with the run's abort reason.
    expect(loadSignal?.aborted).toBe(true);
    expect(loadSignal?.reason).toBe(reason);

    // Listeners hear the end of an aborted run too, with the same partial report.
    const finished = events.filter((e) => e.type === 'run:finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]?.type === 'run:finished' && finished[0].report.cancelled.size).toBe(3);
  });

  it('aborts the signal of every task running at the time', async () => {
    const controller = new AbortController();
    const signals = new Map<string, AbortSignal>();
    const allRunning = deferred();
    const waiter = (name: string) => () =>
      new Promise<void>((resolve) => {
        const { signal } = taskContext();
        signals.set(name, signal);
        if (signals.size === 3) allRunning.resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    const p = new Process(['a', 'b', 'c'].map((name) => new Task(name, waiter(name))));
    const run = p.run({ parallel: true, maxWorkers: 3, signal: controller.signal });
    await allRunning.promise;
    controller.abort();
    const error = await rejectionOf(run);
    expect([...signals.values()].every((signal) => signal.aborted)).toBe(true);
    expect([...error.report.cancelled.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('rejects without calling any task when the signal is already aborted', async () => {
    let calls = 0;
    const events: RunEvent[] = [];
    const p = new Process([new Task('a', () => calls++), new Task('b', () => calls++, { dependencies: ['a'] })]);
    const error = await rejectionOf(
      p.run({ signal: AbortSignal.abort(new Error('too late')), onEvent: (e) => events.push(e) }),
    );
    expect(calls).toBe(0);
    expect(error.code).toBe('PROC_RUN_ABORTED');
    expect([...error.report.entries.values()].map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
    expect(events.filter((e) => e.type.startsWith('task:'))).toEqual([]);
  });

  it('ignores the late result of an abandoned task', async () => {
    const controller = new AbortController();
    const running = deferred();
    const mayReturn = deferred<string>();
    let dependantCalls = 0;
    const events: RunEvent[] = [];
    const p = new Process([
      new Task('stubborn', () => {
        running.resolve();
        return mayReturn.promise;
      }),
      new Task(
        'dependant',
        (value: string) => {
          dependantCalls++;
          return value;
        },
        { dependencies: [new TaskDependency('stubborn', { useResultAsAdditionalArgs: true })] },
      ),
    ]);
    const run = p.run({ signal: controller.signal, onEvent: (e) => events.push(e) });
    await running.promise;
    controller.abort();
    const error = await rejectionOf(run);
    const eventsAtRejection = events.length;
    const before = JSON.stringify(error.report);

    mayReturn.resolve('too late');
    for (let i = 0; i < 5; i++) await nextMacrotask();

    expect(dependantCalls).toBe(0);
    expect(error.report.entries.get('stubborn')?.status).toBe('cancelled');
    expect(error.report.entries.get('dependant')?.status).toBe('cancelled');
    expect(JSON.stringify(error.report)).toBe(before);
    // The run is over: the abandoned task does not report progress for it any more.
    expect(events.slice(eventsAtRejection)).toEqual([]);
  });

  it('ignores a late failure of an abandoned task, and the process can run again', async () => {
    const controller = new AbortController();
    const running = deferred();
    const mayFail = deferred();
    let attempt = 0;
    const p = new Process([
      new Task('flaky', async () => {
        attempt++;
        if (attempt === 1) {
          running.resolve();
          await mayFail.promise;
          throw new Error('failed after the abort');
        }
        return 'second run';
      }),
    ]);
    const run = p.run({ signal: controller.signal });
    await running.promise;
    controller.abort();
    await rejectionOf(run);
    mayFail.resolve();
    await nextMacrotask();
    const again = await p.run();
    expect(again.entries.get('flaky')).toMatchObject({ status: 'success', result: 'second run' });
  });

  it('does not wait out a retry delay once aborted', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const p = new Process([
      new Task(
        'retrying',
        () => {
          attempts++;
          throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        },
        { retries: 5, retryDelayMs: 60_000 },
      ),
    ]);
    const run = p.run({
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'task:retrying') controller.abort();
      },
    });
    const error = await rejectionOf(run);
    expect(attempts).toBe(1);
    expect(error.report.entries.get('retrying')?.status).toBe('cancelled');
  });
});
