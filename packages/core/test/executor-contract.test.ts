// The Executor contract through the public API: its types (checked by `tsc`,
// pnpm typecheck) and how run({ executors }) chooses among executors.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AttemptOutcome,
  type AttemptRequest,
  type ExecuteOptions,
  type Executor,
  InvalidOptionError,
  type LogLevel,
  type LogSink,
  MainThreadExecutor,
  NoExecutorError,
  Process,
  type RunOptions,
  type SerializedError,
  Task,
  type TaskSpec,
  TaskStatus,
  type TimeoutEnding,
  type TracedVarsSnapshot,
  WorkerPool,
  workerTask,
} from '../dist/index.js';
import { workerFixture } from './helpers/worker-fixtures.js';

describe('the Executor contract types', () => {
  it('is a name, accepts(task), execute(request, { signal }) and an optional close()', () => {
    expectTypeOf<Executor['name']>().toEqualTypeOf<string>();
    expectTypeOf<Executor['accepts']>().parameters.toEqualTypeOf<[TaskSpec]>();
    expectTypeOf<Executor['accepts']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<Executor['execute']>().parameters.toEqualTypeOf<[AttemptRequest, ExecuteOptions]>();
    expectTypeOf<Executor['execute']>().returns.toEqualTypeOf<Promise<AttemptOutcome>>();
    expectTypeOf<Executor['close']>().toEqualTypeOf<(() => Promise<void>) | undefined>();
    expectTypeOf<ExecuteOptions>().toEqualTypeOf<{ readonly signal: AbortSignal }>();
    expectTypeOf<RunOptions['executors']>().toEqualTypeOf<readonly Executor[] | undefined>();
    // The built-in executors implement it.
    expectTypeOf<WorkerPool>().toExtend<Executor>();
    expectTypeOf<MainThreadExecutor>().toExtend<Executor>();
  });

  it('names the task by spec: a module and an export, or a function', () => {
    expectTypeOf<TaskSpec['kind']>().toEqualTypeOf<'worker' | 'main-thread'>();
    expectTypeOf<Extract<TaskSpec, { kind: 'worker' }>>().toEqualTypeOf<{
      readonly kind: 'worker';
      readonly name: string;
      readonly moduleUrl: string;
      readonly exportName: string;
    }>();
    expectTypeOf<Extract<TaskSpec, { kind: 'main-thread' }>['fn']>().toBeFunction();
  });

  it('hands over plain data and a log sink, never a logger or a file descriptor', () => {
    expectTypeOf<AttemptRequest['args']>().toEqualTypeOf<readonly unknown[]>();
    expectTypeOf<AttemptRequest['attempt']>().toEqualTypeOf<number>();
    expectTypeOf<AttemptRequest['runId']>().toEqualTypeOf<string>();
    expectTypeOf<AttemptRequest['processName']>().toEqualTypeOf<string>();
    expectTypeOf<AttemptRequest['timeoutMs']>().toEqualTypeOf<number | null>();
    expectTypeOf<AttemptRequest['tracedVars']>().toEqualTypeOf<{
      readonly capture: boolean;
      readonly frameFilter: string | null;
    }>();
    expectTypeOf<AttemptRequest['redact']>().toEqualTypeOf<{
      readonly source: string;
      readonly flags: string;
    } | null>();
    expectTypeOf<AttemptRequest['log']>().toEqualTypeOf<LogSink | null>();
    expectTypeOf<LogSink>().toEqualTypeOf<
      (level: LogLevel, msg: string, fields: Readonly<Record<string, unknown>>) => void
    >();
    expectTypeOf<AttemptRequest>().not.toHaveProperty('logFd');
    expectTypeOf<AttemptRequest>().not.toHaveProperty('transferables');
    expectTypeOf<AttemptRequest>().not.toHaveProperty('threadId');
  });

  it('gets back an outcome naming where it ran, with the error as data', () => {
    expectTypeOf<AttemptOutcome['workerId']>().toEqualTypeOf<string>();
    expectTypeOf<AttemptOutcome['startedAt']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<AttemptOutcome, { ok: true }>['value']>().toEqualTypeOf<unknown>();
    expectTypeOf<Extract<AttemptOutcome, { ok: false }>['error']>().toEqualTypeOf<SerializedError>();
    expectTypeOf<Extract<AttemptOutcome, { ok: false }>['tracedVars']>().toEqualTypeOf<
      TracedVarsSnapshot | undefined
    >();
    // Timeout endings are open to an executor's own kinds.
    expectTypeOf<'worker-lost'>().toExtend<TimeoutEnding>();
    expectTypeOf<'terminated'>().toExtend<TimeoutEnding>();
  });
});

/** An executor that runs main-thread tasks itself and records what it was asked. */
class RecordingExecutor implements Executor {
  readonly name = 'recording';
  readonly requests: AttemptRequest[] = [];
  readonly #inner = new MainThreadExecutor();

  accepts(task: TaskSpec): boolean {
    return task.kind === 'main-thread' && task.name.startsWith('mine');
  }

  execute(request: AttemptRequest, options: ExecuteOptions): Promise<AttemptOutcome> {
    this.requests.push(request);
    return this.#inner.execute(request, options).then((outcome) => ({ ...outcome, workerId: 'recording:1' }));
  }
}

describe('run({ executors })', () => {
  it('runs each task on the first executor that accepts it, and the entry names where it ran', async () => {
    const recording = new RecordingExecutor();
    const report = await new Process([
      new Task('mine', (a: number) => a * 2, { args: [21], timeoutMs: 1000 }),
      new Task('theirs', () => 'main', { dependencies: ['mine'] }),
    ]).run({ executors: [recording, new MainThreadExecutor()] });
    expect(report.entries.get('mine')).toMatchObject({
      status: TaskStatus.SUCCESS,
      result: 42,
      workerId: 'recording:1',
    });
    expect(report.entries.get('mine')?.threadId).toBeUndefined();
    expect(report.entries.get('theirs')).toMatchObject({ status: TaskStatus.SUCCESS, workerId: 'main', threadId: 0 });
    expect(recording.requests).toHaveLength(1);
    expect(recording.requests[0]).toMatchObject({
      task: { kind: 'main-thread', name: 'mine' },
      args: [21],
      attempt: 1,
      runId: expect.any(String),
      processName: '',
      timeoutMs: 1000,
      redact: null,
      log: null,
    });
  });

  it('keeps main-thread tasks that no given executor claims on the main thread', async () => {
    const recording = new RecordingExecutor();
    const report = await new Process([
      new Task('mine', () => 'claimed'),
      new Task('local', () => 'main', { dependencies: ['mine'] }),
    ]).run({ executors: [recording] });
    expect(report.entries.get('mine')).toMatchObject({ status: TaskStatus.SUCCESS, workerId: 'recording:1' });
    expect(report.entries.get('local')).toMatchObject({ status: TaskStatus.SUCCESS, result: 'main', workerId: 'main' });
    expect(recording.requests.map((request) => request.task.name)).toEqual(['mine']);
  });

  it('records a worker task run by the default pool as thread:<id>', async () => {
    const report = await new Process([workerFixture('echo', 'whereAmI')]).run();
    const entry = report.entries.get('echo');
    expect(entry?.workerId).toBe(`thread:${String(entry?.result)}`);
    expect(entry?.threadId).toBe(entry?.result);
  });

  it('fails with NoExecutorError before anything runs when no executor accepts a task', async () => {
    let ran = false;
    const process = new Process([
      new Task('local', () => {
        ran = true;
      }),
      new Task('remote', workerTask(new URL('./fixtures/tasks.js', import.meta.url), 'add')),
    ]);
    const running = process.run({ executors: [new MainThreadExecutor()] });
    await expect(running).rejects.toBeInstanceOf(NoExecutorError);
    await expect(running).rejects.toMatchObject({
      code: 'PROC_NO_EXECUTOR',
      taskName: 'remote',
      executors: ['main-thread'],
      message:
        'Task "remote": no executor accepts a worker task (asked: main-thread). No task was run. Add an executor that runs it to `run({ executors })`.',
    });
    expect(ran).toBe(false);
  });

  it('rejects something that is not an executor, and a pool given beside executors', async () => {
    const process = new Process([new Task('a', () => 1)]);
    await expect(process.run({ executors: [{ name: 'half' } as never] })).rejects.toBeInstanceOf(InvalidOptionError);
    await using pool = new WorkerPool({ maxThreads: 1 });
    await expect(process.run({ pool, executors: [pool] })).rejects.toMatchObject({
      code: 'PROC_INVALID_OPTION',
      field: 'pool',
    });
  });
});
