import { describe, expect, it } from 'vitest';
import { InvalidOptionError, Process, Task, WorkerPool, workerTask } from '../dist/index.js';

const GRAPH_TASKS = new URL('./fixtures/graph-tasks.js', import.meta.url);

describe('retryOnOom', () => {
  it('retries an attempt that ran out of memory on a fresh thread with each bigger heap in turn', async () => {
    const pool = new WorkerPool({ maxThreads: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    try {
      const tasks = [
        // About 50 MB of live objects: too much for 32 MB and for 40 MB, fine in 256 MB.
        new Task('aggregate', workerTask(GRAPH_TASKS, 'holdMegabytes'), {
          args: [80],
          retryOnOom: { heapMb: [40, 256] },
        }),
        new Task('small', workerTask(GRAPH_TASKS, 'holdMegabytes'), { args: [1], retryOnOom: { heapMb: [64] } }),
      ];
      const report = await new Process(tasks).run({ pool, parallel: true });
      const entry = report.entries.get('aggregate');
      expect(entry).toMatchObject({ status: 'success', result: 80, attempts: 3 });
      expect(entry?.heap?.map((h) => [h.attempt, h.limitMb])).toEqual([
        [1, null],
        [2, 40],
        [3, 256],
      ]);
      expect(entry?.heap?.[1]?.peakUsedMb).toBe(40);
      const last = entry?.heap?.[2]?.peakUsedMb ?? 0;
      expect(last).toBeGreaterThan(40);
      expect(last).toBeLessThan(256);
      // A task that fits the pool's heap makes one attempt, with its heap recorded.
      expect(report.entries.get('small')?.heap).toMatchObject([{ attempt: 1, limitMb: null }]);
      expect(report.entries.get('small')?.heap?.[0]?.peakUsedMb).toBeGreaterThan(0);
      expect(report.toJSON().entries['aggregate']?.heap?.[2]).toMatchObject({ attempt: 3, limit_mb: 256 });
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('errors with WorkerOutOfMemoryError once the heap list is used up', async () => {
    const pool = new WorkerPool({ maxThreads: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    try {
      const task = new Task('aggregate', workerTask(GRAPH_TASKS, 'holdMegabytes'), {
        args: [80],
        retryOnOom: { heapMb: [40] },
      });
      const report = await new Process([task]).run({ pool });
      const entry = report.entries.get('aggregate');
      expect(entry).toMatchObject({ status: 'errored', attempts: 2 });
      expect(entry?.error?.errorName).toBe('WorkerOutOfMemoryError');
      expect(entry?.error?.exception).toContain('maxOldGenerationSizeMb=40');
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('rejects a heap list that is not ascending, out of range, or on a main-thread task', () => {
    const target = workerTask(GRAPH_TASKS, 'square');
    expect(() => new Task('t', target, { retryOnOom: { heapMb: [512, 256] } })).toThrow(
      'Task "t": expected `retryOnOom.heapMb` to be a non-empty ascending list of heap sizes in MB, each an integer from 16 to 1048576',
    );
    expect(() => new Task('t', target, { retryOnOom: { heapMb: [8] } })).toThrow(InvalidOptionError);
    expect(() => new Task('t', target, { retryOnOom: { heapMb: [] } })).toThrow(InvalidOptionError);
    expect(() => new Task('t', () => 1, { retryOnOom: { heapMb: [64] } })).toThrow(
      'Task "t": expected `retryOnOom` to be left out for a main-thread task',
    );
  });
});
