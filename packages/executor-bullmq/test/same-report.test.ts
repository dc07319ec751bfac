// The same graph, run on a local worker pool and on a fleet of two worker
// processes over BullMQ, gives the same report: statuses, results (typed
// values intact), attempts, error data with traced variables, downstream
// impact, and the same log lines in the task's log file.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Executor, Process, type ProcessExecutionReport, TaskStatus, WorkerPool } from 'processes-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMQExecutor } from '../dist/index.js';
import { type FleetWorker, killAllWorkers, startWorkerProcess, TASKS_ROOT } from './fixtures/fleet.js';
import { comparable, graph } from './fixtures/graph.js';
import { RedisServer, redisMissing } from './fixtures/redis-server.js';

const missing = redisMissing();
if (missing) console.log(missing);

describe.skipIf(missing !== null)('a graph on a BullMQ fleet', () => {
  let redis: RedisServer;
  let workers: FleetWorker[];
  let executor: BullMQExecutor;
  const queue = 'same-report';

  beforeAll(async () => {
    redis = await RedisServer.start();
    workers = await Promise.all([1, 2].map(() => startWorkerProcess({ redis: redis.url, queue, threads: 2 })));
    executor = new BullMQExecutor({ connection: redis.url, queue, root: TASKS_ROOT, reconcileIntervalMs: 200 });
  });
  afterAll(async () => {
    await executor?.close();
    await killAllWorkers();
    await redis?.stop();
  });

  async function runOn(executors: Executor[]): Promise<{
    report: ProcessExecutionReport;
    lines: string[];
  }> {
    const dir = await mkdtemp(join(tmpdir(), 'processes-bullmq-'));
    await using process = new Process(graph(dir), { name: 'compare' });
    const report = await process.run({ executors, parallel: true, maxWorkers: 4 });
    const text = await readFile(join(dir, 'talker.log'), 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((line) => {
        const record = JSON.parse(line) as Record<string, unknown>;
        return `${String(record['level'])} ${String(record['task'])} ${String(record['msg'])} ${String(record['i'] ?? '')}`;
      });
    return { report, lines };
  }

  it('gives the report a local worker pool gives', async () => {
    await using pool = new WorkerPool({ maxThreads: 2 });
    const local = await runOn([pool]);
    const distributed = await runOn([executor]);

    expect(comparable(distributed.report)).toEqual(comparable(local.report));
    expect(distributed.lines).toEqual(local.lines);

    const entries = distributed.report.entries;
    expect(entries.get('double_sum')).toMatchObject({ status: TaskStatus.SUCCESS, result: 10 });
    expect(entries.get('on_main')).toMatchObject({ status: TaskStatus.SUCCESS, result: 6, workerId: 'main' });
    expect(entries.get('flaky')).toMatchObject({ status: TaskStatus.SUCCESS, attempts: 2, result: 'ok' });
    expect(entries.get('broken')?.error).toMatchObject({
      errorName: 'Error',
      exception: 'row 2 is invalid',
      downstreamImpact: ['after_broken'],
    });
    expect(entries.get('broken')?.error?.tracedVars).toHaveProperty('badRow');
    expect(entries.get('broken')?.error?.thrown).toMatchObject({ code: 'E_BAD_ROW', props: { row: { id: 2 } } });
    expect(entries.get('after_broken')).toMatchObject({ status: TaskStatus.SKIPPED, skippedBecause: 'broken' });
    expect(entries.get('runaway')?.error?.thrown.props).toMatchObject({ endedBy: 'terminated' });
    expect(entries.get('typed_check')?.result).toEqual({
      buffer: true,
      bytes: true,
      date: '2024-02-29T12:00:00.000Z',
      map: true,
    });
    const typed = entries.get('typed')?.result as Record<string, unknown>;
    expect(Buffer.from(typed['buffer'] as Uint8Array).toString()).toBe('héllo');
    expect(typed['big']).toBe(2n ** 70n);
    expect(distributed.lines).toEqual([
      'info talker Starting talker. ',
      'info talker line 0 0',
      'info talker line 1 1',
      'info talker line 2 2',
      'info talker line 3 3',
      'info talker line 4 4',
      'info talker Finished talker. ',
    ]);

    // Each attempt names the worker process and thread that ran it.
    const ids = new Set(workers.map((w) => w.id));
    const where = entries.get('sum')?.workerId ?? '';
    expect(ids.has(where.replace(/:\d+$/, ''))).toBe(true);
    expect(where).toMatch(/^.+:\d+:\d+$/);
  });
});
