import { z } from 'zod';
import type { Task } from '../definition/task.js';
import { TaskGraph } from '../graph/graph.js';
import { described, type Parsed, type ShapeOf } from '../options/field.js';
import { parseOptions } from '../options/parse.js';
import { type RunCacheOptions, resumeFromSchema, runCacheSchema } from '../options/run-options.js';
import type { ExecutionReport, RunReason } from '../report/types.js';
import { argumentsOf } from '../run/arguments.js';
import { argumentOriginsOf, taskSpecOf } from '../run/task-spec.js';
import { cacheKeyOf } from './cache/cache-key.js';
import { runCacheOf } from './cache/from-options.js';
import { RunCache } from './cache/run-cache.js';
import type { CacheStore } from './cache/store.js';
import { codeFingerprints, FileHashes, taskFingerprint } from './fingerprint.js';
import { loadResumeReport, planResume } from './resume.js';

/** What a run with the same options would do with one task. */
export type TaskPlan =
  | {
      readonly task: string;
      readonly action: 'reuse';
      readonly source: 'resume' | 'cache';
      readonly fromRun: string | null;
    }
  | {
      readonly task: string;
      readonly action: 'run';
      readonly reason: RunReason | 'not-cached';
      /** A mapped task: how many of its items a resume reuses (only the rest run). */
      readonly reusedItems?: number;
    }
  /** Its inputs include results of tasks that run first, so its cache key is known only then. */
  | { readonly task: string; readonly action: 'unknown'; readonly reason: 'upstream-runs' };

/** What {@link explainRun} looks at: the `resumeFrom` and `cache` a run would be given. */
export interface ExplainOptions {
  resumeFrom?: ExecutionReport | string | URL;
  cache?: RunCacheOptions;
  /** Where `cacheEnv` variables are read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * For each task of `process`, in topological order, what
 * `process.run(options)` would do with it: reuse (from the report, or the
 * cache) or run, and why. Nothing runs and nothing is written; a cached
 * task whose inputs come from a task that would run is `unknown`.
 */
export async function explainRun(
  process: { readonly tasks: readonly Task[] },
  options: ExplainOptions = {},
): Promise<TaskPlan[]> {
  const o = parseOptions({ where: 'explainRun()' }, explainOptionsSchema, options);
  return explainTasks({
    tasks: process.tasks,
    resumeFrom: o.resumeFrom === undefined ? undefined : await loadResumeReport(o.resumeFrom),
    cache: o.cache && runCacheOf(o.cache),
    env: o.env ?? globalThis.process.env,
  });
}

const explainOptionsSchema: z.ZodType<Parsed<ExplainOptions>> = z.strictObject({
  resumeFrom: resumeFromSchema.optional(),
  cache: runCacheSchema.optional(),
  env: described(
    z.custom<NodeJS.ProcessEnv>((value) => typeof value === 'object' && value !== null && !Array.isArray(value)),
    'an object of environment variables',
  ).optional(),
} satisfies ShapeOf<ExplainOptions>);

interface ExplainSetup {
  readonly tasks: readonly Task[];
  readonly resumeFrom: ExecutionReport | undefined;
  readonly cache: { readonly store: CacheStore; readonly maxAgeMs: number | null } | undefined;
  readonly env: NodeJS.ProcessEnv;
}

async function explainTasks(options: ExplainSetup): Promise<TaskPlan[]> {
  const graph = new TaskGraph(options.tasks);
  const files = new FileHashes();
  const specs = graph.order.map(taskSpecOf);
  const codes = await codeFingerprints(specs, files);
  const fingerprints = graph.order.map((task, i) => taskFingerprint(task, codes[i] ?? null).fingerprint);
  const resume = options.resumeFrom && planResume(graph.order, graph.dependencies, fingerprints, options.resumeFrom);
  const cache = options.cache && new RunCache(options.cache.store, options.cache.maxAgeMs, 'explain');
  // What each task's result would be, when it is known without running anything.
  const known: ({ value: unknown } | undefined)[] = [];
  const plans: TaskPlan[] = [];
  for (const [i, task] of graph.order.entries()) {
    const decision = resume?.[i];
    if (decision?.reuse) {
      known[i] = { value: decision.result };
      plans.push({ task: task.name, action: 'reuse', source: 'resume', fromRun: decision.fromRun });
      continue;
    }
    const reason: RunReason | 'not-cached' = decision?.reuse === false ? decision.reason : 'not-cached';
    const code = codes[i];
    if (!cache || !task.cache || code === null || code === undefined) {
      const items = decision?.reuse === false ? decision.items?.size : undefined;
      plans.push({ task: task.name, action: 'run', reason, ...(items ? { reusedItems: items } : {}) });
      continue;
    }
    const deps = graph.dependencies[i] ?? [];
    if (deps.some((d) => known[d] === undefined)) {
      plans.push({ task: task.name, action: 'unknown', reason: 'upstream-runs' });
      continue;
    }
    const results = deps.map((d) => (known[d] as { value: unknown }).value);
    const key = cacheKeyOf(task, code, argumentsOf(task, results), argumentOriginsOf(task), options.env);
    const found = await cache.lookup(key, task.name, true);
    if (found.hit) {
      known[i] = { value: found.result };
      plans.push({ task: task.name, action: 'reuse', source: 'cache', fromRun: found.fromRun });
    } else {
      plans.push({
        task: task.name,
        action: 'run',
        reason: decision?.reuse === false ? decision.reason : found.reason,
      });
    }
  }
  return plans;
}
