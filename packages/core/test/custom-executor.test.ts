// Proof that the Executor contract can be implemented from the public API
// alone: ChildProcessExecutor (fixtures/child-process-executor.ts) runs worker
// tasks in child processes, and the same graph gives the same report as on the
// built-in worker pool: statuses, attempts, results, error data, log lines.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Executor,
  MainThreadExecutor,
  Process,
  type ProcessExecutionReport,
  Task,
  TaskDependency,
  TaskStatus,
  WorkerPool,
} from '../dist/index.js';
import { ChildProcessExecutor } from './fixtures/child-process-executor.js';
import { RecoverableError } from './fixtures/tasks.js';
import { workerFixture } from './helpers/worker-fixtures.js';

const children = new ChildProcessExecutor();
const pool = new WorkerPool({ maxThreads: 2 });
afterAll(async () => {
  await children.close();
  await pool.close();
});

/** One graph with a success, an injected result, a retry, a failure and its skip, a hard timeout and log lines. */
function graph(logDir: string): Task[] {
  const off = { captureTracedVars: false }; // child processes do not capture locals; compare like with like
  return [
    workerFixture('sum', 'add', { ...off, args: [2, 3] }),
    workerFixture('double_sum', 'add', {
      ...off,
      args: [10],
      dependencies: [new TaskDependency('sum', { useResultAsAdditionalArgs: true })],
    }),
    workerFixture('flaky', 'failUntilAttempt', { ...off, args: [2], retries: 2, retryOn: [RecoverableError] }),
    workerFixture('broken', 'throwRecoverable', off),
    workerFixture('after_broken', 'add', { ...off, args: [1, 1], dependencies: ['broken'] }),
    workerFixture('runaway', 'spinOnFirstAttempt', { ...off, timeoutMs: 150, retries: 1 }),
    workerFixture('talker', 'logLines', { ...off, args: [3], logPath: join(logDir, 'talker.log') }),
    new Task('on_main', (n: number) => n + 1, { args: [41] }),
  ];
}

async function runOn(executors: Executor[]): Promise<{ report: ProcessExecutionReport; lines: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'processes-executor-'));
  await using process = new Process(graph(dir), { name: 'compare' });
  const report = await process.run({ executors, parallel: true, maxWorkers: 4 });
  const text = await readFile(join(dir, 'talker.log'), 'utf8');
  const lines = text
    .trim()
    .split('\n')
    .map((line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      return `${String(record['level'])} ${String(record['task'])} ${String(record['msg'])} ${String(record['i'] ?? '')}`;
    });
  return { report, lines };
}

/** What must not depend on the executor: everything but timings, stacks and where it ran. */
function comparable(report: ProcessExecutionReport) {
  return [...report.entries.values()].map((entry) => ({
    name: entry.name,
    status: entry.status,
    attempts: entry.attempts,
    result: entry.result,
    skippedBecause: entry.skippedBecause,
    error: entry.error && {
      errorName: entry.error.errorName,
      exception: entry.error.exception,
      downstreamImpact: entry.error.downstreamImpact,
      tracedVars: entry.error.tracedVars,
      tracebackHead: entry.error.traceback.split('\n')[0],
      code: entry.error.thrown.code,
      classChain: entry.error.thrown.classChain,
      props: entry.error.thrown.props,
      cause: entry.error.thrown.cause && {
        name: entry.error.thrown.cause.name,
        message: entry.error.thrown.cause.message,
      },
    },
  }));
}

describe('an executor built on the public API (worker tasks in child processes)', () => {
  it('gives the same report as the built-in worker pool', async () => {
    const onThreads = await runOn([new MainThreadExecutor(), pool]);
    const inChildren = await runOn([children, new MainThreadExecutor()]);

    expect(comparable(inChildren.report)).toEqual(comparable(onThreads.report));
    expect(inChildren.lines).toEqual(onThreads.lines);

    // And the report is the one the graph asks for, not merely the same twice.
    const entries = inChildren.report.entries;
    expect(entries.get('double_sum')).toMatchObject({ status: TaskStatus.SUCCESS, result: 15 });
    expect(entries.get('flaky')).toMatchObject({ status: TaskStatus.SUCCESS, attempts: 2, result: 'ok on attempt 2' });
    expect(entries.get('broken')?.error).toMatchObject({
      errorName: 'RecoverableError',
      downstreamImpact: ['after_broken'],
    });
    expect(entries.get('broken')?.error?.thrown).toMatchObject({
      code: 'E_RECOVERABLE',
      props: { details: { table: 'orders', row: 7 } },
    });
    expect(entries.get('after_broken')).toMatchObject({ status: TaskStatus.SKIPPED, skippedBecause: 'broken' });
    expect(entries.get('runaway')).toMatchObject({ status: TaskStatus.SUCCESS, attempts: 2, result: 'attempt 2' });
    expect(inChildren.lines).toEqual([
      'info talker Starting talker. ',
      'info talker worker line 0 0',
      'info talker worker line 1 1',
      'info talker worker line 2 2',
      'info talker Finished talker. ',
    ]);

    // Where each ran, in each executor's own terms.
    expect(entries.get('sum')?.workerId).toMatch(/^child:\d+$/);
    expect(onThreads.report.entries.get('sum')?.workerId).toMatch(/^thread:\d+$/);
    expect(entries.get('on_main')?.workerId).toBe('main');
  });

  it('records a task that stopped on its signal as ended by signal, like the pool does', async () => {
    // A long grace period: on a loaded machine a child process may get no CPU for a while,
    // and its parent cannot tell a starved child from one that ignores its signal.
    // The same for a thread: the default 50 ms grace is shorter than a time slice on a busy host.
    const patientChildren = new ChildProcessExecutor({ graceMs: 10_000 });
    await using patientThreads = new WorkerPool({ maxThreads: 1, timeoutGraceMs: 10_000 });
    try {
      const task = () => [workerFixture('polite', 'waitForAbort', { timeoutMs: 150, captureTracedVars: false })];
      const inChild = await new Process(task()).run({ executors: [patientChildren] });
      const onThread = await new Process(task()).run({ executors: [patientThreads] });
      for (const report of [inChild, onThread]) {
        expect(report.entries.get('polite')?.error?.thrown.props).toMatchObject({ endedBy: 'signal', timeoutMs: 150 });
      }
      expect(inChild.entries.get('polite')?.error?.exception).toBe(onThread.entries.get('polite')?.error?.exception);
    } finally {
      await patientChildren.close();
    }
  });

  it('records a thread the child executor killed as terminated, like the pool does', async () => {
    const task = () => [workerFixture('stuck', 'spin', { timeoutMs: 100, captureTracedVars: false })];
    // The same grace period on both sides, since the message names it.
    await using patient = new WorkerPool({ maxThreads: 1, timeoutGraceMs: 1000 });
    const inChild = await new Process(task()).run({ executors: [children] });
    const onThread = await new Process(task()).run({ executors: [patient] });
    for (const report of [inChild, onThread]) {
      expect(report.entries.get('stuck')?.error?.thrown.props).toMatchObject({ endedBy: 'terminated' });
    }
    expect(inChild.entries.get('stuck')?.error?.exception).toBe(onThread.entries.get('stuck')?.error?.exception);
  });
});
