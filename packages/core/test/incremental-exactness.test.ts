// Reuse is exact or refused, never silently different: code that cannot be
// seen (bound functions), values whose extra parts a clone or a hash would
// drop, typed arrays read back from a report, and report documents that
// name one task twice.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidOptionError,
  Process,
  ProcessExecutionReport,
  ReportFormatError,
  ResultNotRestorableError,
  Task,
  TaskDependency,
  TaskStatus,
  UnhashableInputError,
} from '../dist/index.js';
import { captureWarnings } from './helpers/warnings.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'processes-exactness-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/** Runs one task, then resumes from the report's JSON with a second definition of it. */
async function resumed(first: Task, second: Task): Promise<ProcessExecutionReport> {
  await using before = new Process([first]);
  const report = await before.run();
  await using after = new Process([second]);
  return after.run({ resumeFrom: ProcessExecutionReport.fromJSON(JSON.stringify(report)) });
}

describe('code that cannot be seen', () => {
  const double = (x: number) => 2 * x;
  const negate = (x: number) => -x;

  it('a bound function is never reused from a report: another bound function prints the same', async () => {
    const report = await resumed(
      new Task('t', double.bind(null), { args: [10] }),
      new Task('t', negate.bind(null), { args: [10] }),
    );
    expect(report.entries.get('t')).toMatchObject({ status: TaskStatus.SUCCESS, result: -10 });
    expect(report.entries.get('t')?.reused).toBeUndefined();
    expect(report.entries.get('t')?.ranBecause).toBe('code-changed');
  });

  it('a cached task whose function is bound is refused with UnhashableInputError, and its dependants skipped', async () => {
    await using process = new Process([
      new Task('t', double.bind(null, 3), { cache: true }),
      new Task('after', (n: number) => n, {
        dependencies: [new TaskDependency('t', { useResultAsAdditionalArgs: true })],
      }),
    ]);
    const report = await process.run({ cache: { dir } });
    const error = report.entries.get('t')?.error;
    expect(report.entries.get('t')?.status).toBe(TaskStatus.ERRORED);
    expect(error?.thrown.code).toBe(UnhashableInputError.code);
    expect(error?.exception).toContain('`fn` cannot be hashed');
    expect(report.entries.get('after')?.status).toBe(TaskStatus.SKIPPED);
  });
});

describe('results read back from a report', () => {
  it('a typed array comes back over a buffer of its own, holding only its bytes', async () => {
    const secret = 'hunter2-SECRET';
    const tasks = (failAfter: boolean) => [
      new Task('secret', () => new Map([['password', secret]])),
      new Task('bytes', () => new Uint8Array([1, 2, 3])),
      new Task(
        'size',
        (bytes: Uint8Array) => {
          if (failAfter) throw new Error('not yet');
          const whole = new Uint8Array(bytes.buffer);
          return { length: whole.length, text: Buffer.from(whole).toString('latin1') };
        },
        { dependencies: [new TaskDependency('bytes', { useResultAsAdditionalArgs: true })] },
      ),
    ];
    await using first = new Process(tasks(true));
    const path = join(dir, 'report.json');
    await writeFile(path, JSON.stringify(await first.run()));
    await using second = new Process(tasks(false));
    const report = await second.run({ resumeFrom: path });
    expect(report.entries.get('bytes')?.reused).toMatchObject({ source: 'resume' });
    expect(report.entries.get('size')?.result).toEqual({ length: 3, text: '\u0001\u0002\u0003' });
  });

  it('shared references come back shared, not as JSON copies', async () => {
    const shared = { s: 1 };
    const report = await resumed(new Task('pair', () => [shared, shared]), new Task('pair', () => [shared, shared]));
    const pair = report.entries.get('pair')?.result as { s: number }[];
    expect(report.entries.get('pair')?.reused).toMatchObject({ source: 'resume' });
    expect(pair[0]).toBe(pair[1]);
  });

  it.each([
    ['an array with a named property', () => Object.assign([1, 2], { extra: 'y' })],
    ['a Date subclass', () => new (class Money extends Date {})(0)],
    ['a Map with a property of its own', () => Object.assign(new Map([[1, 2]]), { meta: 'm' })],
    ['a typed array with a property of its own', () => Object.assign(new Uint8Array(2), { unit: 'm' })],
    [
      'a RegExp part-way through a match',
      () => {
        const pattern = /a/g;
        pattern.exec('aa');
        return pattern;
      },
    ],
    ['an object with a non-enumerable property', () => Object.defineProperty({ a: 1 }, 'hidden', { value: 2 })],
  ])('%s is not reused from a report: resume refuses it', async (_, make) => {
    const task = () => new Task('odd', make);
    await expect(resumed(task(), task())).rejects.toBeInstanceOf(ResultNotRestorableError);
  });

  it('such a result is not cached either: it is run again, with PROC_CACHE_RESULT_UNSTORABLE', async () => {
    let runs = 0;
    const odd = () => {
      runs++;
      return Object.assign(new Map(), { meta: 'm' });
    };
    const make = () => new Task('odd', odd, { cache: true });
    const warnings = captureWarnings();
    for (let i = 0; i < 2; i++) {
      await using process = new Process([make()]);
      await process.run({ cache: { dir } });
    }
    expect(runs).toBe(2);
    expect(warnings.some((w) => (w.options as { code?: string }).code === 'PROC_CACHE_RESULT_UNSTORABLE')).toBe(true);
  });
});

describe('cache keys refuse what they cannot see', () => {
  const datePrototypeOnly = Object.create(Date.prototype) as Date;
  const selfKeyed = new Map<unknown, number>();
  selfKeyed.set(selfKeyed, 1);
  const throwing = new Proxy(
    {},
    {
      ownKeys: () => {
        throw new Error('trap');
      },
    },
  );
  it.each([
    ['a Map with a property of its own', Object.assign(new Map(), { meta: 1 }), /properties of its own/],
    ['a Date subclass', new (class Stamp extends Date {})(0), /subclass/],
    ['a non-enumerable property', Object.defineProperty({}, 'hidden', { value: 1 }), /non-enumerable/],
    ['an object that only looks like a Date', datePrototypeOnly, /subclass, or with properties of its own/],
    ['a Map that holds itself as a key', selfKeyed, /cycle/],
    ['a Proxy whose trap throws', throwing, /an object that threw when it was read \(trap\)/],
  ])('%s', async (_, value, reason) => {
    await using process = new Process([new Task('keyed', (v: unknown) => typeof v, { args: [value], cache: true })]);
    const error = await process.run({ cache: { dir } }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UnhashableInputError);
    expect((error as Error).message).toMatch(/^Task "keyed": `args\[0\]/);
    expect((error as Error).message).toMatch(reason);
  });
});

describe('report documents', () => {
  const document = async () => {
    await using process = new Process([new Task('a', () => 1)]);
    return JSON.parse(JSON.stringify(await process.run())) as { entries: Record<string, { name: string }> };
  };

  it('an entry whose key is not its name, or a second entry for one task, is a ReportFormatError', async () => {
    const renamed = await document();
    renamed.entries['zzz'] = { ...(renamed.entries['a'] as { name: string }) };
    delete renamed.entries['a'];
    expect(() => ProcessExecutionReport.fromJSON(JSON.stringify(renamed))).toThrow(ReportFormatError);
    expect(() => ProcessExecutionReport.fromJSON(JSON.stringify(renamed))).toThrow(
      'at `entries.zzz.name`: expected the entry\'s key, "zzz", got "a"',
    );
    const twice = await document();
    twice.entries['A'] = { ...(twice.entries['a'] as { name: string }), name: 'A' };
    expect(() => ProcessExecutionReport.fromJSON(JSON.stringify(twice))).toThrow(/a second entry for the same task/);
  });

  it('a task is found in a report whatever the case of its name there', async () => {
    const doc = await document();
    doc.entries['A'] = { ...(doc.entries['a'] as { name: string }), name: 'A' };
    delete doc.entries['a'];
    (doc as unknown as { order: string[] }).order = ['A'];
    await using process = new Process([new Task('a', () => 1)]);
    const report = await process.run({ resumeFrom: ProcessExecutionReport.fromJSON(JSON.stringify(doc)) });
    expect(report.entries.get('a')?.reused).toMatchObject({ source: 'resume' });
  });
});

describe('checkpoint paths', () => {
  it('a checkpoint under a regular file, or at a directory, is an InvalidOptionError before anything runs', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    let ran = false;
    for (const checkpoint of [join(file, 'run.json'), dir]) {
      await using process = new Process([new Task('t', () => (ran = true))]);
      const error = await process.run({ checkpoint }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as Error).message).toContain('expected `checkpoint` to be the path of a file');
    }
    expect(ran).toBe(false);
  });
});
