// Twenty runs of the same graph at once on one fleet and one executor: each
// gets its own results (job ids carry the run id), none crosses to another.
import { Process, TaskDependency, TaskStatus } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { remote } from './fixtures/graph.js';
import { redisMissing } from './fixtures/redis-server.js';
import { useRedis } from './fixtures/setup.js';

const missing = redisMissing();
if (missing) console.log(missing);

describe.skipIf(missing !== null)('concurrent runs on one fleet', () => {
  const env = useRedis();

  it('20 runs at once: every result is its own run’s', async () => {
    const queue = 'shared';
    const workers = await env.workers(2, { queue, threads: 2 });
    const executor = env.executor({ queue });
    const runs = Array.from({ length: 20 }, async (_, i) => {
      await using process = new Process(
        [
          remote('seed', 'identity', { args: [i] }),
          remote('doubled', 'double', {
            dependencies: [new TaskDependency('seed', { useResultAsAdditionalArgs: true })],
          }),
          remote('tagged', 'add', {
            args: [i * 1000],
            dependencies: [new TaskDependency('doubled', { useResultAsAdditionalArgs: true })],
          }),
        ],
        { name: `run-${i}` },
      );
      return process.run({ executors: [executor] });
    });
    const reports = await Promise.all(runs);
    reports.forEach((report, i) => {
      expect(report.processName).toBe(`run-${i}`);
      expect(report.entries.get('seed')).toMatchObject({ status: TaskStatus.SUCCESS, result: i });
      expect(report.entries.get('tagged')).toMatchObject({ status: TaskStatus.SUCCESS, result: i * 1000 + i * 2 });
    });
    // Every attempt names a worker of the fleet (host:pid:thread).
    const fleet = new Set(workers.map((w) => w.id));
    for (const report of reports) {
      for (const entry of report.entries.values())
        expect(fleet.has(entry.workerId?.replace(/:\d+$/, '') ?? '')).toBe(true);
    }
  });
});
