// run({ resumeFrom }): a failed run, fixed and resumed, runs exactly the
// tasks that did not succeed and those downstream of them; a task whose
// code, args or kwargs changed runs again with its dependants, and each
// entry says why. Side effects are counted in a file the tasks append to.
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Process,
  ProcessExecutionReport,
  ResultNotRestorableError,
  Task,
  TaskDependency,
  TaskStatus,
  workerTask,
} from '../dist/index.js';
import { copyTaskModule, resetSideEffects, tasksThatRan } from './helpers/incremental.js';

let dir: string;
let sideEffects: string;
let input: string;
let broken: string;
let moduleUrl: URL;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'processes-resume-'));
  sideEffects = join(dir, 'ran.log');
  input = join(dir, 'input.txt');
  broken = join(dir, 'broken');
  // A copy per test, so a test can change "the module" without touching the others.
  moduleUrl = pathToFileURL(join(dir, 'tasks.js'));
  await copyTaskModule(moduleUrl);
  await writeFile(input, '1\n2\n3\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const asArgs = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });

/** extract -> transform -> load, and an independent side task. */
function etl(options: { factor?: number; extractUrl?: URL } = {}): Process {
  const at = (name: string, url = moduleUrl) => workerTask(url, name);
  return new Process([
    new Task('extract', at('extract', options.extractUrl), { args: [sideEffects, input] }),
    new Task('transform', at('transform'), {
      args: [sideEffects],
      kwargs: { factor: options.factor ?? 10, brokenFlag: broken },
      dependencies: [asArgs('extract')],
    }),
    new Task('load', at('load'), { args: [sideEffects], dependencies: [asArgs('transform')] }),
    new Task('side', at('echo'), { args: [sideEffects, 'independent'] }),
  ]);
}

function results(report: ProcessExecutionReport): Record<string, unknown> {
  return Object.fromEntries([...report.entries].map(([name, entry]) => [name, entry.result]));
}

describe('resuming a failed run', () => {
  it('runs exactly the failed and skipped tasks again, and ends with the results of a clean run', async () => {
    await writeFile(broken, '');
    const failed = await etl().run();
    expect(failed.errored.has('transform')).toBe(true);
    expect(failed.skipped.has('load')).toBe(true);

    await rm(broken); // the bug is fixed
    await resetSideEffects(sideEffects);
    const resumed = await etl().run({ resumeFrom: failed });
    expect((await tasksThatRan(sideEffects)).sort()).toEqual(['load', 'transform']);
    expect(resumed.ok).toBe(true);
    expect(resumed.entries.get('extract')?.reused).toEqual({ source: 'resume', fromRun: failed.runId });
    expect(resumed.entries.get('side')?.reused?.source).toBe('resume');
    expect(resumed.entries.get('transform')?.ranBecause).toBe('failed-before');
    expect(resumed.entries.get('load')?.ranBecause).toBe('failed-before');
    expect(resumed.entries.get('extract')?.attempts).toBe(0);

    await resetSideEffects(sideEffects);
    const clean = await etl().run();
    expect(await tasksThatRan(sideEffects)).toHaveLength(4);
    expect(results(resumed)).toEqual(results(clean));
  });

  it('resumes from the report JSON file, results restored exactly (bigint, Date, Set, undefined)', async () => {
    const path = join(dir, 'report.json');
    const first = await etl().run();
    await writeFile(path, JSON.stringify(first));
    await resetSideEffects(sideEffects);
    const second = await etl().run({ resumeFrom: path });
    expect(await tasksThatRan(sideEffects)).toEqual([]);
    const load = second.entries.get('load');
    expect(load?.reused).toEqual({ source: 'resume', fromRun: first.runId });
    expect(load?.result).toEqual({
      total: 60,
      big: 60n * 10n ** 20n,
      at: new Date(0),
      seen: new Set([10, 20, 30]),
      missing: undefined,
    });
    expect(load?.result).toEqual(first.entries.get('load')?.result);
    expect(JSON.parse(JSON.stringify(first)).entries.load.result_encoding).toBe('v8');
    expect(JSON.parse(JSON.stringify(first)).entries.extract.result_encoding).toBe('json');
  });

  it('refuses, naming the task, to reuse a result the report holds only as a readable copy', async () => {
    class Money {
      readonly cents: number;
      constructor(cents: number) {
        this.cents = cents;
      }
    }
    const make = () =>
      new Process([new Task('price', () => new Money(250)), new Task('after', () => 1, { dependencies: ['price'] })]);
    const first = await make().run();
    const fromJson = ProcessExecutionReport.fromJSON(JSON.stringify(first));
    const refused = await make()
      .run({ resumeFrom: fromJson })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ResultNotRestorableError);
    expect((refused as ResultNotRestorableError).taskName).toBe('price');
    // The in-memory report holds the value itself, so it is reused as is.
    const resumed = await make().run({ resumeFrom: first });
    expect(resumed.entries.get('price')?.result).toBe(first.entries.get('price')?.result);
  });

  it('still refuses a readable copy once the report was read back and written again', async () => {
    const make = () =>
      new Process([new Task('make', () => () => 1), new Task('after', () => 1, { dependencies: ['make'] })]);
    const first = await make().run();
    // A report kept as a file, read and saved again (by a tool, a copy between machines): still a copy.
    const rewritten = JSON.stringify(ProcessExecutionReport.fromJSON(JSON.stringify(first)));
    expect(JSON.parse(rewritten).entries.make.result_encoding).toBe('lossy');
    const refused = await make()
      .run({ resumeFrom: ProcessExecutionReport.fromJSON(rewritten) })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ResultNotRestorableError);
    expect((refused as ResultNotRestorableError).taskName).toBe('make');
  });
});

describe('a resumed run after a change', () => {
  it('runs a task whose module changed, and its dependants, saying why', async () => {
    const extractUrl = pathToFileURL(join(dir, 'extract-tasks.js'));
    await copyTaskModule(extractUrl);
    const first = await etl({ extractUrl }).run();
    await appendFile(extractUrl, '\n// a change to the code\n');
    await resetSideEffects(sideEffects);
    const second = await etl({ extractUrl }).run({ resumeFrom: first });
    expect((await tasksThatRan(sideEffects)).sort()).toEqual(['extract', 'load', 'transform']);
    expect(reasons(second)).toEqual({
      extract: 'code-changed',
      transform: 'upstream-ran',
      load: 'upstream-ran',
      side: undefined,
    });
    expect(second.entries.get('side')?.reused?.source).toBe('resume');
  });

  it('runs a task whose kwargs changed, and its dependants only', async () => {
    const first = await etl({ factor: 10 }).run();
    await resetSideEffects(sideEffects);
    const second = await etl({ factor: 100 }).run({ resumeFrom: first });
    expect((await tasksThatRan(sideEffects)).sort()).toEqual(['load', 'transform']);
    expect(reasons(second)).toEqual({
      extract: undefined,
      transform: 'kwargs-changed',
      load: 'upstream-ran',
      side: undefined,
    });
    expect(second.entries.get('load')?.result).toMatchObject({ total: 600 });
  });

  it('runs a task whose args changed, and nothing else', async () => {
    const first = await etl().run();
    const changed = new Process([
      ...etl().tasks.filter((t) => t.name !== 'side'),
      new Task('side', workerTask(moduleUrl, 'echo'), { args: [sideEffects, 'changed'] }),
    ]);
    await resetSideEffects(sideEffects);
    const second = await changed.run({ resumeFrom: first });
    expect(await tasksThatRan(sideEffects)).toEqual(['side']);
    expect(second.entries.get('side')?.ranBecause).toBe('args-changed');
    expect(second.entries.get('side')?.result).toEqual(['changed']);
  });

  it('runs a task missing from the report, and a main-thread task whose source changed', async () => {
    const first = await new Process([new Task('a', () => 1)]).run();
    let calls = 0;
    const second = await new Process([
      new Task('a', () => {
        calls++;
        return 2;
      }),
      new Task('b', () => 3),
    ]).run({ resumeFrom: first });
    expect(calls).toBe(1);
    expect(reasons(second)).toEqual({ a: 'code-changed', b: 'not-in-report' });
  });

  it('records a fingerprint for every task, and reports from version 1 are read but never reused', async () => {
    const first = await etl().run();
    const fingerprint = first.entries.get('transform')?.fingerprint;
    expect(fingerprint).toEqual({
      code: expect.stringMatching(/^[0-9a-f]{64}$/),
      args: expect.stringMatching(/^[0-9a-f]{64}$/),
      kwargs: expect.stringMatching(/^[0-9a-f]{64}$/),
      dependencies: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const v1 = JSON.parse(JSON.stringify(first));
    v1.schema_version = 1;
    for (const entry of Object.values(v1.entries) as Record<string, unknown>[]) {
      for (const key of ['fingerprint', 'reused', 'ran_because', 'cache_key', 'result_encoding', 'result_v8'])
        delete entry[key];
    }
    delete v1.run_id;
    await resetSideEffects(sideEffects);
    const second = await etl().run({ resumeFrom: ProcessExecutionReport.fromJSON(v1) });
    expect(await tasksThatRan(sideEffects)).toHaveLength(4);
    expect(second.entries.get('extract')?.ranBecause).toBe('no-fingerprint');
  });

  it('runs without the cache a task whose args cannot be hashed, and a resume runs it again saying why', async () => {
    let calls = 0;
    const make = () =>
      new Process([
        new Task(
          'hooked',
          (hook: () => number) => {
            calls++;
            return hook();
          },
          { args: [() => 7] },
        ),
      ]);
    const first = await make().run();
    expect(first.entries.get('hooked')?.result).toBe(7);
    expect(first.entries.get('hooked')?.fingerprint?.args).toBeNull();
    const second = await make().run({ resumeFrom: first });
    expect(calls).toBe(2);
    expect(second.entries.get('hooked')?.ranBecause).toBe('unhashable-input');
  });

  it('tells a task that did not succeed apart from one that changed', async () => {
    await writeFile(broken, '');
    const first = await etl().run();
    expect(first.entries.get('load')?.status).toBe(TaskStatus.SKIPPED);
    await rm(broken);
    const second = await etl({ factor: 2 }).run({ resumeFrom: first });
    expect(reasons(second)).toMatchObject({ transform: 'failed-before', load: 'failed-before' });
  });
});

function reasons(report: ProcessExecutionReport): Record<string, string | undefined> {
  return Object.fromEntries([...report.entries].map(([name, entry]) => [name, entry.ranBecause]));
}
