import { describe, expect, it } from 'vitest';
import { Process, ProcessExecutionReport, type RunEvent, type RunOptions, Task } from '../dist/index.js';
import { nextMacrotask } from './fixtures/control.js';

class ParseError extends Error {
  override name = 'ParseError';
}

/**
 * The 14-task DAG: two branches fail independently (`parse_a` in branch a,
 * `validate_b` in branch b) and share descendants (`merge`, `publish`,
 * `notify`). `stats_b` is a sibling of the failed `validate_b`, `audit`
 * depends on both branches above the failures, and `enrich_a` also depends
 * on a task that succeeds: all of that must not change what is skipped.
 */
const DAG: ReadonlyArray<readonly [name: string, dependencies: string[], fails?: true]> = [
  ['extract_a', []],
  ['extract_b', []],
  ['parse_a', ['extract_a'], true],
  ['parse_b', ['extract_b']],
  ['validate_b', ['parse_b'], true],
  ['clean_a', ['parse_a']],
  ['enrich_a', ['clean_a', 'extract_b']],
  ['stats_b', ['parse_b']],
  ['load_b', ['validate_b']],
  ['quarantine_b', ['validate_b']],
  ['merge', ['enrich_a', 'load_b']],
  ['publish', ['merge']],
  ['audit', ['extract_a', 'stats_b']],
  ['notify', ['publish', 'audit', 'quarantine_b']],
];

function buildDag(calls: string[]): Task[] {
  return DAG.map(
    ([name, dependencies, fails]) =>
      new Task(
        name,
        async () => {
          calls.push(name);
          await nextMacrotask();
          if (fails) throw new ParseError(`${name} failed`);
          return `${name} ok`;
        },
        { dependencies },
      ),
  );
}

describe('fault isolation in the 14-task DAG with two independent failures', () => {
  it.each<RunOptions>([{ parallel: false }, { parallel: true, maxWorkers: 3 }, { parallel: true, maxWorkers: 14 }])(
    'skips exactly what depends on a failure (%o)',
    async (options) => {
      const calls: string[] = [];
      const events: RunEvent[] = [];
      const p = new Process(buildDag(calls));
      const report = await p.run({ ...options, onEvent: (event) => events.push(event) });

      const statuses = Object.fromEntries([...report.entries].map(([name, entry]) => [name, entry.status]));
      expect(statuses).toEqual({
        extract_a: 'success',
        extract_b: 'success',
        parse_a: 'errored',
        parse_b: 'success',
        validate_b: 'errored',
        clean_a: 'skipped',
        enrich_a: 'skipped',
        stats_b: 'success',
        load_b: 'skipped',
        quarantine_b: 'skipped',
        merge: 'skipped',
        publish: 'skipped',
        audit: 'success',
        notify: 'skipped',
      });
      expect([...report.entries.keys()]).toEqual(p.tasks.map((t) => t.name));
      expect([...report.successes.keys()].sort()).toEqual(['audit', 'extract_a', 'extract_b', 'parse_b', 'stats_b']);
      expect([...report.errored.keys()].sort()).toEqual(['parse_a', 'validate_b']);
      expect(report.skipped.size).toBe(7);
      expect(report.pending.size).toBe(0);
      expect(report.ok).toBe(false);

      // Skipped functions are never called; everything else exactly once.
      expect([...calls].sort()).toEqual([...report.successes.keys(), ...report.errored.keys()].sort());

      // A task downstream of only one failure names that one; the shared descendants name the failure that
      // ended first (in a parallel run either could).
      const failedFirst = events.find((e) => e.type === 'task:failed')?.taskName;
      expect(['parse_a', 'validate_b']).toContain(failedFirst);
      const because = Object.fromEntries([...report.skipped].map(([name, entry]) => [name, entry.skippedBecause]));
      expect(because).toEqual({
        clean_a: 'parse_a',
        enrich_a: 'parse_a',
        load_b: 'validate_b',
        quarantine_b: 'validate_b',
        merge: failedFirst,
        publish: failedFirst,
        notify: failedFirst,
      });
      const skipEvents = events.flatMap((e) => (e.type === 'task:skipped' ? [[e.taskName, e.because]] : []));
      expect(Object.fromEntries(skipEvents)).toEqual(because);
      expect(skipEvents).toHaveLength(7);

      // downstreamImpact: every transitive dependant, breadth-first (notify, a direct dependant of quarantine_b,
      // comes before publish, which is two steps further from validate_b).
      expect(report.errored.get('parse_a')?.error?.downstreamImpact).toEqual([
        'clean_a',
        'enrich_a',
        'merge',
        'publish',
        'notify',
      ]);
      expect(report.errored.get('validate_b')?.error?.downstreamImpact).toEqual([
        'load_b',
        'quarantine_b',
        'merge',
        'notify',
        'publish',
      ]);
      for (const [name, entry] of report.errored) {
        expect(entry.error?.downstreamImpact).toEqual(p.getDependantTasks(name).map((t) => t.name));
      }

      for (const [name, entry] of report.skipped) {
        expect(entry).toMatchObject({ attempts: 0, elapsedMs: 0 });
        expect(entry.result, name).toBeUndefined();
        expect(entry.error, name).toBeUndefined();
      }
      for (const [name, entry] of report.errored) {
        expect(entry.attempts).toBe(1);
        expect(entry.error).toMatchObject({
          taskName: name,
          exception: `${name} failed`,
          errorName: 'ParseError',
        });
        expect(entry.result).toBeUndefined();
      }
      for (const [name, entry] of report.successes) {
        expect(entry.result).toBe(`${name} ok`);
        expect(entry.attempts).toBe(1);
      }
    },
  );
});

describe('a failing task', () => {
  it('does not make run() reject', async () => {
    const p = new Process([
      new Task('boom', () => {
        throw new Error('boom');
      }),
      new Task('after', () => 'never', { dependencies: ['boom'] }),
    ]);
    const report = await p.run();
    expect(report).toBeInstanceOf(ProcessExecutionReport);
    expect(report.entries.get('boom')?.status).toBe('errored');
    expect(report.entries.get('after')?.status).toBe('skipped');
  });

  it('does not stop a sibling, nor a task that depends on the sibling only', async () => {
    const ran: string[] = [];
    const p = new Process([
      new Task('root', () => ran.push('root')),
      new Task(
        'bad',
        () => {
          ran.push('bad');
          throw new Error('bad');
        },
        { dependencies: ['root'] },
      ),
      new Task('good', () => ran.push('good'), { dependencies: ['root'] }),
      new Task('after_good', () => ran.push('after_good'), { dependencies: ['good'] }),
      new Task('after_bad', () => ran.push('after_bad'), { dependencies: ['bad'] }),
    ]);
    for (const parallel of [false, true]) {
      ran.length = 0;
      const report = await p.run({ parallel, maxWorkers: 2 });
      expect([...ran].sort()).toEqual(['after_good', 'bad', 'good', 'root']);
      expect(report.entries.get('good')?.status).toBe('success');
      expect(report.entries.get('after_good')?.status).toBe('success');
      expect(report.entries.get('after_bad')).toMatchObject({ status: 'skipped', skippedBecause: 'bad' });
    }
  });

  it('skips a task with one failed and one successful dependency', async () => {
    const called: string[] = [];
    const report = await new Process([
      new Task('ok', () => 1),
      new Task('bad', () => {
        throw new Error('bad');
      }),
      new Task('both', () => called.push('both'), { dependencies: ['ok', 'bad'] }),
    ]).run();
    expect(called).toEqual([]);
    expect(report.entries.get('both')).toMatchObject({ status: 'skipped', skippedBecause: 'bad' });
  });
});

class TransformError extends RangeError {
  override name = 'TransformError';
  readonly row = 7;
}

describe('whatever a task throws becomes an ERRORED entry', () => {
  const cases: Array<{
    what: string;
    fn: () => unknown;
    errorName: string;
    exception: string;
    thrown: Record<string, unknown>;
  }> = [
    {
      what: 'an Error subclass',
      fn: () => {
        throw new TransformError('row 7 is malformed');
      },
      errorName: 'TransformError',
      exception: 'row 7 is malformed',
      thrown: { classChain: ['TransformError', 'RangeError', 'Error'], props: { row: 7 } },
    },
    {
      what: 'an Error with a code',
      fn: () => {
        throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
      },
      errorName: 'Error',
      exception: 'permission denied',
      thrown: { code: 'EACCES', classChain: ['Error'] },
    },
    {
      what: 'a string',
      fn: () => {
        throw 'plain string failure';
      },
      errorName: 'NonError',
      exception: 'plain string failure',
      thrown: { nonError: true, classChain: [] },
    },
    {
      what: 'a plain object shaped like an error',
      fn: () => {
        throw { message: 'object failure', code: 'E_OBJECT', status: 503 };
      },
      errorName: 'NonError',
      exception: 'object failure',
      thrown: { nonError: true, code: 'E_OBJECT', props: { status: 503 } },
    },
    {
      what: 'a plain object without a message',
      fn: () => {
        throw { status: 503 };
      },
      errorName: 'NonError',
      exception: '{ status: 503 }',
      thrown: { nonError: true },
    },
    {
      what: 'undefined',
      fn: () => {
        throw undefined;
      },
      errorName: 'NonError',
      exception: 'undefined',
      thrown: { nonError: true },
    },
    {
      what: 'null',
      fn: () => {
        throw null;
      },
      errorName: 'NonError',
      exception: 'null',
      thrown: { nonError: true },
    },
    {
      what: 'a rejected promise',
      fn: () => Promise.reject(new SyntaxError('bad JSON')),
      errorName: 'SyntaxError',
      exception: 'bad JSON',
      thrown: { classChain: ['SyntaxError', 'Error'] },
    },
    {
      what: 'a promise rejected with a string',
      fn: () => Promise.reject('async string failure'),
      errorName: 'NonError',
      exception: 'async string failure',
      thrown: { nonError: true },
    },
    {
      what: 'an async function that throws after an await',
      fn: async () => {
        await nextMacrotask();
        throw new TypeError('late type error');
      },
      errorName: 'TypeError',
      exception: 'late type error',
      thrown: { classChain: ['TypeError', 'Error'] },
    },
  ];

  it.each(cases)('$what', async ({ fn, errorName, exception, thrown }) => {
    const report = await new Process([
      new Task('thrower', fn),
      new Task('after', () => 1, { dependencies: ['thrower'] }),
    ]).run();
    const entry = report.entries.get('thrower');
    expect(entry?.status).toBe('errored');
    expect(entry?.attempts).toBe(1);
    expect(entry?.error).toMatchObject({ taskName: 'thrower', errorName, exception, downstreamImpact: ['after'] });
    expect(entry?.error?.thrown).toMatchObject({ name: errorName, message: exception, ...thrown });
    expect(entry?.error?.traceback).toContain(exception);
    expect(report.entries.get('after')).toMatchObject({ status: 'skipped', skippedBecause: 'thrower' });
    // The report stays serialisable whatever was thrown.
    expect(ProcessExecutionReport.fromJSON(JSON.stringify(report)).entries.get('thrower')?.error?.exception).toBe(
      exception,
    );
  });

  it('keeps the cause chain of an error', async () => {
    const report = await new Process([
      new Task('fetch', () => {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
        });
      }),
    ]).run();
    const error = report.entries.get('fetch')?.error;
    expect(error?.thrown.cause).toMatchObject({ message: 'socket hang up', code: 'ECONNRESET' });
    expect(error?.traceback).toMatch(/TypeError: fetch failed[\s\S]*Caused by: Error: socket hang up/);
  });
});
