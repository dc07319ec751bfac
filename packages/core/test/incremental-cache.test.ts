// run({ cache }): a cached task's result is reused on a later run when its
// key (code, args, kwargs, received results, cacheKey, cacheEnv) matches,
// and missed after each kind of change; corrupt entries are misses with a
// warning, concurrent runs sharing a directory stay correct, entries expire.
import { appendFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  explainRun,
  FileCacheStore,
  Process,
  type ProcessExecutionReport,
  Task,
  TaskDependency,
  type TaskOptions,
  TaskStatus,
  UnhashableInputError,
  workerTask,
} from '../dist/index.js';
import { copyTaskModule, resetSideEffects, tasksThatRan } from './helpers/incremental.js';
import { captureWarnings } from './helpers/warnings.js';

let dir: string;
let cacheDir: string;
let sideEffects: string;
let input: string;
let moduleUrl: URL;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'processes-cache-'));
  cacheDir = join(dir, 'cache');
  sideEffects = join(dir, 'ran.log');
  input = join(dir, 'input.txt');
  moduleUrl = pathToFileURL(join(dir, 'tasks.js'));
  await copyTaskModule(moduleUrl);
  await writeFile(input, '1\n2\n3\n');
});
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const asArgs = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });

interface Shape {
  factor?: number;
  sideArg?: string;
  transform?: Partial<TaskOptions>;
}

/**
 * extract (not cached: it reads a file) -> transform (cached) -> load
 * (cached), and side (cached, independent).
 */
function etl(shape: Shape = {}): Process {
  const at = (name: string) => workerTask(moduleUrl, name);
  return new Process([
    new Task('extract', at('extract'), { args: [sideEffects, input] }),
    new Task('transform', at('transform'), {
      args: [sideEffects],
      kwargs: { factor: shape.factor ?? 10 },
      dependencies: [asArgs('extract')],
      cache: true,
      ...shape.transform,
    }),
    new Task('load', at('load'), { args: [sideEffects], dependencies: [asArgs('transform')], cache: true }),
    new Task('side', at('echo'), { args: [sideEffects, shape.sideArg ?? 'independent'], cache: true }),
  ]);
}

async function runCounting(process: Process, options: Parameters<Process['run']>[0] = { cache: { dir: cacheDir } }) {
  await resetSideEffects(sideEffects);
  const report = await process.run(options);
  return { report, ran: (await tasksThatRan(sideEffects)).sort() };
}

function sources(report: ProcessExecutionReport): Record<string, string | undefined> {
  return Object.fromEntries([...report.entries].map(([name, e]) => [name, e.reused?.source ?? e.ranBecause]));
}

describe('the result cache', () => {
  it('reuses every cached task on a second run, with the run that computed it', async () => {
    const first = await runCounting(etl());
    expect(first.ran).toEqual(['extract', 'load', 'side', 'transform']);
    expect(sources(first.report)).toEqual({
      extract: undefined,
      transform: 'cache-miss',
      load: 'cache-miss',
      side: 'cache-miss',
    });
    const second = await runCounting(etl());
    expect(second.ran).toEqual(['extract']);
    expect(second.report.entries.get('load')?.reused).toEqual({ source: 'cache', fromRun: first.report.runId });
    expect(second.report.entries.get('load')?.result).toEqual(first.report.entries.get('load')?.result);
    expect(second.report.entries.get('load')?.cacheKey).toBe(first.report.entries.get('load')?.cacheKey);
    expect(second.report.ok).toBe(true);
  });

  it('misses after a change of the code, args, kwargs, an upstream output, cacheKey or cacheEnv, exactly where it matters', async () => {
    await runCounting(etl());

    await appendFile(moduleUrl, '\n// changed\n'); // every task's module
    expect((await runCounting(etl())).ran).toEqual(['extract', 'load', 'side', 'transform']);

    const args = await runCounting(etl({ sideArg: 'other' }));
    expect(args.ran).toEqual(['extract', 'side']);

    const kwargs = await runCounting(etl({ factor: 3 }));
    expect(kwargs.ran).toEqual(['extract', 'load', 'transform']);
    expect(sources(kwargs.report)).toMatchObject({ transform: 'cache-miss', load: 'cache-miss', side: 'cache' });

    await writeFile(input, '1\n2\n4\n'); // extract's output changes
    const upstream = await runCounting(etl({ factor: 3 }));
    expect(upstream.ran).toEqual(['extract', 'load', 'transform']);

    await writeFile(input, '1\n2\n3\n'); // back: the first entries are still there
    expect((await runCounting(etl({ factor: 3 }))).ran).toEqual(['extract']);

    // transform's output does not change with its key, so load (keyed by that output) still hits.
    let version = 'v1';
    const keyed = () => etl({ factor: 3, transform: { cacheKey: () => ({ helper: version }) } });
    expect((await runCounting(keyed())).ran).toEqual(['extract', 'transform']);
    expect((await runCounting(keyed())).ran).toEqual(['extract']);
    version = 'v2';
    expect((await runCounting(keyed())).ran).toEqual(['extract', 'transform']);

    vi.stubEnv('PROCESSES_TEST_REGION', 'eu');
    const env = () => etl({ factor: 3, transform: { cacheEnv: ['PROCESSES_TEST_REGION'] } });
    expect((await runCounting(env())).ran).toEqual(['extract', 'transform']);
    expect((await runCounting(env())).ran).toEqual(['extract']);
    vi.stubEnv('PROCESSES_TEST_REGION', 'us');
    expect((await runCounting(env())).ran).toEqual(['extract', 'transform']);
    vi.unstubAllEnvs();
  }, 120_000); // Fourteen runs, each starting its own pool: slow on a loaded 2-core host.

  it('treats a corrupt or truncated entry as a miss with a warning, runs the task and rewrites it', async () => {
    await runCounting(etl());
    const files = await entryFiles(cacheDir);
    expect(files).toHaveLength(3);
    const [first, second] = files as [string, string];
    await truncate(first, 20);
    const bytes = await readFile(second);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(second, bytes);

    const warnings = captureWarnings();
    const { report, ran } = await runCounting(etl());
    const corrupt = warnings.filter((w) => (w.options as { code?: string }).code === 'PROC_CACHE_ENTRY_CORRUPT');
    expect(corrupt).toHaveLength(2);
    expect(String(corrupt[0]?.message)).toMatch(/cache entry [0-9a-f]{64} in FileCacheStore\(.*\) is not usable/);
    expect(Object.values(sources(report)).filter((s) => s === 'cache-corrupt')).toHaveLength(2);
    expect(ran).toContain('extract');
    expect(ran).toHaveLength(3); // extract and the two whose entries were damaged
    expect(report.entries.get('load')?.result).toMatchObject({ total: 60 });

    expect((await runCounting(etl())).ran).toEqual(['extract']); // rewritten
  }, 120_000);

  it('stays correct with two runs sharing one directory at once', async () => {
    const [a, b] = await Promise.all([
      etl().run({ cache: { dir: cacheDir } }),
      etl().run({ cache: { dir: cacheDir } }),
    ]);
    for (const report of [a, b]) {
      expect(report.ok).toBe(true);
      expect(report.entries.get('load')?.result).toMatchObject({ total: 60 });
    }
    expect(await entryFiles(cacheDir)).toHaveLength(3);
    expect((await readdir(cacheDir, { recursive: true })).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const third = await runCounting(etl());
    expect(third.ran).toEqual(['extract']);
  });

  it('expires entries older than maxAgeMs', async () => {
    await runCounting(etl(), { cache: { dir: cacheDir, maxAgeMs: 60_000 } });
    expect((await runCounting(etl(), { cache: { dir: cacheDir, maxAgeMs: 60_000 } })).ran).toEqual(['extract']);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    const later = await runCounting(etl(), { cache: { dir: cacheDir, maxAgeMs: 60_000 } });
    expect(later.ran).toEqual(['extract', 'load', 'side', 'transform']);
    expect(sources(later.report)).toMatchObject({ transform: 'cache-expired', side: 'cache-expired' });
  });

  it('keeps the directory under maxBytes, evicting the least recently used entries', async () => {
    const store = new FileCacheStore(cacheDir, { maxBytes: 200 });
    const key = (n: number) => n.toString(16).padStart(64, '0');
    // Each step a second apart on the store's clock, so "least recently" is unambiguous.
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    await store.set(key(1), new Uint8Array(90), { maxAgeMs: null });
    vi.setSystemTime(start + 1000);
    await store.set(key(2), new Uint8Array(90), { maxAgeMs: null });
    vi.setSystemTime(start + 2000);
    await store.get(key(1)); // 1 is now the more recently used
    vi.setSystemTime(start + 3000);
    await store.set(key(3), new Uint8Array(90), { maxAgeMs: null });
    expect((await store.entries()).map((e) => e.key).sort()).toEqual([key(1), key(3)]);
    await store.clear();
    expect(await store.entries()).toEqual([]);
  });

  it('clears only the files it writes: a directory that is not a cache keeps its own', async () => {
    const store = new FileCacheStore(cacheDir);
    const key = 'ab'.padEnd(64, '0');
    await store.set(key, new Uint8Array(8), { maxAgeMs: null });
    const shard = join(cacheDir, 'ab');
    const interrupted = `${key}.entry.4242.0123456789ab.tmp`;
    await writeFile(join(shard, interrupted), 'half');
    // Files a user keeps in two-hex-digit directories (the names a cache's shards have).
    const theirs = ['notes.tmp', 'photo.entry', `${'cd'.padEnd(64, '0')}.entry`, `${key}.entry.bak.tmp`];
    for (const name of theirs) await writeFile(join(shard, name), 'mine');
    expect((await store.entries()).map((e) => e.key)).toEqual([key]);
    await store.clear();
    expect((await readdir(shard)).sort()).toEqual([...theirs].sort());
  });

  it('refuses a cached task whose own input cannot be hashed, naming the task and field, before anything runs', async () => {
    const process = new Process([
      new Task('prepare', (..._args: unknown[]) => 1, { kwargs: { rows: [1, { parse: () => 2 }] }, cache: true }),
    ]);
    const error = await process.run({ cache: { dir: cacheDir } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnhashableInputError);
    expect(error).toMatchObject({ taskName: 'prepare', field: 'kwargs.rows[1].parse', code: 'PROC_UNHASHABLE_INPUT' });
    expect((error as Error).message).toContain('a function (parse)');
    // The same task without the cache runs: only the cache needs to hash it.
    expect((await process.run()).ok).toBe(true);
  });

  it('fails a cached task that receives a result it cannot hash, naming the dependency', async () => {
    class Rows {
      readonly n: number;
      constructor(n: number) {
        this.n = n;
      }
    }
    const process = new Process([
      new Task('make', () => new Rows(2)),
      new Task('count', (rows: Rows) => rows.n, { dependencies: [asArgs('make')], cache: true }),
      new Task('after', () => 0, { dependencies: ['count'] }),
    ]);
    const report = await process.run({ cache: { dir: cacheDir } });
    const count = report.entries.get('count');
    expect(count?.status).toBe(TaskStatus.ERRORED);
    expect(count?.error?.errorName).toBe('UnhashableInputError');
    expect(count?.error?.exception).toContain('`result of "make"`');
    expect(count?.error?.exception).toContain('an instance of Rows');
    expect(report.entries.get('after')?.status).toBe(TaskStatus.SKIPPED);
  });

  it('explains what a run would reuse and why the rest would run, without running or writing anything', async () => {
    const first = await runCounting(etl());
    await resetSideEffects(sideEffects);
    const plans = await explainRun(etl({ factor: 3 }), { cache: { dir: cacheDir } });
    expect(await tasksThatRan(sideEffects)).toEqual([]);
    expect(plans).toEqual(
      [
        { task: 'extract', action: 'run', reason: 'not-cached' },
        { task: 'side', action: 'reuse', source: 'cache', fromRun: first.report.runId },
        { task: 'transform', action: 'unknown', reason: 'upstream-runs' },
        { task: 'load', action: 'unknown', reason: 'upstream-runs' },
      ].sort((a, b) => order(a.task) - order(b.task)),
    );
    const resumed = await explainRun(etl({ factor: 3 }), { cache: { dir: cacheDir }, resumeFrom: first.report });
    expect(resumed.map((p) => [p.task, p.action, 'reason' in p ? p.reason : p.source])).toEqual(
      [
        ['extract', 'reuse', 'resume'],
        ['transform', 'run', 'kwargs-changed'],
        ['load', 'unknown', 'upstream-runs'],
        ['side', 'reuse', 'resume'],
      ].sort((a, b) => order(a[0] as string) - order(b[0] as string)),
    );
  });
});

function order(task: string): number {
  return etl().tasks.findIndex((t) => t.name === task);
}

async function entryFiles(root: string): Promise<string[]> {
  const names = (await readdir(root, { recursive: true })) as string[];
  return names
    .filter((name) => name.endsWith('.entry'))
    .map((name) => join(root, name))
    .sort();
}
