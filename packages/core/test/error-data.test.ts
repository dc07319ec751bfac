import { describe, expect, it } from 'vitest';
import { type ErrorData, Process, ProcessExecutionReport, Task, TaskDependency } from '../dist/index.js';

class MyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MyError';
  }
}

class ParseError extends MyError {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

/** Runs one task that throws `thrown` and returns the report. */
async function runThrowing(thrown: () => unknown): Promise<ProcessExecutionReport> {
  const p = new Process([
    new Task('boom', function explode() {
      throw thrown();
    }),
  ]);
  return p.run();
}

/** The ErrorData of the task named `name`, failing the test when there is none. */
function errorOf(report: ProcessExecutionReport, name = 'boom'): ErrorData {
  const entry = report.entries.get(name);
  expect(entry?.status).toBe('errored');
  if (!entry?.error) throw new Error(`no error data for ${name}`);
  return entry.error;
}

describe('what a task throws becomes ErrorData', () => {
  it('keeps an Error subclass: name, message, stack as traceback, class chain', async () => {
    const error = errorOf(await runThrowing(() => new ParseError('bad row 3')));
    expect(error.taskName).toBe('boom');
    expect(error.function).toBe('explode');
    expect(error.exception).toBe('bad row 3');
    expect(error.errorName).toBe('ParseError');
    expect(error.traceback).toMatch(/^ParseError: bad row 3\n\s+at /);
    expect(error.traceback).toContain('explode');
    expect(error.thrown.name).toBe('ParseError');
    expect(error.thrown.message).toBe('bad row 3');
    expect(error.thrown.classChain).toEqual(['ParseError', 'MyError', 'Error']);
    expect(error.thrown.stack).toBe(error.traceback);
    expect(error.thrown.nonError).toBeUndefined();
    expect(error.tracedVars).toEqual({});
    expect(error.tracedVarsLocation).toBe('');
  });

  it('gives the class chain of a direct subclass as [MyError, Error]', async () => {
    const error = errorOf(await runThrowing(() => new MyError('nope')));
    expect(error.thrown.classChain).toEqual(['MyError', 'Error']);
  });

  it('treats a rejected promise like a throw', async () => {
    const p = new Process([new Task('boom', async () => Promise.reject(new RangeError('too far')))]);
    const error = errorOf(await p.run());
    expect(error.errorName).toBe('RangeError');
    expect(error.exception).toBe('too far');
    expect(error.thrown.classChain).toEqual(['RangeError', 'Error']);
  });

  it('keeps the code and the cause chain, and prints each cause in the traceback', async () => {
    const error = errorOf(
      await runThrowing(() => {
        const socket = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        const request = Object.assign(new Error('request failed', { cause: socket }), { code: 'E_REQUEST' });
        return new MyError('could not load orders', { cause: request });
      }),
    );
    expect(error.thrown.code).toBeUndefined();
    expect(error.thrown.cause?.message).toBe('request failed');
    expect(error.thrown.cause?.code).toBe('E_REQUEST');
    expect(error.thrown.cause?.cause?.message).toBe('socket hang up');
    expect(error.thrown.cause?.cause?.code).toBe('ECONNRESET');
    expect(error.thrown.cause?.cause?.cause).toBeUndefined();
    const parts = error.traceback.split('\n\n');
    expect(parts).toHaveLength(3);
    expect(parts[0]).toMatch(/^MyError: could not load orders\n/);
    expect(parts[1]).toMatch(/^Caused by: Error: request failed\n/);
    expect(parts[2]).toMatch(/^Caused by: Error: socket hang up\n/);
  });

  it('turns a numeric code into a string', async () => {
    const error = errorOf(await runThrowing(() => Object.assign(new Error('exit'), { code: 3 })));
    expect(error.thrown.code).toBe('3');
  });

  it('stops at a cause that points back to the error', async () => {
    const error = errorOf(
      await runThrowing(() => {
        const loop = new Error('loop');
        loop.cause = loop;
        return loop;
      }),
    );
    expect(error.thrown.cause).toBeUndefined();
    expect(error.traceback).not.toContain('Caused by');
  });

  it('keeps the errors of an AggregateError', async () => {
    const error = errorOf(
      await runThrowing(() => new AggregateError([new TypeError('first'), 'second'], 'two uploads failed')),
    );
    expect(error.errorName).toBe('AggregateError');
    expect(error.exception).toBe('two uploads failed');
    expect(error.thrown.classChain).toEqual(['AggregateError', 'Error']);
    expect(error.thrown.errors?.map((e) => [e.name, e.message])).toEqual([
      ['TypeError', 'first'],
      ['NonError', 'second'],
    ]);
    expect(error.traceback).toContain('[aggregated] TypeError: first');
    expect(error.traceback).toContain('[aggregated] NonError: second');
  });

  it('records a thrown string as its message', async () => {
    const error = errorOf(await runThrowing(() => 'disk full'));
    expect(error.exception).toBe('disk full');
    expect(error.errorName).toBe('NonError');
    expect(error.thrown).toMatchObject({ name: 'NonError', message: 'disk full', classChain: [], nonError: true });
    expect(error.thrown.stack).toBeUndefined();
    expect(error.traceback).toBe(
      'NonError: disk full\n    (a value that is not an Error was thrown, so there is no stack trace)',
    );
  });

  it('cuts a huge message, thrown string or stack to 100,000 characters, so the report can always be written', async () => {
    const huge = 'x'.repeat(1_000_000);
    const cut = `${'x'.repeat(100_000)}… [900000 more characters]`;
    const report = await new Process([
      new Task('string', () => {
        throw huge;
      }),
      new Task('error', () => {
        throw new Error(huge);
      }),
    ]).run({ parallel: true });
    const thrownString = errorOf(report, 'string');
    expect(thrownString.exception).toBe(cut);
    expect(thrownString.thrown.message).toBe(cut);
    const error = errorOf(report, 'error');
    expect(error.exception).toBe(cut);
    expect(error.thrown.stack?.length).toBeLessThan(100_100);
    expect(error.thrown.stack).toMatch(/^Error: x+… \[\d+ more characters\]$/);
    // Each copy of the message is bounded, so the document stays small and reads back.
    const json = JSON.stringify(report);
    expect(json.length).toBeLessThan(1_000_000);
    expect(ProcessExecutionReport.fromJSON(json).entries.get('string')?.error?.exception).toBe(cut);
  });

  it('keeps message and code of a thrown plain object, and its other fields as props', async () => {
    const error = errorOf(await runThrowing(() => ({ message: 'quota exceeded', code: 'E_QUOTA', status: 429 })));
    expect(error.exception).toBe('quota exceeded');
    expect(error.errorName).toBe('NonError');
    expect(error.thrown.code).toBe('E_QUOTA');
    expect(error.thrown.props).toEqual({ status: 429 });
    expect(error.thrown.nonError).toBe(true);
  });

  it('renders a thrown undefined and a thrown number', async () => {
    const undef = errorOf(await runThrowing(() => undefined));
    expect(undef.exception).toBe('undefined');
    expect(undef.thrown).toMatchObject({ name: 'NonError', nonError: true, classChain: [] });
    const number = errorOf(await runThrowing(() => 42));
    expect(number.exception).toBe('42');
    expect(number.thrown).toMatchObject({ name: 'NonError', nonError: true });
  });

  it('keeps own enumerable properties JSON-safe in thrown.props', async () => {
    const report = await runThrowing(() => {
      const body: { id: bigint; at: Date; self?: unknown } = { id: 7n, at: new Date(0) };
      body.self = body;
      return Object.assign(new Error('upstream said no'), {
        status: 503,
        body,
        retryable: undefined,
        headers: new Map([['retry-after', '5']]),
      });
    });
    const error = errorOf(report);
    expect(error.thrown.props).toEqual({
      status: 503,
      body: { id: '7n', at: '1970-01-01T00:00:00.000Z', self: '[Circular]' },
      retryable: null,
      headers: [['retry-after', '5']],
    });
    const parsed = JSON.parse(JSON.stringify(report));
    expect(parsed.entries.boom.error.thrown.props).toEqual(error.thrown.props);
  });

  it('marks an own property whose getter throws instead of dropping it', async () => {
    const error = errorOf(
      await runThrowing(() => {
        const e = new Error('with a bad getter');
        Object.defineProperty(e, 'details', {
          enumerable: true,
          get() {
            throw new Error('details are gone');
          },
        });
        return e;
      }),
    );
    expect(error.exception).toBe('with a bad getter');
    expect(error.thrown.props).toEqual({ details: '<unreadable: details are gone>' });
  });

  describe('a hostile thrown value never breaks the run', () => {
    /** Runs the hostile task next to a healthy sibling and a dependant, and checks the run is intact. */
    async function runHostile(thrown: () => unknown): Promise<ErrorData> {
      const p = new Process([
        new Task('boom', () => {
          throw thrown();
        }),
        new Task('sibling', () => 'fine'),
        new Task('after', () => 'never', { dependencies: ['boom'] }),
      ]);
      const report = await p.run({ parallel: true });
      expect(report.entries.get('sibling')?.result).toBe('fine');
      expect(report.entries.get('after')?.status).toBe('skipped');
      expect(() => JSON.stringify(report)).not.toThrow();
      return errorOf(report);
    }

    it('an Error whose name and message getters throw', async () => {
      const error = await runHostile(() => {
        const e = new Error('hidden');
        Object.defineProperty(e, 'message', {
          get() {
            throw new Error('no message for you');
          },
        });
        Object.defineProperty(e, 'name', {
          get() {
            throw new Error('no name either');
          },
        });
        return e;
      });
      expect(error.errorName).toBe('Error');
      expect(error.exception).toBe('');
      expect(error.thrown.classChain).toEqual(['Error']);
    });

    it('an Error whose message and name are objects whose toString throws', async () => {
      const error = await runHostile(() => {
        const e = new MyError('hidden');
        const hostile = {
          toString(): string {
            throw new Error('no string for you');
          },
        };
        Object.assign(e, { message: hostile, name: hostile, code: 'E_KEPT' });
        return e;
      });
      // Only the fields that cannot be read fall back; the rest of the error is kept.
      expect(error.errorName).toBe('Error');
      expect(error.exception).toBe('');
      expect(error.thrown.nonError).toBeUndefined();
      expect(error.thrown.classChain).toEqual(['MyError', 'Error']);
      expect(error.thrown.code).toBe('E_KEPT');
    });

    it('a plain object whose message getter throws', async () => {
      const error = await runHostile(() => ({
        code: 'E_HOSTILE',
        get message(): string {
          throw new Error('gotcha');
        },
      }));
      expect(error.errorName).toBe('NonError');
      expect(error.thrown.code).toBe('E_HOSTILE');
      expect(error.thrown.nonError).toBe(true);
    });

    it('a Proxy whose every trap throws', async () => {
      const trap = () => {
        throw new Error('trapped');
      };
      const error = await runHostile(
        () => new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap }),
      );
      expect(error.errorName).toBe('NonError');
      expect(error.thrown.nonError).toBe(true);
      expect(typeof error.exception).toBe('string');
    });

    it('a Proxy around an Error whose get trap throws', async () => {
      const error = await runHostile(
        () =>
          new Proxy(new TypeError('inside'), {
            get() {
              throw new Error('trapped');
            },
          }),
      );
      expect(error.thrown.classChain).toEqual(['TypeError', 'Error']);
      expect(error.thrown.nonError).toBeUndefined();
    });

    it('a revoked Proxy', async () => {
      const error = await runHostile(() => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      });
      expect(error.thrown.nonError).toBe(true);
    });
  });
});

describe('ErrorData describes the task, not the call', () => {
  it('has the task’s own args and kwargs, not the injected results', async () => {
    const calls: unknown[][] = [];
    const p = new Process([
      new Task('load', () => ({ rows: 3 })),
      new Task(
        'apply',
        (...received: unknown[]) => {
          calls.push(received);
          throw new Error('apply failed');
        },
        {
          args: [1, 'two'],
          kwargs: { factor: 3 },
          dependencies: [
            new TaskDependency('load', {
              useResultAsAdditionalArgs: true,
              useResultAsAdditionalKwargs: true,
              additionalKwargName: 'data',
            }),
          ],
        },
      ),
    ]);
    const report = await p.run();
    expect(calls).toEqual([[1, 'two', { rows: 3 }, { factor: 3, data: { rows: 3 } }]]);
    const error = errorOf(report, 'apply');
    expect(error.args).toEqual([1, 'two']);
    expect(error.kwargs).toEqual({ factor: 3 });
    expect(report.entries.get('apply')?.args).toEqual([1, 'two']);
    expect(report.entries.get('apply')?.kwargs).toEqual({ factor: 3 });
  });

  it('names every task downstream, breadth-first, each once', async () => {
    //        a
    //      /   \
    //     b     c
    //     |     |
    //     d     e
    //     |      \
    //     f       g (also depends on d)
    const p = new Process([
      new Task('a', () => {
        throw new Error('root failed');
      }),
      new Task('b', () => 'b', { dependencies: ['a'] }),
      new Task('c', () => 'c', { dependencies: ['a'] }),
      new Task('d', () => 'd', { dependencies: ['b'] }),
      new Task('e', () => 'e', { dependencies: ['c'] }),
      new Task('f', () => 'f', { dependencies: ['d'] }),
      new Task('g', () => 'g', { dependencies: ['e', 'd'] }),
      new Task('lonely', () => 'lonely'),
    ]);
    const report = await p.run();
    expect(errorOf(report, 'a').downstreamImpact).toEqual(['b', 'c', 'd', 'e', 'f', 'g']);
    expect([...report.skipped.keys()]).toEqual(['b', 'c', 'd', 'e', 'f', 'g']);
    for (const entry of report.skipped.values()) expect(entry.skippedBecause).toBe('a');
    expect(report.entries.get('lonely')?.status).toBe('success');
  });

  it('has an empty downstream impact for a task nothing depends on', async () => {
    const report = await runThrowing(() => new Error('alone'));
    expect(errorOf(report).downstreamImpact).toEqual([]);
  });

  it('names an anonymous task function <anonymous>', async () => {
    const p = new Process([
      new Task(
        'anon',
        [
          () => {
            throw new Error('x');
          },
        ][0] as () => never,
      ),
    ]);
    expect(errorOf(await p.run(), 'anon').function).toBe('<anonymous>');
  });
});
