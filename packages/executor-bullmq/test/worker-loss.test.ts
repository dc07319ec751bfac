// kill -9 of the worker process running an attempt: BullMQ's stalled check
// notices, the attempt ends as worker-lost (in the report), the task runs
// again on the other worker within its retries, and its dependant runs once.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Process, TaskDependency, TaskStatus } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { jobIdOf } from '../dist/index.js';
import { remote } from './fixtures/graph.js';
import { redisMissing } from './fixtures/redis-server.js';
import { useRedis } from './fixtures/setup.js';
import { waitFor } from './fixtures/wait-for.js';

const missing = redisMissing();
if (missing) console.log(missing);

describe.skipIf(missing !== null)('a worker killed mid-task', () => {
  const env = useRedis();

  it('re-runs the attempt on another worker, records worker-lost, and runs the dependant once', async () => {
    const queue = 'loss';
    const workers = await env.workers(2, { queue, threads: 1, lockDurationMs: 1000, stalledIntervalMs: 300 });
    const executor = env.executor({ queue });
    const dir = await mkdtemp(join(tmpdir(), 'processes-bullmq-loss-'));
    const once = join(dir, 'dependant-ran.txt');
    await using process = new Process(
      [
        remote('first', 'hangsFirst', { retries: 1, logPath: join(dir, 'first.log') }),
        remote('after', 'appendLine', {
          args: [once],
          dependencies: [new TaskDependency('first', { useResultAsAdditionalArgs: true })],
        }),
      ],
      { name: 'loss' },
    );
    const events: string[] = [];
    let runId = '';
    const run = process.run({
      executors: [executor],
      onEvent: (event) => {
        if (event.type === 'run:started') runId = event.runId;
        events.push(event.type);
      },
    });
    // The first attempt has logged from its worker: it is running. Then its worker goes.
    const jobId = await waitFor('the run to start', () => (runId ? jobIdOf(runId, 'first', 1) : undefined));
    await waitFor(
      'the first attempt to log',
      async () => (await env.client.llen(`bull:${queue}:processes:log:${jobId}`)) > 0,
    );
    const job = await env.queue(queue).getJob(jobId);
    const victim = workers.find((w) => w.id === job?.processedBy);
    expect(victim).toBeDefined();
    await victim?.kill('SIGKILL');

    const report = await run;
    const first = report.entries.get('first');
    expect(first).toMatchObject({ status: TaskStatus.SUCCESS, attempts: 2, result: 'attempt 2' });
    const [lost, rerun] = first?.attemptHistory ?? [];
    expect(lost).toMatchObject({ attempt: 1, ok: false, errorName: 'WorkerLostError', endedBy: 'worker-lost' });
    expect(lost?.workerId).toBe(victim?.id);
    const survivor = workers.find((w) => w !== victim);
    expect(rerun?.workerId.startsWith(`${survivor?.id}:`)).toBe(true);
    expect(report.entries.get('after')).toMatchObject({ status: TaskStatus.SUCCESS, result: 'attempt 2' });
    expect((await readFile(once, 'utf8')).split('\n').filter(Boolean)).toEqual(['attempt 2']);
    expect(events.filter((type) => type === 'task:retrying')).toHaveLength(1);
    // The line the lost attempt logged before its worker died reached the task's log file.
    const log = await readFile(join(dir, 'first.log'), 'utf8');
    expect(log).toContain('first attempt started');
    expect(log).toContain('was lost');
    // And it is in the JSON report.
    expect(report.toJSON().entries['first']?.attempt_history?.[0]).toMatchObject({ ended_by: 'worker-lost' });
  });

  it('without retries, the task errors with WorkerLostError and only its dependants are skipped', async () => {
    const queue = 'loss-no-retry';
    const workers = await env.workers(2, { queue, threads: 1, lockDurationMs: 1000, stalledIntervalMs: 300 });
    const executor = env.executor({ queue });
    await using process = new Process([
      remote('first', 'hangsFirst'),
      remote('after', 'add', { args: [1, 2], dependencies: ['first'] }),
      remote('other', 'add', { args: [1, 2] }),
    ]);
    let runId = '';
    const run = process.run({
      executors: [executor],
      onEvent: (event) => {
        if (event.type === 'run:started') runId = event.runId;
      },
    });
    const handle = env.queue(queue);
    const job = await waitFor('the first attempt to be taken', async () => {
      const found = runId ? await handle.getJob(jobIdOf(runId, 'first', 1)) : undefined;
      return found?.processedBy ? found : undefined;
    });
    await workers.find((w) => w.id === job.processedBy)?.kill('SIGKILL');

    const report = await run;
    expect(report.entries.get('first')).toMatchObject({ status: TaskStatus.ERRORED, attempts: 1 });
    expect(report.entries.get('first')?.error).toMatchObject({
      errorName: 'WorkerLostError',
      downstreamImpact: ['after'],
    });
    expect(report.entries.get('first')?.error?.thrown).toMatchObject({
      code: 'PROC_BULLMQ_WORKER_LOST',
      classChain: expect.arrayContaining(['TaskTimeoutError']),
      props: { endedBy: 'worker-lost' },
    });
    expect(report.entries.get('after')).toMatchObject({ status: TaskStatus.SKIPPED, skippedBecause: 'first' });
    expect(report.entries.get('other')).toMatchObject({ status: TaskStatus.SUCCESS, result: 3 });
  });
});
