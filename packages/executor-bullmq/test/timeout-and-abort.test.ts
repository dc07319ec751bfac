// Hard timeouts end on the worker's machine (its thread terminated, the
// process alive), and aborting a run removes its queued jobs, stops the
// running ones on their workers, and settles at once with a partial report.
import { Process, RunAbortedError, TaskStatus } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { remote } from './fixtures/graph.js';
import { redisMissing } from './fixtures/redis-server.js';
import { useRedis } from './fixtures/setup.js';
import { waitFor } from './fixtures/wait-for.js';

const missing = redisMissing();
if (missing) console.log(missing);

describe.skipIf(missing !== null)('timeouts and cancellation on the fleet', () => {
  const env = useRedis();

  it('a `while (true) {}` task with timeoutMs is terminated on its worker, which stays up and runs the next job', async () => {
    const queue = 'timeouts';
    const [worker] = await env.workers(1, { queue, threads: 1 });
    const executor = env.executor({ queue });
    await using process = new Process([
      remote('runaway', 'spin', { timeoutMs: 300 }),
      remote('next', 'add', { args: [20, 22], dependencies: [] }),
    ]);
    const report = await process.run({ executors: [executor], parallel: false });
    const runaway = report.entries.get('runaway');
    expect(runaway?.status).toBe(TaskStatus.ERRORED);
    expect(runaway?.error?.errorName).toBe('TaskTimeoutError');
    expect(runaway?.error?.thrown.props).toMatchObject({ endedBy: 'terminated', timeoutMs: 300 });
    expect(runaway?.workerId?.startsWith(`${worker?.id}:`)).toBe(true);
    // The same process ran the next job, on a new thread.
    expect(worker?.alive).toBe(true);
    const next = report.entries.get('next');
    expect(next).toMatchObject({ status: TaskStatus.SUCCESS, result: 42 });
    expect(next?.workerId?.startsWith(`${worker?.id}:`)).toBe(true);
    expect(next?.workerId).not.toBe(runaway?.workerId);
  });

  it('aborting a run removes its queued jobs, stops its running one on the worker, and settles promptly', async () => {
    const queue = 'abort';
    const [worker] = await env.workers(1, { queue, threads: 1 });
    const executor = env.executor({ queue });
    const handle = env.queue(queue);
    await using process = new Process([
      remote('running', 'spin'),
      remote('queued_1', 'spin'),
      remote('queued_2', 'spin'),
      remote('later', 'add', { args: [1, 1], dependencies: ['running'] }),
    ]);
    const controller = new AbortController();
    const run = process.run({ executors: [executor], signal: controller.signal, parallel: true, maxWorkers: 3 });
    await waitFor('one job running and two waiting', async () => {
      const counts = await handle.getJobCounts('active', 'wait');
      return counts['active'] === 1 && counts['wait'] === 2;
    });
    controller.abort(new Error('operator stop'));
    const error = await run.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RunAbortedError);
    const report = (error as RunAbortedError).report;
    // The running and queued ones were cut short; the dependant never started.
    expect(report.entries.get('running')).toMatchObject({ status: TaskStatus.CANCELLED, attempts: 1 });
    expect(report.entries.get('queued_1')?.status).toBe(TaskStatus.CANCELLED);
    expect(report.entries.get('later')).toMatchObject({ status: TaskStatus.CANCELLED, attempts: 0 });

    // Queued jobs are gone; the running one was stopped on its worker (its thread
    // terminated), and its job removed once it finished: the queue is empty.
    await waitFor('the queue to empty', async () => {
      const counts = await handle.getJobCounts('active', 'wait', 'completed', 'failed', 'delayed');
      return Object.values(counts).every((n) => n === 0);
    });
    expect(worker?.alive).toBe(true);

    // The worker takes jobs again.
    await using again = new Process([remote('after_abort', 'add', { args: [2, 3] })]);
    const next = await again.run({ executors: [executor] });
    expect(next.entries.get('after_abort')).toMatchObject({ status: TaskStatus.SUCCESS, result: 5 });
  });

  it('an abort before the job is taken leaves nothing in Redis', async () => {
    const queue = 'abort-unstarted';
    const executor = env.executor({ queue });
    const handle = env.queue(queue);
    await using process = new Process([remote('never_taken', 'add', { args: [1, 2] })]);
    const controller = new AbortController();
    const run = process.run({ executors: [executor], signal: controller.signal });
    await waitFor('the job to wait', async () => (await handle.getJobCounts('wait'))['wait'] === 1);
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(RunAbortedError);
    await waitFor('the job to go', async () => (await handle.getJobCounts('wait'))['wait'] === 0);
  });
});
