import { CircularDependencyError, DependencyNotFoundError, DuplicateTaskError } from '../errors/errors.js';

/** What the graph needs to know of a task. */
export interface GraphNode {
  readonly name: string;
  readonly dependencies: ReadonlyArray<{ readonly taskName: string }>;
}

/**
 * A validated dependency graph: no duplicate names, no missing dependencies,
 * no cycles. Pure: no I/O, no knowledge of how tasks run. Nodes are
 * addressed by their index in `order` (topological order) for speed.
 */
export class TaskGraph<T extends GraphNode = GraphNode> {
  /**
   * The nodes in topological order. Frozen: `Process.tasks` hands out this
   * array, and the index-based `dependencies`/`dependants` depend on it.
   */
  readonly order: readonly T[];
  /** `dependencies[i]`: indices (into `order`) of what node `i` depends on, in its dependency-list order. */
  readonly dependencies: readonly (readonly number[])[];
  /** `dependants[i]`: indices of the nodes that depend directly on node `i`, in topological order. */
  readonly dependants: readonly (readonly number[])[];
  readonly #indexByName: ReadonlyMap<string, number>;

  /**
   * Validates `nodes` (in the caller's order) and sorts them with Kahn's
   * algorithm, exactly as the seed: the queue starts with the nodes that
   * have no dependencies, in input order, and is popped first-in first-out;
   * a node's dependants are visited in input order.
   */
  constructor(nodes: readonly T[]) {
    const inputIndex = new Map<string, number>();
    nodes.forEach((node, i) => {
      if (inputIndex.has(node.name)) throw new DuplicateTaskError(node.name);
      inputIndex.set(node.name, i);
    });
    const inDegree = new Int32Array(nodes.length);
    const inputDependants: number[][] = nodes.map(() => []);
    // Each name is looked up once: on big graphs the string-keyed lookups dominate.
    const inputDependencies = nodes.map((node, i) =>
      node.dependencies.map((dependency) => {
        const target = inputIndex.get(dependency.taskName);
        if (target === undefined) throw new DependencyNotFoundError(node.name, dependency.taskName);
        inputDependants[target]?.push(i);
        inDegree[i] = (inDegree[i] ?? 0) + 1;
        return target;
      }),
    );

    const sorted: number[] = [];
    for (let i = 0; i < nodes.length; i++) if (inDegree[i] === 0) sorted.push(i);
    // `sorted` doubles as the FIFO queue: everything after `head` is still queued.
    for (let head = 0; head < sorted.length; head++) {
      for (const dependant of inputDependants[sorted[head] as number] ?? []) {
        inDegree[dependant] = (inDegree[dependant] ?? 0) - 1;
        if (inDegree[dependant] === 0) sorted.push(dependant);
      }
    }
    if (sorted.length < nodes.length) {
      throw new CircularDependencyError(findCycle(nodes, inputIndex, inDegree));
    }

    const position = new Int32Array(nodes.length);
    sorted.forEach((inputPosition, topoPosition) => {
      position[inputPosition] = topoPosition;
    });
    this.order = Object.freeze(sorted.map((i) => nodes[i] as T));
    this.dependencies = sorted.map((i) => (inputDependencies[i] ?? []).map((target) => position[target] as number));
    const dependants: number[][] = this.order.map(() => []);
    this.dependencies.forEach((deps, i) => {
      for (const d of deps) dependants[d]?.push(i);
    });
    this.dependants = dependants;
    // Topological positions, from the input positions already keyed by name.
    for (const [name, inputPosition] of inputIndex) inputIndex.set(name, position[inputPosition] as number);
    this.#indexByName = inputIndex;
  }

  /** Position of `name` in `order`, or undefined. */
  indexOf(name: string): number | undefined {
    return this.#indexByName.get(name);
  }

  /**
   * Indices of every node that depends on node `index`, directly or not,
   * breadth-first: direct dependants first, each once.
   */
  transitiveDependants(index: number): number[] {
    const seen = new Set<number>([index]);
    const out: number[] = [];
    for (let head = -1; head < out.length; head++) {
      const from = head < 0 ? index : (out[head] as number);
      for (const next of this.dependants[from] ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          out.push(next);
        }
      }
    }
    return out;
  }
}

/**
 * After Kahn's algorithm stops, every node left with in-degree > 0 has at
 * least one unsorted dependency, so following those from any of them must
 * revisit a node: that loop is a cycle. The result starts at its earliest
 * node in input order and ends with it again.
 */
function findCycle(
  nodes: readonly GraphNode[],
  inputIndex: ReadonlyMap<string, number>,
  inDegree: Int32Array,
): string[] {
  const start = inDegree.findIndex((d) => d > 0);
  const path: number[] = [];
  const onPath = new Map<number, number>();
  let current = start;
  while (!onPath.has(current)) {
    onPath.set(current, path.length);
    path.push(current);
    const next = (nodes[current] as GraphNode).dependencies
      .map((d) => inputIndex.get(d.taskName) as number)
      .find((i) => (inDegree[i] ?? 0) > 0);
    current = next as number;
  }
  const cycle = path.slice(onPath.get(current));
  const first = cycle.indexOf(cycle.reduce((a, b) => Math.min(a, b)));
  const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
  return [...rotated, rotated[0] as number].map((i) => (nodes[i] as GraphNode).name);
}
