// Values over the inline cap go through the blob store and come back intact;
// when the run is over, nothing it put in Redis is left (memory back where it was).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Process, Task, TaskDependency, TaskStatus, WorkerArgumentError } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { type BlobStore, RedisBlobStore } from '../dist/index.js';
import { remote } from './fixtures/graph.js';
import { redisMissing } from './fixtures/redis-server.js';
import { useRedis } from './fixtures/setup.js';
import { waitFor } from './fixtures/wait-for.js';

const missing = redisMissing();
if (missing) console.log(missing);

const MiB = 1024 * 1024;

describe.skipIf(missing !== null)('data over the inline cap', () => {
  const env = useRedis();

  async function usedMemory(): Promise<number> {
    const info = await env.client.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)?.[1]);
  }

  it('crosses through the blob store both ways, and Redis is left as it was', async () => {
    const queue = 'data';
    await env.workers(2, { queue, threads: 1 });
    // The coordinator's store, wrapped to see what goes through it (the workers use their default, Redis).
    const redisStore = new RedisBlobStore(env.client);
    const put: string[] = [];
    const read: string[] = [];
    const blobStore: BlobStore = {
      put: (key, data, ttlMs) => {
        put.push(key);
        return redisStore.put(key, data, ttlMs);
      },
      get: (key) => {
        read.push(key);
        return redisStore.get(key);
      },
      delete: (keys) => redisStore.delete(keys),
    };
    const executor = env.executor({ queue, inlineCapBytes: 64 * 1024, blobStore });
    const graph = () => [
      remote('big', 'bigBuffer', { args: [3 * MiB] }),
      remote('sum', 'byteSum', { dependencies: [new TaskDependency('big', { useResultAsAdditionalArgs: true })] }),
      remote('echo', 'identity', { args: [{ text: 'x'.repeat(200 * 1024), at: new Date(0), tags: new Set(['a']) }] }),
    ];
    // A first run makes BullMQ's own keys (meta, events); the second is measured against it.
    await using warmup = new Process([remote('warm', 'add', { args: [1, 1] })]);
    await warmup.run({ executors: [executor] });
    const settled = async () => (await env.client.keys('*')).filter((key) => !key.endsWith(':events')).sort();
    const keysBefore = await waitFor('the warm-up job to be removed', async () => {
      const keys = await settled();
      return keys.some((key) => key.includes(':processes:') || /-warm-1$/.test(key)) ? undefined : keys;
    });
    const memoryBefore = await usedMemory();

    await using process = new Process(graph());
    const report = await process.run({ executors: [executor], parallel: true });
    expect(report.entries.get('sum')).toMatchObject({ status: TaskStatus.SUCCESS, result: 7 * 3 * MiB });
    const big = report.entries.get('big')?.result as Uint8Array;
    expect(big.byteLength).toBe(3 * MiB);
    expect(report.entries.get('echo')?.result).toEqual({
      text: 'x'.repeat(200 * 1024),
      at: new Date(0),
      tags: new Set(['a']),
    });

    // The 3 MiB result came back as a blob, went out again as `sum`'s argument, and so did `echo`'s 200 KiB.
    expect(read.filter((key) => /-big-1:result$/.test(key))).toHaveLength(1);
    expect(put.filter((key) => /-(sum|echo)-1:args$/.test(key))).toHaveLength(2);

    // Jobs, log lists and blobs are deleted once read: the key space is what it was.
    await waitFor('the run’s keys to be deleted', async () => {
      const keys = await settled();
      return JSON.stringify(keys) === JSON.stringify(keysBefore);
    });
    // And so is memory, once Redis has shrunk the clients' buffers that carried
    // the values: BullMQ's events stream keeps only small events (results over
    // 8 KiB travel in keys of their own, deleted once read).
    await waitFor(
      'Redis memory to return to where it was',
      async () => (await usedMemory()) < memoryBefore + 256 * 1024,
    );
  });

  it('once the executor is closed, no job, log list or stored result of a run is left, over several batches', async () => {
    const queue = 'data-cleanup';
    await env.workers(1, { queue, threads: 2 });
    const executor = env.executor({ queue });
    const dir = await mkdtemp(join(tmpdir(), 'processes-bullmq-cleanup-'));
    // More jobs than one deletion batch holds, some with log lines and some with results over 8 KiB.
    const tasks = Array.from({ length: 150 }, (_, i) =>
      i % 10 === 0
        ? remote(`t${i}`, 'logs', { args: [2], logPath: join(dir, `t${i}.log`) })
        : remote(`t${i}`, 'identity', { args: [i % 10 === 1 ? 'x'.repeat(20 * 1024) : i] }),
    );
    await using process = new Process(tasks);
    const report = await process.run({ executors: [executor], parallel: true });
    expect(report.ok).toBe(true);
    expect(report.entries.get('t11')?.result).toBe('x'.repeat(20 * 1024));
    // No waiting: close() sends the deletions still queued and waits for them.
    await executor.close();
    const left = (await env.client.keys(`bull:${queue}:*`)).filter(
      (key) => key.includes(':processes:') || /-t\d+-1(:logs)?$/.test(key),
    );
    expect(left).toEqual([]);
    expect(await env.client.zcard(`bull:${queue}:completed`)).toBe(0);
  });

  it('an argument that cannot be copied is the error a local run gives, naming it, and nothing is sent', async () => {
    const queue = 'data-unserializable';
    const executor = env.executor({ queue });
    const tasks = () => [
      new Task('makes_fn', () => () => 1),
      remote('with_fn', 'identity', { args: [() => 1] }),
      remote('given_fn', 'identity', {
        dependencies: [new TaskDependency('makes_fn', { useResultAsAdditionalArgs: true })],
      }),
    ];
    await using local = new Process(tasks());
    await using distributed = new Process(tasks());
    const localReport = await local.run();
    const report = await distributed.run({ executors: [executor] });
    for (const name of ['with_fn', 'given_fn']) {
      const error = report.entries.get(name)?.error;
      expect(error?.errorName).toBe('WorkerArgumentError');
      expect(error?.thrown.code).toBe(WorkerArgumentError.code);
      expect(error?.exception).toBe(localReport.entries.get(name)?.error?.exception);
    }
    expect(report.entries.get('with_fn')?.error?.exception).toMatch(
      /^Task "with_fn": its input could not be sent to the worker thread: args\[0\] could not be cloned/,
    );
    expect(report.entries.get('given_fn')?.error?.exception).toContain('the result of "makes_fn" (args[0])');
    expect(await env.client.keys(`bull:${queue}:*-with_fn-*`)).toEqual([]);
  });

  it('a result that cannot be copied is the error a local run gives', async () => {
    const queue = 'data-uncloneable-result';
    await env.workers(1, { queue });
    const executor = env.executor({ queue });
    await using local = new Process([remote('returns_fn', 'returnsFunction')]);
    await using distributed = new Process([remote('returns_fn', 'returnsFunction')]);
    const expected = (await local.run()).entries.get('returns_fn')?.error;
    const error = (await distributed.run({ executors: [executor] })).entries.get('returns_fn')?.error;
    expect(error?.errorName).toBe('WorkerCrashError');
    expect(error?.exception).toBe(expected?.exception);
    expect(error?.exception).toMatch(/^Task "returns_fn": its result could not be sent back from the worker thread/);
  });
});
