import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Process,
  ProcessExecutionReport,
  ReportFormatError,
  Task,
  TaskDependency,
  type TaskReportEntry,
  TaskStatus,
} from '../dist/index.js';

/** What `JSON.stringify` writes, read back as plain data. */
function wire(value: unknown): any {
  return JSON.parse(JSON.stringify(value));
}

/** An object with an own "__proto__" key, as JSON.parse makes it. */
function withProtoKey(value: unknown): Record<string, unknown> {
  return JSON.parse(`{"__proto__": ${JSON.stringify(value)}, "plain": 1}`);
}

function success(name: string, result: unknown, kwargs: Record<string, unknown> = {}): TaskReportEntry {
  return { name, function: name, args: [], kwargs, status: TaskStatus.SUCCESS, elapsedMs: 1, attempts: 1, result };
}

/** Runs `read` and returns what it threw: anything but a ReportFormatError fails the test. */
function readOrFormatError(input: unknown): ProcessExecutionReport | ReportFormatError {
  try {
    return ProcessExecutionReport.fromJSON(input);
  } catch (error) {
    if (error instanceof ReportFormatError) return error;
    throw new Error(`fromJSON threw something other than ReportFormatError: ${String(error)}`, { cause: error });
  }
}

async function validDocument(): Promise<unknown> {
  const p = new Process([
    new Task('load', () => ({ rows: [1, 2] }), { kwargs: { limit: 3 } }),
    new Task(
      'apply',
      () => {
        throw new Error('bad', { cause: new TypeError('inner') });
      },
      { dependencies: ['load'] },
    ),
    new Task('notify', () => null, { dependencies: ['apply'] }),
  ]);
  return wire(await p.run());
}

describe('task names and keys round-trip through the report JSON', () => {
  it('a task named __proto__ (and constructor, toString) is an entry after fromJSON(toJSON())', async () => {
    const p = new Process([
      new Task('__proto__', () => 1),
      new Task('constructor', () => 2, { dependencies: ['__proto__'] }),
      new Task('tostring', () => 3),
    ]);
    const report = await p.run();
    for (const input of [report.toJSON(), JSON.stringify(report)]) {
      const back = ProcessExecutionReport.fromJSON(input);
      expect([...back.entries.keys()]).toEqual(['__proto__', 'tostring', 'constructor']);
      expect(back.entries.get('__proto__')?.result).toBe(1);
      // Compared as text: an own "__proto__" key confuses deep equality.
      expect(JSON.stringify(back)).toBe(JSON.stringify(report));
    }
  });

  it('a result, kwargs and an injected kwarg with an own "__proto__" key keep it', async () => {
    const p = new Process([
      new Task('make', () => withProtoKey({ inner: true })),
      new Task('use', (options: Record<string, unknown>) => Object.keys(options), {
        kwargs: withProtoKey([1, 2]),
        dependencies: [
          new TaskDependency('make', { useResultAsAdditionalKwargs: true, additionalKwargName: '__proto__' }),
        ],
      }),
    ]);
    const report = await p.run();
    // The injected result overrides the own kwarg and stays an own key of the options object.
    expect(report.entries.get('use')?.result).toEqual(['__proto__', 'plain']);
    const back = ProcessExecutionReport.fromJSON(JSON.stringify(report));
    const made = back.entries.get('make')?.result as object;
    expect(Object.hasOwn(made, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(made, '__proto__')?.value).toEqual({ inner: true });
    expect(Object.hasOwn(back.entries.get('use')?.kwargs ?? {}, '__proto__')).toBe(true);
    expect(JSON.stringify(back)).toBe(JSON.stringify(report));
  });

  it('any task name the graph accepts and any JSON value round-trip (property)', () => {
    const name = fc.oneof(
      fc.stringMatching(/^\S+$/).map((s) => s.toLowerCase()),
      fc.constantFrom('__proto__', 'constructor', 'hasownproperty', '0', '10', 'valueof'),
    );
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 8 }), fc.jsonValue(), (names, value) => {
        const report = new ProcessExecutionReport({
          entries: names.map((n) => success(n, withProtoKey(value), withProtoKey(value))),
        });
        const text = JSON.stringify(report);
        const back = ProcessExecutionReport.fromJSON(text);
        expect([...back.entries.keys()]).toEqual(names);
        expect(JSON.stringify(back)).toBe(text);
      }),
      { numRuns: 150 },
    );
  });
});

describe('values JSON cannot hold are marked, not dropped', () => {
  it('-0 is written "-0", like NaN and Infinity', async () => {
    const report = await new Process([
      new Task('zero', () => ({ delta: -0, list: [-0, 0] }), { args: [-0], kwargs: { at: -0 } }),
    ]).run();
    const doc = wire(report).entries.zero;
    expect(doc.result).toEqual({ delta: '-0', list: ['-0', 0] });
    expect(doc.args).toEqual(['-0']);
    expect(doc.kwargs).toEqual({ at: '-0' });
  });

  it('symbol-keyed properties are written under "[Symbol(description)]", in results, kwargs and error properties', async () => {
    const tag = Symbol('tag');
    const report = await new Process([
      new Task('sym', () => ({ a: 1, [tag]: 'kept', [Symbol('password')]: 'the user’s data' })),
      new Task(
        'fails',
        () => {
          throw Object.assign(new Error('no'), { [tag]: { why: 'symbol prop' } });
        },
        { kwargs: { [tag]: 2, [Symbol('password')]: 'hunter2' } as Record<string, unknown> },
      ),
    ]).run();
    const doc = wire(report);
    // Results are the user's data and are not redacted; kwargs are, symbol keys by their description.
    expect(doc.entries.sym.result).toEqual({ a: 1, '[Symbol(tag)]': 'kept', '[Symbol(password)]': 'the user’s data' });
    expect(doc.entries.fails.kwargs).toEqual({ '[Symbol(tag)]': 2, '[Symbol(password)]': '[redacted]' });
    expect(doc.entries.fails.error.thrown.props).toEqual({ '[Symbol(tag)]': { why: 'symbol prop' } });
  });

  it('a symbol key whose name a string key already has is numbered, not lost', () => {
    const result = { '[Symbol(x)]': 'string key', [Symbol('x')]: 'symbol key' };
    const doc = wire(new ProcessExecutionReport({ entries: [success('t', result)] }));
    expect(doc.entries.t.result).toEqual({ '[Symbol(x)]': 'string key', '[Symbol(x)]#2': 'symbol key' });
  });
});

describe('fromJSON on hostile or broken input throws ReportFormatError, always', () => {
  it('a result nested 5,000 deep', async () => {
    const doc = (await validDocument()) as any;
    doc.entries.load.result = '@@RESULT@@';
    const text = JSON.stringify(doc).replace('"@@RESULT@@"', `${'['.repeat(5000)}${']'.repeat(5000)}`);
    // The object form too: JSON.parse builds it without recursion.
    for (const input of [text, JSON.parse(text)]) {
      const error = readOrFormatError(input);
      expect(error).toBeInstanceOf(ReportFormatError);
      expect((error as ReportFormatError).path).toBe('entries.load.result.0.0.0.0.0...');
      expect((error as ReportFormatError).message).toContain('nests deeper than 256 levels');
    }
  });

  it('a cause chain 5,000 deep (built as text: JSON.stringify itself would overflow)', async () => {
    const doc = (await validDocument()) as any;
    const thrown = doc.entries.apply.error.thrown;
    const { cause: _cause, ...rest } = thrown;
    const head = `${JSON.stringify(rest).slice(0, -1)},"cause":`;
    const tail = JSON.stringify({ ...thrown, cause: null });
    doc.entries.apply.error.thrown = '@@THROWN@@';
    const text = JSON.stringify(doc).replace('"@@THROWN@@"', `${head.repeat(5000)}${tail}${'}'.repeat(5000)}`);
    const error = readOrFormatError(text);
    expect(error).toBeInstanceOf(ReportFormatError);
    expect((error as ReportFormatError).path).toMatch(/^entries\.apply\.error\.thrown\.cause\.cause/);
  });

  it('an object that cannot be written as JSON: a cycle, a BigInt, a throwing getter', async () => {
    const cyclic = (await validDocument()) as any;
    cyclic.entries.load.result = cyclic;
    const big = (await validDocument()) as any;
    big.entries.load.result = 1n;
    const getter = (await validDocument()) as any;
    Object.defineProperty(getter.entries.load, 'result', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    for (const input of [cyclic, big, getter, proxy]) {
      expect(readOrFormatError(input)).toBeInstanceOf(ReportFormatError);
    }
  });

  it('random JSON is a report or a ReportFormatError (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        readOrFormatError(value);
        readOrFormatError(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('random mutations of a valid document are a report or a ReportFormatError (property)', async () => {
    const valid = JSON.stringify(await validDocument());
    const mutation = fc.record({
      at: fc.nat({ max: valid.length - 1 }),
      length: fc.nat({ max: 12 }),
      insert: fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('[', ']', '{', '}', ',', '"', 'null', '-0', '1e999'),
      ),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let text = valid;
        for (const m of mutations) text = text.slice(0, m.at) + m.insert + text.slice(m.at + m.length);
        const outcome = readOrFormatError(text);
        if (outcome instanceof ProcessExecutionReport) expect(() => JSON.stringify(outcome)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('random values in place of fields of a valid document (property)', async () => {
    const valid = (await validDocument()) as any;
    const paths = [
      ['entries'],
      ['entries', 'load'],
      ['entries', 'load', 'kwargs'],
      ['entries', 'load', 'result'],
      ['entries', 'apply', 'error'],
      ['entries', 'apply', 'error', 'thrown'],
      ['entries', 'apply', 'error', 'thrown', 'cause'],
      ['entries', 'apply', 'error', 'traced_vars'],
      ['order'],
      ['started_at'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 4 }), (path, value) => {
        const doc = structuredClone(valid);
        let at = doc;
        for (const key of path.slice(0, -1)) at = at[key];
        at[path.at(-1) as string] = value;
        readOrFormatError(doc);
      }),
      { numRuns: 300 },
    );
  });
});
