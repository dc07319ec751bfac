import { Task } from 'processes-js';
import { type BenchOptions, type BenchResult, median, round, timed } from './measure.js';

/**
 * Building tasks: `new Task(name, fn, { dependencies, retries })` against
 * building the same data as plain objects with no checking at all (the
 * floor any checking sits on), the same names and dependency lists on both
 * sides, interleaved.
 */
export async function construct({ quick }: BenchOptions): Promise<BenchResult> {
  const count = quick ? 10_000 : 100_000;
  const rounds = quick ? 3 : 5;
  const body = () => 0;
  const names = Array.from({ length: count }, (_, i) => `t${i}`);
  const dependencies = names.map((_, i) =>
    i === 0 ? [] : [`t${i - 1}`, `t${i >> 1}`].filter((d, j, all) => all.indexOf(d) === j),
  );
  let kept: unknown[] = [];
  const buildTasks = () => {
    kept = names.map((name, i) => new Task(name, body, { dependencies: dependencies[i] as string[], retries: 1 }));
  };
  // The same data a Task holds (every field, in the Task's order: names
  // lower-cased, one object per dependency, defaults filled in, frozen as a
  // Task is), built without any checking.
  const none = Object.freeze([]);
  const noKwargs = Object.freeze({});
  const buildPlain = () => {
    kept = names.map((name, i) =>
      Object.freeze({
        name: name.toLowerCase(),
        fn: body,
        functionName: body.name || '<anonymous>',
        logPath: null,
        args: none,
        kwargs: noKwargs,
        dependencies: Object.freeze(
          (dependencies[i] as string[]).map((taskName) =>
            Object.freeze({
              taskName: taskName.toLowerCase(),
              useResultAsAdditionalArgs: false,
              useResultAsAdditionalKwargs: false,
              additionalKwargName: '',
            }),
          ),
        ),
        tracedVarsFrameFilter: null,
        captureTracedVars: false,
        timeoutMs: null,
        retries: 1,
        retryOn: undefined,
        retryDelayMs: 0,
        transferResult: false,
        cache: false,
        cacheKey: undefined,
        cacheEnv: none,
        passesKwargs: false,
        map: null,
        maxParallel: Number.POSITIVE_INFINITY,
        mapBatchSize: 1,
        allowPartial: false,
        runIf: 'allSuccess',
        pool: null,
        poolSlots: 1,
        priority: 0,
        retryOnOomHeapMb: none,
      }),
    );
  };
  buildPlain();
  buildTasks();
  const plain: number[] = [];
  const tasks: number[] = [];
  for (let i = 0; i < rounds; i++) {
    plain.push((await timed(buildPlain)).ms);
    tasks.push((await timed(buildTasks)).ms);
  }
  buildTasks();
  const built = kept.length === count && kept.every((task) => task instanceof Task);
  // The baseline holds every field a Task holds, so the ratio is the cost of the checking alone.
  const taskFields = Object.keys(kept[1] as Task).join();
  buildPlain();
  const sameFields = Object.keys(kept[1] as object).join() === taskFields;
  const plainMs = median(plain);
  const taskMs = median(tasks);
  const ratio = taskMs / plainMs;
  return {
    scope: 'construct',
    title: `${count} new Task(name, fn, { dependencies, retries }) vs the same data as plain unchecked objects, time ratio, median of ${rounds}`,
    value: round(ratio),
    unit: 'x',
    figure: `Task ${round(taskMs, 1)} ms (${round((taskMs / count) * 1000, 2)} µs each)`,
    baseline: `plain objects ${round(plainMs, 1)} ms`,
    target: '<= 2',
    meetsTarget: ratio <= 2,
    checks: { built, sameFields },
    details: { taskMs: round(taskMs, 1), plainMs: round(plainMs, 1) },
  };
}
