import type { Process, ProcessExecutionReport } from 'processes-core';
import { formatDuration } from '../format.js';

/** A task as the graph draws it. */
export interface GraphNode {
  readonly name: string;
  /** Runs on a worker thread (a `workerTask` reference). */
  readonly worker: boolean;
  /** From the report, when one was given: the task's status, or `unknown` when the report has no such task. */
  readonly status: string | undefined;
  readonly elapsedMs: number | undefined;
  readonly attempts: number | undefined;
}

/** "`to` depends on `from`". */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** How the result is passed: `args`, the kwarg's name, or both; undefined when only the order matters. */
  readonly label: string | undefined;
}

export interface GraphModel {
  readonly title: string;
  /** Topological order. */
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Whether statuses were drawn in from a report. */
  readonly withStatus: boolean;
}

/** The colours of each status, shared by both formats: [fill, border, text]. */
export const STATUS_COLOURS: Readonly<Record<string, readonly [string, string, string]>> = {
  success: ['#dcfce7', '#16a34a', '#14532d'],
  errored: ['#fee2e2', '#dc2626', '#7f1d1d'],
  skipped: ['#fef9c3', '#ca8a04', '#713f12'],
  cancelled: ['#ffedd5', '#ea580c', '#7c2d12'],
  pending: ['#f1f5f9', '#94a3b8', '#334155'],
  unknown: ['#ffffff', '#94a3b8', '#64748b'],
};

/** The graph of a process, with each task's status from `report` when given (matched by name). */
export function buildGraphModel(process: Process, report?: ProcessExecutionReport): GraphModel {
  const nodes = process.tasks.map((task): GraphNode => {
    const entry = report?.entries.get(task.name);
    return {
      name: task.name,
      worker: typeof task.fn === 'object' && task.fn !== null,
      status: report ? (entry?.status ?? 'unknown') : undefined,
      elapsedMs: entry?.elapsedMs,
      attempts: entry?.attempts,
    };
  });
  const edges = process.tasks.flatMap((task) =>
    task.dependencies.map((dependency): GraphEdge => {
      const passes: string[] = [];
      if (dependency.useResultAsAdditionalArgs) passes.push('args');
      if (dependency.useResultAsAdditionalKwargs) passes.push(dependency.additionalKwargName);
      return { from: dependency.taskName, to: task.name, label: passes.length ? passes.join(', ') : undefined };
    }),
  );
  return { title: process.name || report?.processName || '', nodes, edges, withStatus: report !== undefined };
}

/** `success · 52 ms · 2 attempts`: a node's status line, or undefined without a report. */
export function statusText(node: GraphNode): string | undefined {
  if (node.status === undefined) return undefined;
  const ran = node.attempts !== undefined && node.attempts > 0 && node.elapsedMs !== undefined;
  const retried = node.attempts !== undefined && node.attempts > 1 ? ` · ${node.attempts} attempts` : '';
  return `${node.status}${ran ? ` · ${formatDuration(node.elapsedMs as number)}` : ''}${retried}`;
}
