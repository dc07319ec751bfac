// The run always ends: with no worker at all, and when Redis restarts
// (empty: persistence off) under a running attempt, the attempt ends with a
// typed error after noWorkerTimeoutMs or at once, and the run settles.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Process, Task, TaskStatus } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { jobIdOf, NoWorkerError, RedisUnavailableError } from '../dist/index.js';
import { remote } from './fixtures/graph.js';
import { redisMissing } from './fixtures/redis-server.js';
import { useRedis } from './fixtures/setup.js';
import { waitFor } from './fixtures/wait-for.js';

const missing = redisMissing();
if (missing) console.log(missing);

describe.skipIf(missing !== null)('no hang, ever', () => {
  const env = useRedis();

  it('with no worker connected, the attempt ends with NoWorkerError after noWorkerTimeoutMs', async () => {
    const queue = 'nobody';
    const executor = env.executor({ queue, noWorkerTimeoutMs: 500 });
    await using process = new Process([
      remote('orphan', 'add', { args: [1, 2] }),
      new Task('local', () => 'main thread still runs'),
    ]);
    const report = await process.run({ executors: [executor] });
    const error = report.entries.get('orphan')?.error;
    expect(error?.thrown.code).toBe(NoWorkerError.code);
    expect(error?.exception).toMatch(
      /^Task "orphan": no worker has been connected to queue "nobody" for \d+ ms \(noWorkerTimeoutMs\); start one with `processes worker --redis URL --queue nobody`\.$/,
    );
    expect(report.entries.get('local')).toMatchObject({ status: TaskStatus.SUCCESS });
    // The job does not linger for a worker that starts later.
    await waitFor('the orphan job to go', async () => (await env.client.keys(`bull:${queue}:*-orphan-*`)).length === 0);
  });

  it('Redis restarted under a running attempt: the attempt ends clearly and the run settles', async () => {
    const queue = 'restart';
    await env.workers(1, { queue, threads: 1 });
    const executor = env.executor({ queue, noWorkerTimeoutMs: 5000 });
    const never = join(await mkdtemp(join(tmpdir(), 'processes-bullmq-restart-')), 'never');
    await using process = new Process([remote('waiting', 'waitForFile', { args: [never] })]);
    let runId = '';
    const run = process.run({
      executors: [executor],
      onEvent: (event) => {
        if (event.type === 'run:started') runId = event.runId;
      },
    });
    const handle = env.queue(queue);
    await waitFor('the attempt to run', async () => {
      const job = runId ? await handle.getJob(jobIdOf(runId, 'waiting', 1)) : undefined;
      return job?.processedOn !== undefined;
    });
    await env.redis.restart();
    const report = await run;
    const error = report.entries.get('waiting')?.error;
    expect(error?.thrown.code).toBe(RedisUnavailableError.code);
    expect(error?.exception).toContain('vanished from Redis while it was in flight');
  });

  it('Redis gone for good: the attempt ends after noWorkerTimeoutMs', async () => {
    const queue = 'gone';
    const executor = env.executor({ queue, noWorkerTimeoutMs: 800 });
    await using process = new Process([remote('stranded', 'add', { args: [1, 2] })]);
    await env.redis.stop();
    try {
      const report = await process.run({ executors: [executor] });
      const error = report.entries.get('stranded')?.error;
      expect(error?.thrown.code).toBe(RedisUnavailableError.code);
      expect(error?.exception).toMatch(/Redis has not answered for \d+ ms/);
      // And closing the executor returns, Redis or not.
      await executor.close();
    } finally {
      await env.redis.restart();
    }
  });
});
