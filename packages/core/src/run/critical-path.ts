import type { Task } from '../definition/task.js';
import type { TaskGraph } from '../graph/graph.js';
import type { DurationsSource } from '../options/run-options.js';

/**
 * The order in which ready tasks start: a position per task (by topological
 * index), lowest first. Higher `priority` first; then, when tasks may run
 * side by side, the longest remaining path to the end of the graph (the
 * task's own weight plus the heaviest chain of dependants), so a long chain
 * is not left to start last; then topological order. Run one at a time,
 * the order is topological among equal priorities, as the Python library's
 * sequential mode runs (the makespan is the sum either way).
 */
export function startPositions(
  graph: TaskGraph<Task>,
  options: { readonly parallel: boolean; readonly durations: DurationsSource | undefined },
): Int32Array {
  // Without durations the order depends on the graph alone, and a graph never changes: worked out once
  // per graph and mode, not once per run (the sort was a few per cent of a run of no-op tasks).
  if (options.durations !== undefined) return computeStartPositions(graph, options);
  let known = withoutDurations.get(graph);
  if (!known) {
    known = {};
    withoutDurations.set(graph, known);
  }
  const mode = options.parallel ? 'parallel' : 'sequential';
  known[mode] ??= computeStartPositions(graph, options);
  return known[mode];
}

/** Start positions of each graph without durations, by mode. The scheduler only reads them. */
const withoutDurations = new WeakMap<TaskGraph<Task>, { parallel?: Int32Array; sequential?: Int32Array }>();

function computeStartPositions(
  graph: TaskGraph<Task>,
  options: { readonly parallel: boolean; readonly durations: DurationsSource | undefined },
): Int32Array {
  const n = graph.order.length;
  const remaining = options.parallel ? remainingPathWeights(graph, weightsOf(graph.order, options.durations)) : null;
  const indices = Array.from({ length: n }, (_, i) => i);
  indices.sort((a, b) => {
    const byPriority = (graph.order[b] as Task).priority - (graph.order[a] as Task).priority;
    if (byPriority !== 0) return byPriority;
    if (remaining) {
      const byPath = (remaining[b] as number) - (remaining[a] as number);
      if (byPath !== 0) return byPath;
    }
    return a - b;
  });
  const positions = new Int32Array(n);
  indices.forEach((index, position) => {
    positions[index] = position;
  });
  return positions;
}

/**
 * Each task's own weight plus the heaviest path of dependants after it,
 * computed in reverse topological order (every dependant comes later in it,
 * so its value is final when read).
 */
export function remainingPathWeights(graph: TaskGraph<Task>, weights: Float64Array): Float64Array {
  const n = graph.order.length;
  const remaining = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let longest = 0;
    for (const dependant of graph.dependants[i] ?? []) longest = Math.max(longest, remaining[dependant] as number);
    remaining[i] = (weights[i] as number) + longest;
  }
  return remaining;
}

/** Durations by task (ms) when known, the median of the known ones for the rest; 1 each without any. */
function weightsOf(order: readonly Task[], source: DurationsSource | undefined): Float64Array {
  const weights = new Float64Array(order.length).fill(1);
  if (!source) return weights;
  const known = durationsByName(source);
  const listed = order.map((task) => known.get(task.name));
  const values = listed.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  if (values.length === 0) return weights;
  const median = values[values.length >> 1] as number;
  listed.forEach((ms, i) => {
    weights[i] = ms ?? median;
  });
  return weights;
}

function durationsByName(source: DurationsSource): Map<string, number> {
  const found = new Map<string, number>();
  if ('entries' in source && source.entries instanceof Map) {
    for (const [name, entry] of source.entries as ReadonlyMap<string, { readonly elapsedMs: number }>) {
      if (Number.isFinite(entry.elapsedMs)) found.set(name.toLowerCase(), entry.elapsedMs);
    }
  } else {
    for (const [name, ms] of Object.entries(source as Readonly<Record<string, number>>)) {
      found.set(name.toLowerCase(), ms);
    }
  }
  return found;
}
