import { describe, expect, it, vi } from 'vitest';
import {
  InvalidOptionError,
  type MapItemRef,
  MapSourceNotArrayError,
  Process,
  type RunEvent,
  Task,
  TaskDependency,
  TaskStatus,
  taskContext,
  WorkerPool,
  workerTask,
} from '../dist/index.js';
import { ConcurrencyGauge, nextMacrotask } from './fixtures/control.js';
import { InlineExecutor } from './fixtures/inline-executor.js';
import { captureWarnings } from './helpers/warnings.js';

const GRAPH_TASKS = new URL('./fixtures/graph-tasks.js', import.meta.url);
const asArgs = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });

describe('mapped tasks', () => {
  it('runs one attempt chain per item, names the entries name[i], and hands dependants the results in item order', async () => {
    const names: string[] = [];
    const tasks = [
      new Task('split', () => [3, 1, 2]),
      new Task('offset', () => 100),
      new Task(
        'parse',
        async (item: number, offset: number) => {
          names.push(taskContext().taskName);
          // Later items finish first: the order of the results must not follow the order of finishing.
          for (let p = 0; p < item; p++) await nextMacrotask();
          return item + offset;
        },
        { map: 'split', dependencies: [asArgs('split'), asArgs('offset')] },
      ),
      new Task('total', (values: number[]) => values, { dependencies: [asArgs('parse')] }),
    ];
    const report = await new Process(tasks).run({ parallel: true, maxWorkers: 4 });
    expect(report.entries.get('total')?.result).toEqual([103, 101, 102]);
    expect(names.sort()).toEqual(['parse[0]', 'parse[1]', 'parse[2]']);
    const parse = report.entries.get('parse');
    expect(parse).toMatchObject({
      status: 'success',
      attempts: 3,
      map: { source: 'split', items: 3, failed: 0, failedIndices: [] },
    });
    expect(parse?.items?.map((e) => [e.name, e.mapItem, e.result])).toEqual([
      ['parse[0]', { parent: 'parse', index: 0 }, 103],
      ['parse[1]', { parent: 'parse', index: 1 }, 101],
      ['parse[2]', { parent: 'parse', index: 2 }, 102],
    ]);
    // Items are not tasks of the process: the report has one entry per declared task.
    expect([...report.entries.keys()]).toEqual(['split', 'offset', 'parse', 'total']);
  });

  it('retries each item on its own; a failed item fails the task (dependants skipped) while the others finish', async () => {
    const attempts = new Map<number, number>();
    const tasks = [
      new Task('split', () => [0, 1, 2, 3, 4]),
      new Task(
        'parse',
        (n: number) => {
          attempts.set(n, (attempts.get(n) ?? 0) + 1);
          if (n === 1 && attempts.get(n) === 1) throw Object.assign(new Error('flaky'), { code: 'ECONNRESET' });
          if (n === 3) throw new Error('bad row');
          return n;
        },
        { map: 'split', dependencies: ['split'], retries: 1 },
      ),
      new Task('load', () => 'loaded', { dependencies: ['parse'] }),
    ];
    const warnings = captureWarnings();
    const report = await new Process(tasks).run({ parallel: true, maxWorkers: 2 });
    vi.restoreAllMocks();
    // The item's "bad row" is no error retryOn's defaults retry: said once, for that item.
    expect(warnings.map((w) => (w.options as { code?: string }).code)).toEqual(['PROC_TASK_NOT_RETRIED']);
    const parse = report.entries.get('parse');
    expect(parse?.status).toBe(TaskStatus.ERRORED);
    expect(parse?.map?.failedIndices).toEqual([3]);
    expect(parse?.error?.errorName).toBe('MappedItemsFailedError');
    expect(parse?.error?.exception).toContain('1 of 5 items failed (indices 3)');
    expect(parse?.items?.map((e) => [e.status, e.attempts])).toEqual([
      ['success', 1],
      ['success', 2],
      ['success', 1],
      ['errored', 1],
      ['success', 1],
    ]);
    expect(parse?.items?.[3]?.error?.exception).toBe('bad row');
    expect(report.entries.get('load')).toMatchObject({ status: 'skipped', skippedBecause: 'parse' });
  });

  it('with allowPartial passes the successful results on, undefined at the failed indices, which the dependant is told', async () => {
    const tasks = [
      new Task('split', () => [2, 3, 4, 5]),
      new Task('parse', workerTask(GRAPH_TASKS, 'failOnOdd'), {
        map: 'split',
        dependencies: ['split'],
        allowPartial: true,
      }),
      new Task('load', workerTask(GRAPH_TASKS, 'describeUpstream'), { dependencies: [asArgs('parse')] }),
    ];
    const report = await new Process(tasks).run({ parallel: true, maxWorkers: 2 });
    expect(report.entries.get('parse')).toMatchObject({ status: 'success', map: { failed: 2, failedIndices: [1, 3] } });
    expect(report.entries.get('load')?.result).toEqual({
      args: [[2, undefined, 4, undefined]],
      upstream: { parse: { status: 'success', failedIndices: [1, 3] } },
      taskName: 'load',
    });
  });

  it('keeps at most maxParallel items running', async () => {
    const gauge = new ConcurrencyGauge();
    const tasks = [
      new Task('split', () => Array.from({ length: 12 }, (_, i) => i)),
      new Task(
        'parse',
        (n: number) =>
          gauge.around(async () => {
            await nextMacrotask();
            await nextMacrotask();
            return n;
          }),
        { map: 'split', dependencies: ['split'], maxParallel: 3 },
      ),
    ];
    const report = await new Process(tasks).run({ parallel: true, maxWorkers: 8 });
    expect(report.entries.get('parse')?.result).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(gauge.max).toBe(3);
  });

  it('groups items with mapBatchSize: each attempt gets an array of items and returns as many results', async () => {
    const batches: number[][] = [];
    const tasks = [
      new Task('split', () => [1, 2, 3, 4, 5, 6, 7]),
      new Task(
        'parse',
        (items: number[]) => {
          batches.push(items);
          return items.map((n) => n * 10);
        },
        { map: 'split', dependencies: ['split'], mapBatchSize: 3 },
      ),
      new Task('bad_batch', (items: number[]) => items.slice(1), {
        map: 'split',
        dependencies: ['split'],
        mapBatchSize: 4,
      }),
    ];
    const report = await new Process(tasks).run();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    const parse = report.entries.get('parse');
    expect(parse?.result).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(parse?.items?.map((e) => [e.name, e.mapItem])).toEqual([
      ['parse[0..2]', { parent: 'parse', index: 0, count: 3 }],
      ['parse[3..5]', { parent: 'parse', index: 3, count: 3 }],
      ['parse[6]', { parent: 'parse', index: 6 }],
    ] satisfies [string, MapItemRef][]);
    const bad = report.entries.get('bad_batch');
    expect(bad?.map?.failedIndices).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(bad?.items?.[0]?.error?.errorName).toBe('MapBatchResultError');
  });

  it('puts the item where the mapped dependency injects: a kwarg, or positionally when it injects nowhere', async () => {
    const tasks = [
      new Task('split', () => ['a', 'b']),
      new Task('by_kwarg', (options: { row: string; sep: string }) => `${options.sep}${options.row}`, {
        map: 'split',
        kwargs: { sep: '>' },
        dependencies: [new TaskDependency('split', { useResultAsAdditionalKwargs: true, additionalKwargName: 'row' })],
      }),
      new Task('plain', (row: string) => row.toUpperCase(), { map: 'split', dependencies: ['split'] }),
    ];
    const report = await new Process(tasks).run();
    expect(report.entries.get('by_kwarg')?.result).toEqual(['>a', '>b']);
    expect(report.entries.get('plain')?.result).toEqual(['A', 'B']);
  });

  it('maps on worker threads, each item its own attempt on the pool', async () => {
    const pool = new WorkerPool({ maxThreads: 2 });
    try {
      const tasks = [
        new Task('split', () => [1, 2, 3, 4]),
        new Task('square', workerTask(GRAPH_TASKS, 'square'), { map: 'split', dependencies: ['split'] }),
      ];
      const report = await new Process(tasks).run({ pool, parallel: true });
      expect(report.entries.get('square')?.result).toEqual([1, 4, 9, 16]);
      expect(report.entries.get('square')?.items?.every((e) => e.workerId?.startsWith('thread:'))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('hands each item to a custom executor as its own request, with pools and maxParallel enforced by the scheduler', async () => {
    const executor = new InlineExecutor();
    const gauge = new ConcurrencyGauge();
    const tasks = [
      new Task('split', () => [1, 2, 3, 4, 5, 6]),
      new Task(
        'write',
        (n: number) =>
          gauge.around(async () => {
            await nextMacrotask();
            return n;
          }),
        { map: 'split', dependencies: ['split'], pool: 'db' },
      ),
    ];
    const report = await new Process(tasks, { pools: { db: 2 } }).run({
      executors: [executor],
      parallel: true,
      maxWorkers: 6,
    });
    expect(report.entries.get('write')?.result).toEqual([1, 2, 3, 4, 5, 6]);
    expect(gauge.max).toBe(2);
    expect(executor.requests.filter((r) => r.task.name.startsWith('write[')).map((r) => r.args)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => [n]),
    );
  });

  it('runs 100,000 items', async () => {
    const n = 100_000;
    const tasks = [
      new Task('split', () => Array.from({ length: n }, (_, i) => i)),
      new Task('double', (i: number) => i * 2, { map: 'split', dependencies: ['split'] }),
      new Task('sum', (values: number[]) => values.reduce((a, b) => a + b, 0), { dependencies: [asArgs('double')] }),
    ];
    const events: RunEvent[] = [];
    const report = await new Process(tasks).run({
      parallel: true,
      maxWorkers: 16,
      onEvent: (e) => {
        if (e.type === 'task:mapped') events.push(e);
      },
    });
    expect(report.entries.get('sum')?.result).toBe(n * (n - 1));
    expect(report.entries.get('double')?.items).toHaveLength(n);
    expect(events).toMatchObject([{ type: 'task:mapped', taskName: 'double', items: n }]);
    const json = report.toJSON();
    expect(json.entries['double']?.map).toMatchObject({ items: n, failed: 0 });
  }, 60_000);

  it('succeeds with [] over an empty array, and errors without running over a result that is not an array', async () => {
    const ran: unknown[] = [];
    const tasks = [
      new Task('none', () => []),
      new Task('not_array', () => 'text'),
      new Task('over_none', (x: unknown) => ran.push(x), { map: 'none', dependencies: ['none'] }),
      new Task('over_text', (x: unknown) => ran.push(x), { map: 'not_array', dependencies: ['not_array'] }),
    ];
    const report = await new Process(tasks).run();
    expect(ran).toEqual([]);
    expect(report.entries.get('over_none')).toMatchObject({ status: 'success', result: [], map: { items: 0 } });
    expect(report.entries.get('over_text')?.error).toMatchObject({
      errorName: 'MapSourceNotArrayError',
      exception: 'Task "over_text" maps over the result of "not_array", which must be an array; got `"text"` (string).',
    });
    expect(MapSourceNotArrayError.code).toBe('PROC_MAP_SOURCE_NOT_ARRAY');
  });

  it('rejects map over a task that is not a dependency, and the map options without map', () => {
    expect(() => new Task('parse', () => 1, { map: 'split', dependencies: ['other'] })).toThrow(
      'Task "parse": expected `map` to be the name of one of its dependencies, got `"split"` (string). Its dependencies: "other". Add "split" to `dependencies` to map over its result.',
    );
    expect(() => new Task('parse', () => 1, { maxParallel: 2 })).toThrow(InvalidOptionError);
    expect(() => new Task('parse', () => 1, { allowPartial: true })).toThrow(
      'Task "parse": expected `allowPartial` to be left out when no `map` is given, got `true` (boolean)',
    );
    expect(() => new Task('parse', () => 1, { map: 'a', dependencies: ['a'], mapBatchSize: 0 })).toThrow(
      InvalidOptionError,
    );
  });
});

describe('the graph fields in the report document (schema version 2)', () => {
  it('round-trips map, items, map_item, skip, run_if and pool through toJSON and fromJSON', async () => {
    const { ProcessExecutionReport } = await import('../dist/index.js');
    const tasks = [
      new Task('split', () => [1, 2]),
      new Task('parse', (n: number) => n, { map: 'split', dependencies: ['split'], pool: 'db' }),
      new Task('alert', () => 'x', { dependencies: ['parse'], runIf: 'anyFailed' }),
    ];
    const report = await new Process(tasks, { pools: { db: 1 } }).run();
    const doc = report.toJSON();
    expect(doc.schema_version).toBe(2);
    expect(doc.entries['parse']).toMatchObject({
      map: { source: 'split', items: 2, failed: 0, failed_indices: [] },
      pool: { name: 'db', slots: 1 },
      items: [
        { name: 'parse[0]', map_item: { parent: 'parse', index: 0 }, result: 1 },
        { name: 'parse[1]', map_item: { parent: 'parse', index: 1 }, result: 2 },
      ],
    });
    expect(doc.entries['alert']).toMatchObject({
      run_if: 'anyFailed',
      skip: { rule: 'anyFailed', upstream: ['parse'] },
    });
    expect(doc.entries['split']).not.toHaveProperty('map');
    const back = ProcessExecutionReport.fromJSON(JSON.stringify(doc));
    expect(back.toJSON()).toEqual(doc);
    expect(back.entries.get('parse')?.items?.[1]?.mapItem).toEqual({ parent: 'parse', index: 1 });
  });

  it('still reads a version-1 document', async () => {
    const { ProcessExecutionReport } = await import('../dist/index.js');
    const v1 = {
      schema_version: 1,
      process_name: 'old',
      entries: {
        a: {
          name: 'a',
          function: 'f',
          args: [],
          kwargs: {},
          status: 'success',
          elapsed_seconds: 1,
          attempts: 1,
          result: 3,
          error: null,
        },
      },
    };
    const back = ProcessExecutionReport.fromJSON(v1);
    expect(back.entries.get('a')).toMatchObject({ status: 'success', result: 3 });
    expect(back.toJSON().schema_version).toBe(2);
  });
});

describe('run events of a mapped task', () => {
  it('announces the items, names each item’s events, then ends the mapped task like any task', async () => {
    const events: string[] = [];
    const tasks = [
      new Task('split', () => [1, 2]),
      new Task('parse', (n: number) => n, { map: 'split', dependencies: ['split'] }),
    ];
    await new Process(tasks).run({
      parallel: false,
      onEvent: (e) => {
        if (e.type !== 'run:started' && e.type !== 'run:finished') events.push(`${e.type} ${e.taskName}`);
      },
    });
    expect(events).toEqual([
      'task:started split',
      'task:succeeded split',
      'task:mapped parse',
      'task:started parse[0]',
      'task:succeeded parse[0]',
      'task:started parse[1]',
      'task:succeeded parse[1]',
      'task:succeeded parse',
    ]);
  });
});
