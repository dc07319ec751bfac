import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircularDependencyError, Process, SelfDependencyError, Task, TaskStillRequiredError } from '../dist/index.js';
import { thrownBy } from './helpers/expect-error.js';

/** A DAG as dependency lists: node `i` depends only on nodes `< i`, so it is acyclic by construction. */
interface Dag {
  readonly deps: readonly (readonly number[])[];
  /** The order the tasks are handed to the Process (a permutation of the nodes). */
  readonly inputOrder: readonly number[];
}

const MAX_NODES = 60;

const dagArb: fc.Arbitrary<Dag> = fc
  .array(fc.uniqueArray(fc.nat(), { maxLength: 4 }), { maxLength: MAX_NODES, size: 'max' })
  .map((raw) => raw.map((picks, i) => (i === 0 ? [] : [...new Set(picks.map((p) => p % i))])))
  .chain((deps) =>
    fc
      .shuffledSubarray(
        deps.map((_, i) => i),
        { minLength: deps.length, maxLength: deps.length },
      )
      .map((inputOrder) => ({ deps, inputOrder })),
  );

const fn = () => null;
const nameOf = (i: number) => `t${i}`;

/** Builds the tasks in input order; some dependencies are written in upper case, as names are case-insensitive. */
function tasksOf(dag: Dag): Task[] {
  return dag.inputOrder.map(
    (i) =>
      new Task(nameOf(i), fn, {
        dependencies: (dag.deps[i] ?? []).map((d, k) => (k % 2 === 0 ? nameOf(d) : nameOf(d).toUpperCase())),
      }),
  );
}

const namesOf = (tasks: readonly Task[]) => tasks.map((t) => t.name);
const depNames = (task: Task) => task.dependencies.map((d) => d.taskName);

/** The seed's Kahn: queue the tasks without dependencies in list order, FIFO, dependants in list order. */
function referenceKahn(tasks: readonly Task[]): string[] {
  const inDegree = new Map(tasks.map((t) => [t.name, t.dependencies.length]));
  const queue = tasks.filter((t) => t.dependencies.length === 0).map((t) => t.name);
  for (let head = 0; head < queue.length; head++) {
    const done = queue[head];
    for (const t of tasks) {
      if (!depNames(t).includes(done as string)) continue;
      const left = (inDegree.get(t.name) ?? 0) - 1;
      inDegree.set(t.name, left);
      if (left === 0) queue.push(t.name);
    }
  }
  return queue;
}

/** Breadth-first transitive dependants; direct dependants of a task are taken in `tasks` order. */
function referenceDependants(tasks: readonly Task[], name: string): string[] {
  const seen = new Set([name]);
  const out: string[] = [];
  const queue = [name];
  for (let head = 0; head < queue.length; head++) {
    for (const t of tasks) {
      if (depNames(t).includes(queue[head] as string) && !seen.has(t.name)) {
        seen.add(t.name);
        out.push(t.name);
        queue.push(t.name);
      }
    }
  }
  return out;
}

function expectSameTasks(p: Process, before: readonly Task[]): void {
  expect(p.tasks).toHaveLength(before.length);
  p.tasks.forEach((t, i) => {
    expect(t).toBe(before[i]);
  });
}

describe('graph properties over random DAGs', () => {
  it('orders every dependency before its dependant, exactly as the seed’s Kahn', () => {
    fc.assert(
      fc.property(dagArb, (dag) => {
        const input = tasksOf(dag);
        const p = new Process(input);
        const position = new Map(p.tasks.map((t, i) => [t.name, i]));
        expect(new Set(p.tasks)).toEqual(new Set(input));
        for (const t of p.tasks) {
          for (const d of depNames(t)) expect(position.get(d)).toBeLessThan(position.get(t.name) as number);
        }
        expect(namesOf(p.tasks)).toEqual(referenceKahn(input));
      }),
    );
  });

  it('getDependantTasks is the breadth-first transitive closure of dependants', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), (dag, pick) => {
        fc.pre(dag.deps.length > 0);
        const p = new Process(tasksOf(dag));
        const name = nameOf(pick % dag.deps.length);
        const dependants = namesOf(p.getDependantTasks(name.toUpperCase()));
        expect(dependants).toEqual(referenceDependants(p.tasks, name));
        expect(new Set(dependants).size).toBe(dependants.length);
      }),
    );
  });

  it('a back edge raises CircularDependencyError with a real cycle, and changes nothing', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), fc.nat(), (dag, pickUpstream, pickDownstream) => {
        const p = new Process(tasksOf(dag));
        const withDependants = p.tasks.filter((t) => p.getDependantTasks(t.name).length > 0);
        fc.pre(withDependants.length > 0);
        const upstream = withDependants[pickUpstream % withDependants.length] as Task;
        const downstreamCandidates = p.getDependantTasks(upstream.name);
        const downstream = downstreamCandidates[pickDownstream % downstreamCandidates.length] as Task;
        const before = [...p.tasks];
        const upstreamDependencies = upstream.dependencies;

        // `downstream` depends on `upstream` (transitively); making `upstream` depend on it closes a cycle.
        const error = thrownBy(() => p.addTaskDependency(upstream.name, downstream.name));
        expect(error).toBeInstanceOf(CircularDependencyError);
        expect(error).not.toBeInstanceOf(SelfDependencyError);
        const { cycle, code } = error as CircularDependencyError;
        expect(code).toBe('PROC_CIRCULAR_DEPENDENCY');

        const dependsOn = (from: string, to: string) =>
          (from === upstream.name && to === downstream.name) || depNames(p.getTask(from)).includes(to);
        expect(cycle.length).toBeGreaterThanOrEqual(3);
        expect(cycle[0]).toBe(cycle.at(-1));
        expect(new Set(cycle.slice(1)).size).toBe(cycle.length - 1);
        for (let i = 0; i + 1 < cycle.length; i++) {
          expect(dependsOn(cycle[i] as string, cycle[i + 1] as string), `${cycle[i]} -> ${cycle[i + 1]}`).toBe(true);
        }
        // The graph was acyclic, so every cycle goes through the new edge.
        const edgeAt = cycle.indexOf(upstream.name);
        expect(edgeAt).toBeGreaterThanOrEqual(0);
        expect(cycle[edgeAt + 1]).toBe(downstream.name);
        // Deterministic start: the cycle's task that comes first in the process's order.
        const position = new Map(before.map((t, i) => [t.name, i]));
        const positions = cycle.slice(1).map((n) => position.get(n) as number);
        expect(position.get(cycle[0] as string)).toBe(Math.min(...positions));

        expectSameTasks(p, before);
        expect(p.getTask(upstream.name).dependencies).toBe(upstreamDependencies);
      }),
    );
  });

  it('removeTask removes a task nothing depends on, and otherwise names its sorted dependants and changes nothing', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), (dag, pick) => {
        fc.pre(dag.deps.length > 0);
        const p = new Process(tasksOf(dag));
        const before = [...p.tasks];
        const name = nameOf(pick % dag.deps.length);
        const dependants = referenceDependants(before, name);
        if (dependants.length === 0) {
          p.removeTask(name);
          expect(namesOf(p.tasks)).toEqual(referenceKahn(before.filter((t) => t.name !== name)));
          return;
        }
        const error = thrownBy(() => p.removeTask(name));
        expect(error).toBeInstanceOf(TaskStillRequiredError);
        expect((error as TaskStillRequiredError).dependants).toEqual([...dependants].sort());
        expectSameTasks(p, before);
      }),
    );
  });

  it('addTask appends and re-sorts as the seed', () => {
    fc.assert(
      fc.property(dagArb, fc.uniqueArray(fc.nat(), { maxLength: 4 }), (dag, picks) => {
        const p = new Process(tasksOf(dag));
        const before = [...p.tasks];
        const size = dag.deps.length;
        const dependencies = size === 0 ? [] : [...new Set(picks.map((i) => nameOf(i % size)))];
        const added = new Task('added', fn, { dependencies });
        p.addTask(added);
        expect(namesOf(p.tasks)).toEqual(referenceKahn([...before, added]));
      }),
    );
  });
});
