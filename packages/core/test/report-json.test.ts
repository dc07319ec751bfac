import { describe, expect, it } from 'vitest';
import {
  type ErrorData,
  Process,
  ProcessExecutionReport,
  ProcessesError,
  REPORT_SCHEMA_VERSION,
  type ReportDocument,
  ReportFormatError,
  Task,
  type TaskReportEntry,
  TaskStatus,
} from '../dist/index.js';

class ValueError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ValueError';
  }
}

/** The seed's example run: load succeeds, apply fails, notify is skipped. */
async function seedExampleReport(): Promise<ProcessExecutionReport> {
  const p = new Process(
    [
      new Task('load', function load() {
        return { k: 1 };
      }),
      new Task(
        'apply',
        function apply() {
          throw new ValueError('apply failed');
        },
        { kwargs: { factor: 3 }, dependencies: ['load'] },
      ),
      new Task('notify', function notify() {}, { dependencies: ['apply'] }),
    ],
    { name: 'nightly-etl' },
  );
  return p.run();
}

/** What `JSON.stringify` writes, read back as plain data (`any`: read field by field, as a receiver would). */
function wire(value: unknown): any {
  return JSON.parse(JSON.stringify(value));
}

function entry(init: Partial<TaskReportEntry> & Pick<TaskReportEntry, 'name' | 'status'>): TaskReportEntry {
  return { function: init.name, args: [], kwargs: {}, elapsedMs: 0, attempts: 0, ...init };
}

const applyError: ErrorData = {
  taskName: 'apply',
  function: 'apply',
  args: [1],
  kwargs: { factor: 3 },
  downstreamImpact: ['notify', 'archive'],
  exception: 'apply failed',
  errorName: 'ValueError',
  traceback: 'ValueError: apply failed\n    at apply (file:///etl/p1.js:6:9)\n\nCaused by: Error: socket hang up',
  tracedVars: { factor: '3' },
  tracedVarsLocation: '/etl/p1.js:6',
  thrown: {
    name: 'ValueError',
    message: 'apply failed',
    stack: 'ValueError: apply failed\n    at apply (file:///etl/p1.js:6:9)',
    classChain: ['ValueError', 'Error'],
    cause: { name: 'Error', message: 'socket hang up', classChain: ['Error'], code: 'ECONNRESET' },
    errors: [{ name: 'NonError', message: 'inner', classChain: [], nonError: true }],
    props: { status: 503, body: { retry: [1, 2] } },
  },
};

/** A report with every status, built by hand as the seed's tests do. */
function handBuiltReport(): ProcessExecutionReport {
  return new ProcessExecutionReport({
    processName: 'hand',
    startedAt: new Date('2026-11-22T15:48:46.897Z'),
    finishedAt: new Date('2026-11-22T15:48:47.102Z'),
    entries: [
      entry({
        name: 'load',
        status: TaskStatus.SUCCESS,
        result: { rows: [1, 2], label: 'ok' },
        elapsedMs: 1.234567,
        attempts: 2,
        startedAt: new Date('2026-11-22T15:48:46.898Z'),
        finishedAt: new Date('2026-11-22T15:48:46.900Z'),
        threadId: 0,
      }),
      entry({
        name: 'Fetch_Orders',
        function: 'fetchOrders',
        status: TaskStatus.SUCCESS,
        result: null,
        elapsedMs: 3,
        attempts: 1,
        threadId: 4,
      }),
      entry({
        name: 'apply',
        status: TaskStatus.ERRORED,
        args: [1],
        kwargs: { factor: 3 },
        elapsedMs: 0.5,
        attempts: 1,
        error: applyError,
        startedAt: new Date('2026-11-22T15:48:46.901Z'),
        finishedAt: new Date('2026-11-22T15:48:46.902Z'),
      }),
      entry({ name: 'notify', status: TaskStatus.SKIPPED, skippedBecause: 'apply' }),
      entry({ name: 'archive', status: TaskStatus.PENDING }),
    ],
  });
}

describe('JSON.stringify(report)', () => {
  it('writes the documented document with the seed’s wire names', async () => {
    const report = await seedExampleReport();
    const doc = wire(report);
    expect(Object.keys(doc)).toEqual([
      'schema_version',
      'process_name',
      'run_id',
      'started_at',
      'finished_at',
      'elapsed_seconds',
      'summary',
      'order',
      'entries',
    ]);
    expect(doc.order).toEqual(Object.keys(doc.entries));
    expect(doc.schema_version).toBe(2);
    expect(REPORT_SCHEMA_VERSION).toBe(2);
    expect(doc.run_id).toBe(report.runId);
    expect(doc.run_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(doc.process_name).toBe('nightly-etl');
    expect(doc.started_at).toBe(report.startedAt?.toISOString());
    expect(doc.finished_at).toBe(report.finishedAt?.toISOString());
    expect(doc.elapsed_seconds).toBe((report.elapsedMs ?? Number.NaN) / 1000);
    expect(doc.summary).toEqual({ success: 1, errored: 1, skipped: 1, cancelled: 0, pending: 0 });
    expect(Object.keys(doc.entries)).toEqual(['load', 'apply', 'notify']);

    const load = report.entries.get('load');
    expect(doc.entries.load).toStrictEqual({
      name: 'load',
      function: 'load',
      args: [],
      kwargs: {},
      status: 'success',
      elapsed_seconds: (load?.elapsedMs ?? Number.NaN) / 1000,
      elapsed_ms: load?.elapsedMs,
      attempts: 1,
      result: { k: 1 },
      error: null,
      queued_at: load?.queuedAt?.toISOString(),
      started_at: load?.startedAt?.toISOString(),
      finished_at: load?.finishedAt?.toISOString(),
      skipped_because: null,
      not_retried: null,
      thread_id: 0,
      worker_id: 'main',
      attempt_history: [
        {
          attempt: 1,
          worker_id: 'main',
          started_at: load?.startedAt?.toISOString(),
          finished_at: load?.finishedAt?.toISOString(),
          ok: true,
          error_name: null,
          ended_by: null,
        },
      ],
      log_write_error: null,
      result_encoding: 'json',
      result_v8: null,
      fingerprint: {
        code: expect.stringMatching(/^[0-9a-f]{64}$/),
        args: expect.stringMatching(/^[0-9a-f]{64}$/),
        kwargs: expect.stringMatching(/^[0-9a-f]{64}$/),
        dependencies: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      reused: null,
      ran_because: null,
      cache_key: null,
    });

    const apply = doc.entries.apply;
    expect(apply).toMatchObject({ status: 'errored', kwargs: { factor: 3 }, attempts: 1, result: null });
    expect(Object.keys(apply.error)).toEqual([
      'task_name',
      'function',
      'args',
      'kwargs',
      'downstream_impact',
      'exception',
      'error_name',
      'traceback_str',
      'traced_vars',
      'traced_vars_location',
      'thrown',
    ]);
    expect(apply.error).toMatchObject({
      task_name: 'apply',
      function: 'apply',
      args: [],
      kwargs: { factor: 3 },
      downstream_impact: ['notify'],
      exception: 'apply failed',
      error_name: 'ValueError',
      traced_vars: {},
      traced_vars_location: '',
    });
    expect(apply.error.traceback_str).toMatch(/^ValueError: apply failed\n\s+at \S*apply\b/);
    expect(apply.error.thrown).toStrictEqual({
      name: 'ValueError',
      message: 'apply failed',
      stack: apply.error.traceback_str,
      code: null,
      class_chain: ['ValueError', 'Error'],
      cause: null,
      errors: null,
      props: null,
      non_error: false,
    });

    expect(doc.entries.notify).toStrictEqual({
      name: 'notify',
      function: 'notify',
      args: [],
      kwargs: {},
      status: 'skipped',
      elapsed_seconds: 0,
      elapsed_ms: 0,
      attempts: 0,
      result: null,
      error: null,
      queued_at: null,
      started_at: null,
      finished_at: null,
      skipped_because: 'apply',
      not_retried: null,
      thread_id: null,
      worker_id: null,
      attempt_history: [],
      log_write_error: null,
      // Version 2: why, by the task's trigger rule.
      skip: { rule: 'allSuccess', upstream: ['apply'] },
      result_encoding: null,
      result_v8: null,
      fingerprint: {
        code: expect.stringMatching(/^[0-9a-f]{64}$/),
        args: expect.stringMatching(/^[0-9a-f]{64}$/),
        kwargs: expect.stringMatching(/^[0-9a-f]{64}$/),
        dependencies: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      reused: null,
      ran_because: null,
      cache_key: null,
    });
  });

  it('is what toJSON() returns', async () => {
    const report = await seedExampleReport();
    const doc: ReportDocument = report.toJSON();
    expect(wire(report)).toStrictEqual(wire(doc));
    const { apply } = doc.entries;
    expect(apply?.error?.thrown.class_chain).toEqual(['ValueError', 'Error']);
  });

  it('writes null for an unknown run time and an unnamed process gives ""', () => {
    const doc = wire(new ProcessExecutionReport({ entries: [] }));
    expect(doc).toStrictEqual({
      schema_version: 2,
      process_name: '',
      run_id: null,
      started_at: null,
      finished_at: null,
      elapsed_seconds: null,
      summary: { success: 0, errored: 0, skipped: 0, cancelled: 0, pending: 0 },
      order: [],
      entries: {},
    });
  });

  it('writes result only for a success and error only for an errored task', () => {
    const report = new ProcessExecutionReport({
      entries: [
        entry({ name: 'quiet', status: TaskStatus.SUCCESS, attempts: 1 }),
        entry({ name: 'stale', status: TaskStatus.SKIPPED, result: 'left over', error: applyError }),
        entry({ name: 'odd', status: TaskStatus.SUCCESS, result: 1, error: applyError }),
        entry({ name: 'broken', status: TaskStatus.ERRORED, result: 'partial', error: applyError }),
      ],
    });
    const doc = wire(report);
    expect(doc.entries.quiet.result).toBeNull();
    expect(doc.entries.stale.result).toBeNull();
    expect(doc.entries.stale.error).toBeNull();
    expect(doc.entries.odd.result).toBe(1);
    expect(doc.entries.odd.error).toBeNull();
    expect(doc.entries.broken.result).toBeNull();
    expect(doc.entries.broken.error.exception).toBe('apply failed');
  });
});

describe('values JSON cannot hold', () => {
  class Money {
    readonly cents: bigint;
    constructor(cents: bigint) {
      this.cents = cents;
    }
    toJSON() {
      return { amount: Number(this.cents) / 100, cents: this.cents };
    }
  }
  class Point {
    readonly x = 1;
    readonly y = 2;
  }
  const circular: { name: string; self?: unknown; list?: unknown[] } = { name: 'loop' };
  circular.self = circular;
  circular.list = [circular];
  const trap = () => {
    throw new Error('trapped');
  };

  const cases: [string, () => unknown, unknown][] = [
    ['a JSON value', () => ({ a: [1, 'two', true, null] }), { a: [1, 'two', true, null] }],
    ['undefined', () => undefined, null],
    ['NaN', () => Number.NaN, 'NaN'],
    ['Infinity', () => Number.POSITIVE_INFINITY, 'Infinity'],
    ['-Infinity', () => Number.NEGATIVE_INFINITY, '-Infinity'],
    ['a BigInt', () => 123n, '123n'],
    ['a Date', () => new Date(Date.UTC(2026, 10, 22, 15, 48, 46, 897)), '2026-11-22T15:48:46.897Z'],
    ['an invalid Date', () => new Date(Number.NaN), 'Invalid Date'],
    [
      'a Map',
      () =>
        new Map<unknown, unknown>([
          ['a', 1],
          [2, new Set([3n])],
        ]),
      [
        ['a', 1],
        [2, ['3n']],
      ],
    ],
    ['a Set', () => new Set([1, 'x', 2n]), [1, 'x', '2n']],
    ['a Buffer', () => Buffer.from('hi'), '<Buffer 68 69>'],
    ['a Uint8Array', () => new Uint8Array([1, 2, 3]), 'Uint8Array(3) [ 1, 2, 3 ]'],
    ['a named function', () => function load() {}, '[Function: load]'],
    ['a symbol', () => Symbol('token'), 'Symbol(token)'],
    ['a RegExp', () => /ab+c/gi, '/ab+c/gi'],
    [
      'an Error',
      () => Object.assign(new TypeError('bad'), { code: 'E_BAD' }),
      { name: 'TypeError', message: 'bad', code: 'E_BAD' },
    ],
    ['a class instance with toJSON', () => new Money(1250n), { amount: 12.5, cents: '1250n' }],
    ['a class instance without toJSON', () => new Point(), { x: 1, y: 2 }],
    ['a circular object', () => circular, { name: 'loop', self: '[Circular]', list: ['[Circular]'] }],
    [
      'a getter that throws',
      () => ({
        ok: 1,
        get broken() {
          return trap();
        },
      }),
      { ok: 1, broken: '<unreadable: trapped>' },
    ],
    ['a toJSON that throws', () => ({ toJSON: trap }), '<unrenderable: toJSON threw trapped>'],
    [
      'a hostile Proxy',
      () => ({ inner: new Proxy({}, { getPrototypeOf: trap, ownKeys: trap, get: trap }) }),
      { inner: '<unrenderable: Error: trapped>' },
    ],
    [
      'a shared, not circular, reference',
      () => {
        const shared = { n: 1 };
        return [shared, shared];
      },
      [{ n: 1 }, { n: 1 }],
    ],
  ];

  it.each(cases)('a result that is %s comes out as documented', async (_label, make, expected) => {
    const p = new Process([new Task('produce', () => make())]);
    const report = await p.run();
    expect(report.entries.get('produce')?.status).toBe('success');
    const text = JSON.stringify(report);
    const written = JSON.parse(text).entries.produce;
    expect(written.result).toStrictEqual(expected);
    // What structured clone holds exactly comes back exactly (result_v8); the rest as the readable copy.
    const back = ProcessExecutionReport.fromJSON(text).entries.get('produce')?.result;
    if (written.result_encoding === 'v8') expect(back).toStrictEqual(report.entries.get('produce')?.result);
    else expect(back).toStrictEqual(expected);
  });

  it('bounds a large Buffer', async () => {
    const report = await new Process([new Task('produce', () => Buffer.alloc(10_000, 0xab))]).run();
    const result = wire(report).entries.produce.result;
    expect(result).toMatch(/^<Buffer ab ab .*>$/);
    expect(result.length).toBeLessThan(200);
    expect(result).toContain('more bytes');
  });

  it('makes args and kwargs JSON-safe too, in the entry and in its error', async () => {
    const p = new Process([
      new Task(
        'apply',
        () => {
          throw new Error('no');
        },
        { args: [10n, Number.NaN], kwargs: { since: new Date(0), tags: new Set(['a']) } },
      ),
    ]);
    const doc = wire(await p.run()).entries.apply;
    expect(doc.args).toEqual(['10n', 'NaN']);
    expect(doc.kwargs).toEqual({ since: '1970-01-01T00:00:00.000Z', tags: ['a'] });
    expect(doc.error.args).toEqual(doc.args);
    expect(doc.error.kwargs).toEqual(doc.kwargs);
  });
});

describe('ProcessExecutionReport.fromJSON()', () => {
  it('round-trips a hand-built report with every status, dates and elapsed times', () => {
    const report = handBuiltReport();
    const doc = report.toJSON();
    const back = ProcessExecutionReport.fromJSON(doc);
    expect(back.toJSON()).toStrictEqual(doc);

    expect(back.processName).toBe('hand');
    expect([...back.entries.keys()]).toEqual(['load', 'Fetch_Orders', 'apply', 'notify', 'archive']);
    expect(back.startedAt?.toISOString()).toBe('2026-11-22T15:48:46.897Z');
    expect(back.elapsedMs).toBe(205);
    const load = back.entries.get('load');
    expect(load?.elapsedMs).toBe(1.234567);
    expect(load?.attempts).toBe(2);
    expect(load?.result).toEqual({ rows: [1, 2], label: 'ok' });
    expect(load?.startedAt).toEqual(new Date('2026-11-22T15:48:46.898Z'));
    expect(back.entries.get('Fetch_Orders')?.threadId).toBe(4);
    expect(back.entries.get('apply')?.error).toStrictEqual(applyError);
    expect(back.entries.get('notify')).toMatchObject({ status: 'skipped', skippedBecause: 'apply', attempts: 0 });
    expect(back.entries.get('archive')?.status).toBe('pending');
  });

  it('reads the JSON string as well as the object', () => {
    const report = handBuiltReport();
    const text = JSON.stringify(report);
    const back = ProcessExecutionReport.fromJSON(text);
    expect(JSON.stringify(back)).toBe(text);
  });

  it('round-trips the report of a real run', async () => {
    const report = await seedExampleReport();
    const doc = wire(report);
    const back = ProcessExecutionReport.fromJSON(doc);
    expect(wire(back)).toStrictEqual(doc);
    expect(back.entries.get('load')?.elapsedMs).toBe(report.entries.get('load')?.elapsedMs);
    expect(back.entries.get('apply')?.error?.traceback).toBe(report.entries.get('apply')?.error?.traceback);
    expect(back.elapsedMs).toBe(report.elapsedMs);
  });

  it('round-trips where each attempt ran and how it ended (version 2)', () => {
    const history = [
      {
        attempt: 1,
        workerId: 'host-a:4242:1',
        startedAt: new Date('2026-11-22T15:48:46.898Z'),
        finishedAt: new Date('2026-11-22T15:48:47.898Z'),
        ok: false,
        errorName: 'WorkerLostError',
        endedBy: 'worker-lost',
      },
      {
        attempt: 2,
        workerId: 'host-b:77:2',
        startedAt: new Date('2026-11-22T15:48:48.000Z'),
        finishedAt: new Date('2026-11-22T15:48:48.100Z'),
        ok: true,
      },
    ];
    const report = new ProcessExecutionReport({
      entries: [
        entry({
          name: 'load',
          status: TaskStatus.SUCCESS,
          attempts: 2,
          result: 1,
          workerId: 'host-b:77:2',
          attemptHistory: history,
        }),
      ],
    });
    const doc = wire(report);
    expect(doc.entries.load.worker_id).toBe('host-b:77:2');
    expect(doc.entries.load.attempt_history[0]).toStrictEqual({
      attempt: 1,
      worker_id: 'host-a:4242:1',
      started_at: '2026-11-22T15:48:46.898Z',
      finished_at: '2026-11-22T15:48:47.898Z',
      ok: false,
      error_name: 'WorkerLostError',
      ended_by: 'worker-lost',
    });
    const back = ProcessExecutionReport.fromJSON(doc);
    expect(back.entries.get('load')?.attemptHistory).toStrictEqual(history);
    expect(back.entries.get('load')?.workerId).toBe('host-b:77:2');
    expect(wire(back)).toStrictEqual(doc);
  });

  it('accepts a document without the optional fields (a seed-style receiver’s copy)', () => {
    const back = ProcessExecutionReport.fromJSON({
      schema_version: 1,
      process_name: 'seed',
      entries: {
        load: {
          name: 'load',
          function: 'load',
          args: [],
          kwargs: {},
          status: 'success',
          elapsed_seconds: 0.25,
          attempts: 1,
          result: 7,
          error: null,
        },
      },
    });
    expect(back.entries.get('load')).toMatchObject({ elapsedMs: 250, result: 7, attempts: 1 });
    expect(back.startedAt).toBeUndefined();
  });

  describe('rejects what is not a report document', () => {
    function formatError(input: unknown): ReportFormatError {
      try {
        ProcessExecutionReport.fromJSON(input);
      } catch (error) {
        expect(error).toBeInstanceOf(ReportFormatError);
        expect(error).toBeInstanceOf(ProcessesError);
        expect((error as ReportFormatError).code).toBe('PROC_INVALID_REPORT_JSON');
        return error as ReportFormatError;
      }
      throw new Error('fromJSON accepted it');
    }

    function valid(): any {
      return wire(handBuiltReport());
    }

    it('a string that is not JSON', () => {
      const error = formatError('{"schema_version": 1,');
      expect(error.path).toBe('');
      expect(error.message).toMatch(/^Not a processes report document: the string is not valid JSON/);
      expect(error.cause).toBeInstanceOf(SyntaxError);
    });

    it.each([
      ['null', null],
      ['a number', 42],
      ['an array', []],
    ])('%s', (_label, input) => {
      expect(formatError(input).path).toBe('');
    });

    it.each<[string, (doc: any) => void, string]>([
      ['no schema_version', (doc) => delete doc.schema_version, 'schema_version'],
      ['schema_version as a string', (doc) => (doc.schema_version = '1'), 'schema_version'],
      ['no process_name', (doc) => delete doc.process_name, 'process_name'],
      ['no entries', (doc) => delete doc.entries, 'entries'],
      ['a started_at that is not a date', (doc) => (doc.started_at = 'yesterday'), 'started_at'],
      ['an unknown status', (doc) => (doc.entries.load.status = 'done'), 'entries.load.status'],
      ['negative attempts', (doc) => (doc.entries.load.attempts = -1), 'entries.load.attempts'],
      ['an entry without a name', (doc) => delete doc.entries.notify.name, 'entries.notify.name'],
      ['args that are not an array', (doc) => (doc.entries.apply.args = 'x'), 'entries.apply.args'],
      [
        'a class_chain that is not an array',
        (doc) => (doc.entries.apply.error.thrown.class_chain = 'ValueError'),
        'entries.apply.error.thrown.class_chain',
      ],
      [
        'a cause without a message',
        (doc) => delete doc.entries.apply.error.thrown.cause.message,
        'entries.apply.error.thrown.cause.message',
      ],
    ])('%s: the path names the field', (_label, damage, path) => {
      const doc = valid();
      damage(doc);
      const error = formatError(doc);
      expect(error.path).toBe(path);
      expect(error.message).toContain(`at \`${path}\``);
    });

    it('a document from a newer schema version', () => {
      const doc = valid();
      doc.schema_version = 3;
      const error = formatError(JSON.stringify(doc));
      expect(error.path).toBe('schema_version');
      expect(error.message).toContain('version 3 was written by a newer release; this one reads version 2');
    });
  });
});

describe('a report built by hand', () => {
  it('keeps the entries in the order given and groups them by status in that order', () => {
    const report = handBuiltReport();
    expect(report.processName).toBe('hand');
    expect([...report.entries.keys()]).toEqual(['load', 'Fetch_Orders', 'apply', 'notify', 'archive']);
    expect([...report.successes.keys()]).toEqual(['load', 'Fetch_Orders']);
    expect([...report.errored.keys()]).toEqual(['apply']);
    expect([...report.skipped.keys()]).toEqual(['notify']);
    expect([...report.pending.keys()]).toEqual(['archive']);
    expect(report.successes.get('load')).toBe(report.entries.get('load'));
    expect(report.ok).toBe(false);
  });

  it('gives empty maps for statuses nobody has, and ok when everything succeeded', () => {
    const report = new ProcessExecutionReport({
      entries: [entry({ name: 'a', status: TaskStatus.SUCCESS }), entry({ name: 'b', status: TaskStatus.SUCCESS })],
    });
    expect(report.ok).toBe(true);
    expect(report.errored.size).toBe(0);
    expect(report.skipped.size).toBe(0);
    expect(report.pending.size).toBe(0);
    expect(report.processName).toBe('');
    expect(report.elapsedMs).toBeUndefined();
  });

  it('is immutable', () => {
    const report = handBuiltReport();
    expect(Object.isFrozen(report)).toBe(true);
    expect(Object.isFrozen(report.entries.get('load'))).toBe(true);
  });

  it('pick() matches names ignoring case, keeps report order and original keys', () => {
    const report = handBuiltReport();
    const picked = report.pick(['APPLY', 'fetch_orders', 'not-there']);
    expect([...picked.entries.keys()]).toEqual(['Fetch_Orders', 'apply']);
    expect(picked.processName).toBe('hand');
    expect(picked.startedAt).toEqual(report.startedAt);
    expect(picked.entries.get('apply')).toEqual(report.entries.get('apply'));
    expect(report.pick([]).entries.size).toBe(0);
    expect(report.entries.size).toBe(5);
  });

  it('a run’s report says ok only when every task succeeded', async () => {
    expect((await seedExampleReport()).ok).toBe(false);
    expect((await new Process([new Task('fine', () => 1)]).run()).ok).toBe(true);
  });
});

describe('task names that look like integers', () => {
  it('keep their topological order through JSON, though object keys would sort them first', () => {
    const report = new ProcessExecutionReport({
      entries: ['b', '2', '1'].map((name) => entry({ name, status: TaskStatus.SUCCESS, attempts: 1 })),
    });
    const json = JSON.stringify(report);
    expect(Object.keys((JSON.parse(json) as { entries: object }).entries)).toEqual(['1', '2', 'b']);
    expect([...ProcessExecutionReport.fromJSON(json).entries.keys()]).toEqual(['b', '2', '1']);
  });
});

describe('schema version 2', () => {
  it('round-trips cancelled entries, queued_at and not_retried', () => {
    const report = new ProcessExecutionReport({
      processName: 'v2',
      entries: [
        entry({
          name: 'fetch',
          status: TaskStatus.ERRORED,
          attempts: 1,
          error: applyError,
          queuedAt: new Date('2026-11-22T15:48:46.800Z'),
          startedAt: new Date('2026-11-22T15:48:46.900Z'),
          finishedAt: new Date('2026-11-22T15:48:46.901Z'),
          notRetried: { reason: 'retry-on-no-match', message: 'Task "fetch" failed with ValueError …' },
        }),
        entry({ name: 'running', status: TaskStatus.CANCELLED, attempts: 1, error: applyError }),
        entry({ name: 'later', status: TaskStatus.CANCELLED }),
      ],
    });
    const doc = wire(report);
    expect(doc.summary).toEqual({ success: 0, errored: 1, skipped: 0, cancelled: 2, pending: 0 });
    expect(doc.entries.fetch).toMatchObject({
      queued_at: '2026-11-22T15:48:46.800Z',
      started_at: '2026-11-22T15:48:46.900Z',
      not_retried: { reason: 'retry-on-no-match', message: 'Task "fetch" failed with ValueError …' },
    });
    expect(doc.entries.running).toMatchObject({
      status: 'cancelled',
      attempts: 1,
      error: { exception: 'apply failed' },
    });
    expect(doc.entries.later).toMatchObject({ status: 'cancelled', attempts: 0, error: null, queued_at: null });
    const back = ProcessExecutionReport.fromJSON(doc);
    expect(wire(back)).toStrictEqual(doc);
    expect([...back.cancelled.keys()]).toEqual(['running', 'later']);
    expect(back.entries.get('fetch')?.notRetried?.reason).toBe('retry-on-no-match');
    expect(back.entries.get('fetch')?.queuedAt).toEqual(new Date('2026-11-22T15:48:46.800Z'));
  });

  it('still reads a version-1 document, pending tasks and all', () => {
    const back = ProcessExecutionReport.fromJSON({
      schema_version: 1,
      process_name: 'old',
      summary: { success: 0, errored: 0, skipped: 0, pending: 1 },
      entries: {
        archive: {
          name: 'archive',
          function: 'archive',
          args: [],
          kwargs: {},
          status: 'pending',
          elapsed_seconds: 0,
          attempts: 0,
          result: null,
          error: null,
          started_at: null,
          finished_at: null,
          skipped_because: null,
          thread_id: null,
          log_write_error: null,
        },
      },
    });
    expect([...back.pending.keys()]).toEqual(['archive']);
    expect(back.cancelled.size).toBe(0);
    expect(back.entries.get('archive')?.queuedAt).toBeUndefined();
    // Written back out, it is a version-2 document.
    expect(back.toJSON().schema_version).toBe(2);
  });
});
