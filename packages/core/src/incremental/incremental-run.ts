import type { Task } from '../definition/task.js';
import { UnhashableInputError } from '../errors/errors.js';
import { serializeError } from '../errors/serialize-error.js';
import type { TaskSpec } from '../executors/types.js';
import type { TaskGraph } from '../graph/graph.js';
import { TaskStatus } from '../report/status.js';
import type { ExecutionReport, RunReason, TaskFingerprint, TaskReportEntry } from '../report/types.js';
import { annotateEntry, buildEntry, errorData } from '../run/report-entry.js';
import { argumentOriginsOf } from '../run/task-spec.js';
import { cacheKeyOf } from './cache/cache-key.js';
import { RunCache } from './cache/run-cache.js';
import type { CacheStore } from './cache/store.js';
import { hashValue } from './canonical-hash.js';
import type { CheckpointWriter } from './checkpoint.js';
import { codeFingerprints, FileHashes, taskFingerprint } from './fingerprint.js';
import type { IncrementalHooks, MappedReuse } from './hooks.js';
import { planResume, type ResumeDecision } from './resume.js';

/** What a run was asked to reuse and record. */
export interface IncrementalSetup {
  readonly runId: string;
  readonly graph: TaskGraph<Task>;
  readonly specs: readonly TaskSpec[];
  readonly resumeFrom?: ExecutionReport | undefined;
  readonly cache?: { readonly store: CacheStore; readonly maxAgeMs: number | null } | undefined;
  readonly checkpoint?: CheckpointWriter | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Fingerprints every task, decides what a resume reuses, and looks cached
 * tasks up in the cache as they become ready. Built before anything runs,
 * so its errors (an unhashable input of a cached task, a result a report
 * cannot restore) reject `run()` before the first task starts.
 */
export class IncrementalRun implements IncrementalHooks {
  readonly #setup: IncrementalSetup;
  readonly #fingerprints: readonly TaskFingerprint[];
  readonly #codes: readonly (string | null)[];
  readonly #resume: readonly ResumeDecision[] | undefined;
  readonly #cache: RunCache | undefined;
  /** Why each task ran (set when known), and its cache key. */
  readonly #reasons: (RunReason | undefined)[];
  readonly #keys: (string | undefined)[];
  /** Canonical hashes of results, by task index, once known: each result is hashed at most once per run. */
  readonly #resultHashes: (string | null | undefined)[] = [];
  /** Cache writes in flight: dependants need not wait for them, the run does (see {@link flush}). */
  readonly #saves = new Set<Promise<void>>();
  /** By task index: a cached dependant receives its result, so its hash goes into a key (and its cache record). */
  readonly #resultKeyed: readonly boolean[];

  private constructor(
    setup: IncrementalSetup,
    codes: readonly (string | null)[],
    fingerprints: readonly TaskFingerprint[],
    resume: readonly ResumeDecision[] | undefined,
  ) {
    this.#setup = setup;
    this.#codes = codes;
    this.#fingerprints = fingerprints;
    this.#resume = resume;
    this.#cache = setup.cache && new RunCache(setup.cache.store, setup.cache.maxAgeMs, setup.runId);
    this.#reasons = resume ? resume.map((d) => (d.reuse ? undefined : d.reason)) : [];
    this.#keys = [];
    this.#resultKeyed = resultKeyed(setup.graph);
  }

  static async prepare(setup: IncrementalSetup): Promise<IncrementalRun> {
    const files = new FileHashes();
    const codes = await codeFingerprints(setup.specs, files);
    const { graph } = setup;
    const fingerprints = graph.order.map((task, i) => {
      const { fingerprint, unhashable } = taskFingerprint(task, codes[i] ?? null);
      // A cached task's key needs every input: one that cannot be hashed is the user's to fix, before anything runs.
      if (setup.cache && task.cache && unhashable) throw unhashable;
      return fingerprint;
    });
    const resume = setup.resumeFrom && planResume(graph.order, graph.dependencies, fingerprints, setup.resumeFrom);
    return new IncrementalRun(setup, codes, fingerprints, resume);
  }

  /** What each task would do, for `processes cache explain`: reuse (from where) or run (and why). */
  get resumeDecisions(): readonly ResumeDecision[] | undefined {
    return this.#resume;
  }

  intercept(
    index: number,
    args: readonly unknown[],
    run: () => Promise<TaskReportEntry>,
  ): Promise<TaskReportEntry> | undefined {
    const decision = this.#resume?.[index];
    const { graph } = this.#setup;
    const task = graph.order[index] as Task;
    if (decision?.reuse) {
      return Promise.resolve(
        buildEntry(task, {
          status: TaskStatus.SUCCESS,
          result: decision.result,
          reused: { source: 'resume', fromRun: decision.fromRun },
        }),
      );
    }
    const code = this.#codes[index];
    if (this.#cache && task.cache && code === null && typeof task.fn === 'function') {
      // A cached task whose code cannot be seen would be reused for any other bound function: refused, as data.
      const error = new UnhashableInputError(
        task.name,
        'fn',
        'a bound or built-in function, whose code cannot be seen',
      );
      const downstream = graph.transitiveDependants(index).map((i) => (graph.order[i] as Task).name);
      return Promise.resolve(
        buildEntry(task, { status: TaskStatus.ERRORED, error: errorData(task, serializeError(error), downstream) }),
      );
    }
    if (!this.#cache || !task.cache || code === null || code === undefined) return undefined;
    let key: string;
    try {
      key = cacheKeyOf(task, code, args, argumentOriginsOf(task), this.#setup.env ?? process.env, this.#resultHash);
    } catch (thrown) {
      // A received result that cannot be hashed (or a cacheKey that threw) fails this task, as data.
      const downstream = graph.transitiveDependants(index).map((i) => (graph.order[i] as Task).name);
      return Promise.resolve(
        buildEntry(task, { status: TaskStatus.ERRORED, error: errorData(task, serializeError(thrown), downstream) }),
      );
    }
    this.#keys[index] = key;
    return this.#throughCache(index, task, key, run);
  }

  passesThrough(index: number): boolean {
    if (this.#resume?.[index]?.reuse) return false;
    const code = this.#codes[index];
    const task = this.#setup.graph.order[index] as Task;
    return !this.#cache || !task.cache || code === null || code === undefined;
  }

  mappedReuse(index: number): MappedReuse | undefined {
    const decision = this.#resume?.[index];
    if (!decision) return undefined;
    const task = this.#setup.graph.order[index] as Task;
    if (decision.reuse) {
      return {
        whole: buildEntry(task, {
          status: TaskStatus.SUCCESS,
          result: decision.result,
          reused: { source: 'resume', fromRun: decision.fromRun },
        }),
      };
    }
    return decision.items ? { items: decision.items, fromRun: decision.fromRun ?? null } : undefined;
  }

  async #throughCache(
    index: number,
    task: Task,
    key: string,
    run: () => Promise<TaskReportEntry>,
  ): Promise<TaskReportEntry> {
    const cache = this.#cache as RunCache;
    const found = await cache.lookup(key, task.name);
    if (found.hit) {
      this.#resultHashes[index] = found.resultHash;
      return buildEntry(task, {
        status: TaskStatus.SUCCESS,
        result: found.result,
        reused: { source: 'cache', fromRun: found.fromRun },
      });
    }
    this.#reasons[index] ??= found.reason;
    const entry = await run();
    if (entry.status === TaskStatus.SUCCESS) {
      // Hashed only for a key that needs it: a record without a hash has its result hashed by a
      // later run that does (a changed pipeline), as an unhashable one is.
      let hash: string | null = null;
      if (this.#resultKeyed[index]) {
        try {
          hash = hashValue(entry.result, task.name, 'result');
        } catch {
          // A dependant that is cached names this result when it cannot hash it; storing it needs no hash.
        }
        this.#resultHashes[index] = hash;
      }
      // save() reports its own failures as warnings and never rejects.
      const saving = cache.save(key, task.name, entry.result, hash);
      this.#saves.add(saving);
      const forget = () => this.#saves.delete(saving);
      saving.then(forget, forget);
    }
    return entry;
  }

  /** Waits for the cache writes still in flight: a run returns only once every result it stores is stored. */
  async flush(): Promise<void> {
    while (this.#saves.size > 0) await Promise.allSettled([...this.#saves]);
  }

  /** The hash of a received result, remembered per upstream task (results are immutable once settled). */
  readonly #resultHash = (value: unknown, taskName: string, field: string, fromTask: string): string => {
    const upstream = this.#setup.graph.indexOf(fromTask);
    const known = upstream === undefined ? undefined : this.#resultHashes[upstream];
    if (typeof known === 'string') return known;
    // Unknown, or known to be unhashable: hashing names the field in the error this dependant gets.
    const hash = hashValue(value, taskName, field);
    if (upstream !== undefined) this.#resultHashes[upstream] = hash;
    return hash;
  };

  annotate(index: number, entry: TaskReportEntry): TaskReportEntry {
    return annotateEntry(entry, {
      fingerprint: this.#fingerprints[index] as TaskFingerprint,
      ranBecause: this.#reasons[index],
      cacheKey: this.#keys[index],
    });
  }

  settled(snapshot: () => ExecutionReport): void {
    this.#setup.checkpoint?.update(snapshot);
  }
}

/** For each task, whether a cached task receives its result (as args or a kwarg), so the result is part of that key. */
function resultKeyed(graph: TaskGraph<Task>): boolean[] {
  return graph.order.map((task, i) =>
    (graph.dependants[i] ?? []).some((d) => {
      const dependant = graph.order[d] as Task;
      return (
        dependant.cache &&
        dependant.dependencies.some(
          (dep) => dep.taskName === task.name && (dep.useResultAsAdditionalArgs || dep.useResultAsAdditionalKwargs),
        )
      );
    }),
  );
}
