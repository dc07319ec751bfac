// Closing an executor is clean whenever it happens: right after it was made
// (BullMQ's connections still setting up), or a moment later.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Process, TaskStatus } from 'processes-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BullMQExecutor, ExecutorClosedError } from '../dist/index.js';
import { remote } from './fixtures/graph.js';
import { redisMissing } from './fixtures/redis-server.js';
import { useRedis } from './fixtures/setup.js';

const missing = redisMissing();
if (missing) console.log(missing);

describe.skipIf(missing !== null)('BullMQExecutor.close()', () => {
  const env = useRedis();
  const unhandled: unknown[] = [];
  const record = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', record);
  });
  afterEach(() => {
    process.off('unhandledRejection', record);
  });

  it('leaves no unhandled rejection when it closes before its connections are ready', async () => {
    for (let i = 0; i < 40; i++) {
      const executor = new BullMQExecutor({ connection: env.redis.url, queue: `close-${i}` });
      // Every few, let the connections get part of the way through their set-up.
      for (let turn = 0; turn < i % 4; turn++) await nextTurn();
      await executor.close();
    }
    // Rejections nobody handled are reported after the microtask queue drains.
    await nextTurn();
    await nextTurn();
    expect(unhandled).toEqual([]);
  });

  it('can be closed twice, and an attempt after close fails with a clear error', async () => {
    const executor = new BullMQExecutor({ connection: env.redis.url, queue: 'closed' });
    await executor.close();
    await executor.close();
    await using process = new Process([remote('late', 'add', { args: [1, 2] })]);
    const report = await process.run({ executors: [executor] });
    expect(report.entries.get('late')).toMatchObject({ status: TaskStatus.ERRORED });
    expect(report.entries.get('late')?.error?.thrown.code).toBe(ExecutorClosedError.code);
    expect(report.entries.get('late')?.error?.exception).toBe(
      'Task "late": the BullMQ executor is closed; create a new one, or do not close it while runs use it.',
    );
    expect(await env.client.keys('bull:closed:*-late-*')).toEqual([]);
    expect(unhandled).toEqual([]);
  });
});
