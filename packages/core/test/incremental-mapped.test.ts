// run({ resumeFrom }) with a mapped task: only the items that failed run
// again (the others are reused from the report, in memory or read back from
// its JSON), and a mapped task that succeeded is reused whole.
import { describe, expect, it } from 'vitest';
import {
  explainRun,
  Process,
  ProcessExecutionReport,
  type RunEvent,
  Task,
  TaskDependency,
  TaskStatus,
} from '../dist/index.js';

/** split -> parse (mapped over split) -> total; `ran` counts the calls of each parse item. */
function pipeline(broken: ReadonlySet<number>, ran: number[]): Process {
  return new Process([
    new Task('split', () => [10, 20, 30, 40, 50]),
    new Task(
      'parse',
      (n: number) => {
        ran.push(n);
        if (broken.has(n)) throw new Error(`bad row ${n}`);
        return n + 1;
      },
      { map: 'split', dependencies: ['split'] },
    ),
    new Task('total', (values: number[]) => values.reduce((a, b) => a + b, 0), {
      dependencies: [new TaskDependency('parse', { useResultAsAdditionalArgs: true })],
    }),
  ]);
}

describe('resuming a mapped task', () => {
  it.each([
    ['the report in memory', (report: ProcessExecutionReport) => report],
    [
      'the report read back from its JSON',
      (report: ProcessExecutionReport) => ProcessExecutionReport.fromJSON(JSON.stringify(report.toJSON())),
    ],
  ])('runs only its failed items again, from %s', async (_, source) => {
    const firstCalls: number[] = [];
    const failed = await pipeline(new Set([30, 50]), firstCalls).run();
    expect(failed.entries.get('parse')?.map?.failedIndices).toEqual([2, 4]);
    expect(failed.skipped.has('total')).toBe(true);
    expect(firstCalls.sort()).toEqual([10, 20, 30, 40, 50]);

    // explainRun says so before anything runs.
    const plans = await explainRun(pipeline(new Set(), []), { resumeFrom: source(failed) });
    expect(plans.find((plan) => plan.task === 'parse')).toEqual({
      task: 'parse',
      action: 'run',
      reason: 'failed-before',
      reusedItems: 3,
    });

    const calls: number[] = [];
    const events: RunEvent[] = [];
    const resumed = await pipeline(new Set(), calls).run({
      resumeFrom: source(failed),
      onEvent: (event) => events.push(event),
    });
    expect(calls.sort()).toEqual([30, 50]);
    expect(resumed.ok).toBe(true);
    const parse = resumed.entries.get('parse');
    expect(parse?.result).toEqual([11, 21, 31, 41, 51]);
    expect(parse?.ranBecause).toBe('failed-before');
    expect(parse?.items?.map((item) => [item.name, item.status, item.attempts, item.reused?.source ?? null])).toEqual([
      ['parse[0]', TaskStatus.SUCCESS, 0, 'resume'],
      ['parse[1]', TaskStatus.SUCCESS, 0, 'resume'],
      ['parse[2]', TaskStatus.SUCCESS, 1, null],
      ['parse[3]', TaskStatus.SUCCESS, 0, 'resume'],
      ['parse[4]', TaskStatus.SUCCESS, 1, null],
    ]);
    expect(parse?.items?.[0]?.reused?.fromRun).toBe(failed.runId);
    expect(parse?.attempts).toBe(2);
    expect(resumed.entries.get('total')?.result).toBe(11 + 21 + 31 + 41 + 51);
    expect(resumed.entries.get('split')?.reused?.source).toBe('resume');
    // The reused items are in the JSON too.
    const json = resumed.toJSON().entries['parse'];
    expect(json?.items?.map((item) => item.reused?.source ?? null)).toEqual(['resume', 'resume', null, 'resume', null]);
    expect(
      events
        .filter((e) => e.type === 'task:started')
        .map((e) => (e as { taskName: string }).taskName)
        .sort(),
    ).toEqual(['parse[2]', 'parse[4]', 'total']);
  });

  it('reuses a mapped task that succeeded whole, and runs every item of a failed one whose code changed', async () => {
    const first: number[] = [];
    const clean = await pipeline(new Set(), first).run();
    expect(clean.ok).toBe(true);

    const again: number[] = [];
    const resumed = await pipeline(new Set(), again).run({ resumeFrom: clean });
    expect(again).toEqual([]);
    expect(resumed.entries.get('parse')).toMatchObject({
      status: 'success',
      result: [11, 21, 31, 41, 51],
      attempts: 0,
    });
    expect(resumed.entries.get('parse')?.reused?.source).toBe('resume');
    expect(resumed.entries.get('total')?.reused?.source).toBe('resume');

    // A failed run whose mapped task then changes: every item runs again.
    const failed = await pipeline(new Set([20]), []).run();
    const changed: number[] = [];
    const rerun = await new Process([
      new Task('split', () => [10, 20, 30, 40, 50]),
      new Task(
        'parse',
        (n: number) => {
          changed.push(n);
          return n + 2;
        },
        { map: 'split', dependencies: ['split'] },
      ),
    ]).run({ resumeFrom: failed });
    expect(changed.sort()).toEqual([10, 20, 30, 40, 50]);
    expect(rerun.entries.get('parse')?.ranBecause).toBe('failed-before');
    expect(rerun.entries.get('parse')?.result).toEqual([12, 22, 32, 42, 52]);
  });
});
