import { Process, Task } from 'processes-js';
import { type BenchOptions, type BenchResult, round, timed } from './measure.js';

/** A deterministic pseudo-random generator (mulberry32), so every run builds the same graph. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Building and ordering a large random DAG (about 3 dependencies per task, shuffled input). */
export async function graph({ quick }: BenchOptions): Promise<BenchResult> {
  const count = quick ? 10_000 : 100_000;
  const next = random(42);
  const body = () => 0;
  const build = await timed(() =>
    Array.from({ length: count }, (_, i) => {
      const dependencies = new Set<string>();
      while (i > 0 && dependencies.size < Math.min(3, i)) dependencies.add(`t${Math.floor(next() * i)}`);
      return new Task(`t${i}`, body, { dependencies: [...dependencies] });
    }),
  );
  const tasks = build.value;
  for (let i = tasks.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [tasks[i], tasks[j]] = [tasks[j] as Task, tasks[i] as Task];
  }
  const order = await timed(() => new Process(tasks));
  const position = new Map(order.value.tasks.map((task, i) => [task.name, i]));
  const ordered = order.value.tasks.every((task, i) =>
    task.dependencies.every((d) => (position.get(d.taskName) ?? Number.POSITIVE_INFINITY) < i),
  );
  return {
    scope: 'graph',
    title: `${count} tasks, ~3 dependencies each: validate and order (new Process)`,
    value: round(order.ms, 1),
    unit: 'ms',
    figure: `new Process ${round(order.ms, 1)} ms`,
    baseline: `building the tasks ${round(build.ms, 1)} ms`,
    target: 'report',
    meetsTarget: true,
    checks: { topologicalOrder: ordered },
    details: { constructTasksMs: round(build.ms, 1), perTaskMicroseconds: round((order.ms / count) * 1000, 2) },
  };
}
