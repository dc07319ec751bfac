// Nothing of a run is left in Redis, however its attempts end: closed
// mid-run, lost with the last worker, added late by a Redis that did not
// answer in time; and a log list a worker writes always has a TTL.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Process, TaskStatus } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { ExecutorClosedError, jobIdOf, RedisUnavailableError, WorkerLostError } from '../dist/index.js';
import { remote } from './fixtures/graph.js';
import { redisMissing } from './fixtures/redis-server.js';
import { type Env, useRedis } from './fixtures/setup.js';
import { waitFor } from './fixtures/wait-for.js';

const missing = redisMissing();
if (missing) console.log(missing);

/** Every key of one run: its jobs (and their BullMQ sub-keys) and this package's keys of them. */
async function keysOfRun(env: Env, queue: string, runId: string): Promise<string[]> {
  return (await env.client.keys(`bull:${queue}:*`)).filter((key) => key.includes(runId));
}

/** Resolves with the run id once the run has started. */
function runIdOf(onRunId: (runId: string) => void) {
  return (event: { type: string; runId: string }) => {
    if (event.type === 'run:started') onRunId(event.runId);
  };
}

describe.skipIf(missing !== null)('what a run leaves in Redis', () => {
  const env = useRedis();

  it('close() mid-run stops the running job, ends its attempt with ExecutorClosedError, and leaves none of it', async () => {
    const queue = 'left-close';
    const [worker] = await env.workers(1, { queue, threads: 1 });
    const executor = env.executor({ queue });
    const handle = env.queue(queue);
    await using process = new Process([remote('running', 'spin')]);
    let runId = '';
    const run = process.run({ executors: [executor], onEvent: runIdOf((id) => (runId = id)) });
    await waitFor('the job to run', async () => (await handle.getJobCounts('active'))['active'] === 1);
    await executor.close();
    // No waiting after close(): it waited for the stopped job to finish, and deleted it.
    expect(await keysOfRun(env, queue, runId)).toEqual([]);
    expect(await handle.getJobCounts('active', 'wait', 'completed', 'failed')).toEqual({
      active: 0,
      wait: 0,
      completed: 0,
      failed: 0,
    });
    const report = await run;
    const entry = report.entries.get('running');
    expect(entry?.status).toBe(TaskStatus.ERRORED);
    expect(entry?.error?.thrown.code).toBe(ExecutorClosedError.code);
    expect(entry?.error?.exception).toContain('the BullMQ executor was closed while the attempt ran');
    expect(worker?.alive).toBe(true);
  });

  it('a job whose last worker was killed (its lock still live) is deleted, lock and all', async () => {
    const queue = 'left-orphan';
    // A lock far longer than the wait for a worker: no stalled check frees the job first.
    const [worker] = await env.workers(1, { queue, threads: 1, lockDurationMs: 60_000, stalledIntervalMs: 60_000 });
    const executor = env.executor({ queue, noWorkerTimeoutMs: 300 });
    const handle = env.queue(queue);
    await using process = new Process([remote('orphan', 'hangsFirst')]);
    let runId = '';
    const run = process.run({ executors: [executor], onEvent: runIdOf((id) => (runId = id)) });
    await waitFor('the job to run', async () => (await handle.getJobCounts('active'))['active'] === 1);
    await worker?.kill('SIGKILL');
    const report = await run;
    expect(report.entries.get('orphan')?.error?.thrown.code).toBe(WorkerLostError.code);
    await executor.close();
    expect(await keysOfRun(env, queue, runId)).toEqual([]);
    expect(await env.client.lrange(`bull:${queue}:active`, 0, -1)).toEqual([]);
  });

  it('a job Redis takes only after its attempt gave up on it is withdrawn, not run', async () => {
    const queue = 'left-late';
    const executor = env.executor({ queue, noWorkerTimeoutMs: 300 });
    await using process = new Process([remote('late', 'add', { args: [1, 2] })]);
    // Writes (the add) wait while reads go on: the attempt sees Redis but not its job.
    await env.client.client('PAUSE', 2000, 'WRITE');
    let runId = '';
    const report = await process.run({ executors: [executor], onEvent: runIdOf((id) => (runId = id)) });
    const error = report.entries.get('late')?.error;
    expect(error?.thrown.code).toBe(RedisUnavailableError.code);
    expect(error?.exception).toContain('could not be added to the queue');
    // The add is carried out when writes resume; the executor then removes the job.
    const jobId = jobIdOf(runId, 'late', 1);
    const events = async () =>
      (await env.client.xrange(`bull:${queue}:events`, '-', '+')).map(([, fields]) => fields.join(' '));
    await waitFor('the late job to be removed', async () =>
      (await events()).some((event) => event.includes('removed') && event.includes(jobId)),
    );
    expect((await events()).some((event) => event.includes('added') && event.includes(jobId))).toBe(true);
    expect(await keysOfRun(env, queue, runId)).toEqual([]);
  });

  it('a log list re-made after it was deleted still gets its TTL', async () => {
    const queue = 'left-log-ttl';
    await env.workers(1, { queue, threads: 1 });
    const executor = env.executor({ queue });
    const dir = await mkdtemp(join(tmpdir(), 'processes-bullmq-log-ttl-'));
    const [release, finish] = [join(dir, 'release'), join(dir, 'finish')];
    await using process = new Process([
      remote('talks', 'logsAround', { args: [release, finish], logPath: join(dir, 'talks.log') }),
    ]);
    const run = process.run({ executors: [executor] });
    const logKeys = () => env.client.keys(`bull:${queue}:processes:log:*`);
    const [key] = await waitFor('the first line', async () => {
      const keys = await logKeys();
      return keys.length === 1 ? keys : undefined;
    });
    // As if the coordinator had given up on the job and deleted it while the worker went on.
    await env.client.del(key as string);
    await writeFile(release, '');
    const ttl = await waitFor('the list to be made again', async () => {
      const ms = await env.client.pttl(key as string);
      return ms === -2 ? undefined : ms;
    });
    expect(ttl).toBeGreaterThan(0);
    await writeFile(finish, '');
    const report = await run;
    expect(report.entries.get('talks')?.status).toBe(TaskStatus.SUCCESS);
  });
});
