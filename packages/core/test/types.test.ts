// Checked by `tsc` (pnpm typecheck); at run time `expectTypeOf` does nothing, so the few
// `expect` calls here only make sure the values used for typing exist.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type BackoffOptions,
  type CircularDependencyError,
  type ErrorClass,
  type ErrorData,
  type ExecutionReport,
  InvalidOptionError,
  type NotifyOptions,
  type NotifyOutcome,
  Process,
  ProcessExecutionReport,
  type ProcessOptions,
  type ReportChannel,
  type RetryOn,
  type RunEvent,
  type RunEventType,
  type RunOptions,
  type SendOptions,
  type SerializedError,
  Task,
  TaskDependency,
  type TaskDependencyOptions,
  type TaskOptions,
  type TaskReportEntry,
  TaskStatus,
  type TaskStillRequiredError,
} from '../dist/index.js';

describe('Task options types', () => {
  it('types each option', () => {
    expectTypeOf<TaskOptions['timeoutMs']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<TaskOptions['retries']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<TaskOptions['retryOn']>().toEqualTypeOf<RetryOn | undefined>();
    expectTypeOf<TaskOptions['retryDelayMs']>().toEqualTypeOf<number | BackoffOptions | undefined>();
    expectTypeOf<TaskOptions['dependencies']>().toEqualTypeOf<ReadonlyArray<TaskDependency | string> | undefined>();
    expectTypeOf<TaskOptions['args']>().toEqualTypeOf<readonly unknown[] | undefined>();
    expectTypeOf<TaskOptions['logPath']>().toEqualTypeOf<string | URL | null | undefined>();
    expectTypeOf<TaskOptions['transferResult']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<BackoffOptions>().toEqualTypeOf<{
      initialMs: number;
      factor?: number;
      maxMs?: number;
      jitter?: number;
    }>();
  });

  it('accepts retryOn as classes and codes, or a predicate over the serialised error', () => {
    class RateLimitError extends Error {}
    expectTypeOf<typeof RateLimitError>().toExtend<ErrorClass>();
    const task = new Task('fetch', () => 1, {
      retries: 2,
      retryOn: [RateLimitError, 'ECONNRESET'],
      dependencies: ['load', new TaskDependency('auth')],
    });
    expect(task.retries).toBe(2);
    expectTypeOf<Extract<RetryOn, (error: never) => unknown>>().parameter(0).toEqualTypeOf<SerializedError>();
    expectTypeOf(task.retryOn).toEqualTypeOf<RetryOn | undefined>();
    expectTypeOf(task.dependencies).toEqualTypeOf<readonly TaskDependency[]>();
    expectTypeOf(task.name).toBeString();
  });

  it('rejects wrong options at compile time', () => {
    const fn = () => 1;
    const attempts = [
      // @ts-expect-error the option is `timeoutMs`
      () => new Task('load', fn, { timeout: 5 }),
      // @ts-expect-error timeoutMs is a number
      () => new Task('load', fn, { timeoutMs: '30' }),
      // @ts-expect-error an Error class goes in an array
      () => new Task('load', fn, { retryOn: TypeError }),
      // @ts-expect-error dependencies are TaskDependency objects or names
      () => new Task('load', fn, { dependencies: [1] }),
      // @ts-expect-error fn is a function
      () => new Task('load', 'load.js'),
      // @ts-expect-error the flags are booleans
      () => new TaskDependency('load', { useResultAsAdditionalArgs: 1 }),
    ];
    for (const attempt of attempts) expect(attempt).toThrow();
  });

  it('types TaskDependency options', () => {
    expectTypeOf<TaskDependencyOptions>().toEqualTypeOf<{
      useResultAsAdditionalArgs?: boolean;
      useResultAsAdditionalKwargs?: boolean;
      additionalKwargName?: string;
    }>();
  });
});

describe('Process types', () => {
  it('types the constructor, queries and mutations', () => {
    expectTypeOf(Process).constructorParameters.toEqualTypeOf<[readonly Task[], (ProcessOptions | undefined)?]>();
    expectTypeOf<Process['tasks']>().toEqualTypeOf<readonly Task[]>();
    expectTypeOf<Process['getTask']>().toEqualTypeOf<(name: string) => Task>();
    expectTypeOf<Process['getDependantTasks']>().toEqualTypeOf<(name: string) => Task[]>();
    expectTypeOf<Process['addTask']>().toEqualTypeOf<(task: Task) => void>();
    expectTypeOf<Process['removeTask']>().toEqualTypeOf<(name: string) => void>();
    expectTypeOf<Process['addTaskDependency']>().parameter(1).toEqualTypeOf<TaskDependency | string>();
    expectTypeOf<Process>().toExtend<AsyncDisposable>();
  });

  it('run() takes RunOptions and returns Promise<ProcessExecutionReport>', async () => {
    const p = new Process([]);
    expectTypeOf(p.run).parameters.toEqualTypeOf<[(RunOptions | undefined)?]>();
    expectTypeOf(p.run).returns.toEqualTypeOf<Promise<ProcessExecutionReport>>();
    expectTypeOf<RunOptions['maxWorkers']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<RunOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<RunOptions['onEvent']>().toEqualTypeOf<((event: RunEvent) => void) | undefined>();
    const report = await p.run();
    expect(report).toBeInstanceOf(ProcessExecutionReport);
    // @ts-expect-error maxWorkers is a number
    await expect(p.run({ maxWorkers: '2' })).rejects.toBeInstanceOf(InvalidOptionError);
  });

  it('types the error details', () => {
    expectTypeOf<CircularDependencyError['cycle']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<CircularDependencyError['code']>().toBeString();
    expectTypeOf<InvalidOptionError['field']>().toBeString();
    expectTypeOf<InvalidOptionError['received']>().toBeUnknown();
    expectTypeOf<TaskStillRequiredError['dependants']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<TaskStillRequiredError['taskName']>().toEqualTypeOf<string>();
  });
});

describe('report types', () => {
  it('TaskStatus is the union of the seed wire strings and cancelled', () => {
    expectTypeOf<TaskStatus>().toEqualTypeOf<'pending' | 'success' | 'errored' | 'skipped' | 'cancelled'>();
    expectTypeOf(TaskStatus.ERRORED).toEqualTypeOf<'errored'>();
    expectTypeOf(TaskStatus.CANCELLED).toEqualTypeOf<'cancelled'>();
    expect(Object.values(TaskStatus).sort()).toEqual(['cancelled', 'errored', 'pending', 'skipped', 'success']);
  });

  it('ExecutionReport, which channels and RunAbortedError are typed with, is the report class type', () => {
    expectTypeOf<ExecutionReport>().toEqualTypeOf<ProcessExecutionReport>();
  });

  it('types the entries and their fields', () => {
    expectTypeOf<ProcessExecutionReport['entries']>().toEqualTypeOf<ReadonlyMap<string, TaskReportEntry>>();
    expectTypeOf<ProcessExecutionReport['errored']>().toEqualTypeOf<ReadonlyMap<string, TaskReportEntry>>();
    expectTypeOf<TaskReportEntry['status']>().toEqualTypeOf<TaskStatus>();
    expectTypeOf<TaskReportEntry['result']>().toBeUnknown();
    expectTypeOf<TaskReportEntry['error']>().toEqualTypeOf<ErrorData | undefined>();
    expectTypeOf<ErrorData['downstreamImpact']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<ErrorData['thrown']>().toEqualTypeOf<SerializedError>();
  });

  it('notify takes channels and resolves to one outcome per channel', () => {
    expectTypeOf<ProcessExecutionReport['notify']>().parameters.toEqualTypeOf<
      [ReportChannel | readonly ReportChannel[], (NotifyOptions | undefined)?]
    >();
    expectTypeOf<ProcessExecutionReport['notify']>().returns.toEqualTypeOf<Promise<NotifyOutcome[]>>();
    const outcome = {} as NotifyOutcome;
    if (outcome.ok) expectTypeOf(outcome.sent).toBeBoolean();
    else expectTypeOf(outcome.error).toEqualTypeOf<Error>();
  });
});

describe('RunEvent', () => {
  it('narrows on `type`', () => {
    expectTypeOf<RunEventType>().toEqualTypeOf<
      | 'run:started'
      | 'task:started'
      | 'task:retrying'
      | 'task:succeeded'
      | 'task:failed'
      | 'task:skipped'
      | 'run:finished'
    >();
    const seen: RunEventType[] = [];
    const onEvent = (event: RunEvent): void => {
      expectTypeOf(event.runId).toBeString();
      expectTypeOf(event.at).toBeNumber();
      switch (event.type) {
        case 'run:started':
          expectTypeOf(event.taskNames).toEqualTypeOf<readonly string[]>();
          break;
        case 'task:started':
          expectTypeOf(event.attempt).toBeNumber();
          break;
        case 'task:retrying':
          expectTypeOf(event.error).toEqualTypeOf<SerializedError>();
          expectTypeOf(event.delayMs).toBeNumber();
          break;
        case 'task:succeeded':
          expectTypeOf(event.elapsedMs).toBeNumber();
          expectTypeOf(event).not.toHaveProperty('error');
          break;
        case 'task:failed':
          expectTypeOf(event.error).toEqualTypeOf<SerializedError>();
          expectTypeOf(event.attempts).toBeNumber();
          break;
        case 'task:skipped':
          expectTypeOf(event.because).toBeString();
          break;
        case 'run:finished':
          expectTypeOf(event.report).toEqualTypeOf<ProcessExecutionReport>();
          break;
        default:
          expectTypeOf(event).toBeNever();
      }
      seen.push(event.type);
    };
    onEvent({ type: 'task:skipped', runId: 'r', at: 0, taskName: 'b', because: 'a' });
    expect(seen).toEqual(['task:skipped']);
  });
});

describe('ReportChannel', () => {
  it('is a name and a send method, with optional verify and close', async () => {
    expectTypeOf<ReportChannel['name']>().toEqualTypeOf<string>();
    expectTypeOf<ReportChannel['send']>().parameters.toEqualTypeOf<[ProcessExecutionReport, SendOptions]>();
    expectTypeOf<SendOptions['onlyErrors']>().toEqualTypeOf<boolean>();
    expectTypeOf<SendOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<ReportChannel['verify']>().toEqualTypeOf<(() => Promise<unknown>) | undefined>();
    expectTypeOf<ReportChannel['close']>().toEqualTypeOf<(() => Promise<void> | void) | undefined>();

    const sent: string[] = [];
    const channel = {
      name: 'memory',
      send: (report: ProcessExecutionReport, { onlyErrors }: SendOptions) => {
        sent.push(`${report.processName}:${onlyErrors}`);
      },
    } satisfies ReportChannel;
    // @ts-expect-error a channel needs a name
    const nameless: ReportChannel = { send: () => undefined };
    expect(nameless.name).toBeUndefined();

    const report = await new Process([], { name: 'etl' }).run();
    const outcomes = await report.notify(channel);
    expect(outcomes).toEqual([{ channel: 'memory', ok: true, sent: true }]);
    expect(sent).toEqual(['etl:false']);
  });
});
