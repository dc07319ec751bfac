// What a result-cache entry holds and when it is trusted: a worker task's
// typed-array columns come back exactly (kind, bytes, a view held twice),
// whatever offset a store hands its bytes at; an entry cut short, extended
// or damaged at any byte is a miss with a warning, never a hit; a writer
// killed mid-write leaves nothing that a later run reads as a hit.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it, describe as suite, vi } from 'vitest';
import {
  type CacheStore,
  explainRun,
  FileCacheStore,
  Process,
  type ProcessExecutionReport,
  Task,
  TaskDependency,
  workerTask,
} from '../dist/index.js';
import { bigResultProcess, columns, describe } from './fixtures/column-tasks.js';
import { captureWarnings } from './helpers/warnings.js';

const TASKS = new URL('./fixtures/column-tasks.js', import.meta.url);
const WRITER = fileURLToPath(new URL('./fixtures/cache-writer.mjs', import.meta.url));
const ROWS = 1000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'processes-cache-entries-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/**
 * A store over a Map that hands each entry back at `offset` inside a larger
 * buffer, as a network client may (ioredis slices its socket buffer).
 */
class MemoryStore implements CacheStore {
  readonly name = 'MemoryStore';
  readonly bytes = new Map<string, Uint8Array>();
  readonly #offset: number;

  constructor(offset = 0) {
    this.#offset = offset;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const stored = this.bytes.get(key);
    if (stored === undefined) return undefined;
    const larger = new Uint8Array(this.#offset + stored.length + 5);
    larger.set(stored, this.#offset);
    return larger.subarray(this.#offset, this.#offset + stored.length);
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    this.bytes.set(key, Uint8Array.from(value));
  }

  async delete(key: string): Promise<void> {
    this.bytes.delete(key);
  }

  async clear(): Promise<void> {
    this.bytes.clear();
  }
}

/** columns (worker, moves its result) -> describe (worker): both cached; `version` changes describe's key only. */
function columnsPipeline(version: number): Process {
  return new Process([
    new Task('columns', workerTask(TASKS, 'columns'), { args: [ROWS], transferResult: true, cache: true }),
    new Task('describe', workerTask(TASKS, 'describe'), {
      dependencies: [new TaskDependency('columns', { useResultAsAdditionalArgs: true })],
      cache: true,
      cacheKey: () => ({ version }),
    }),
  ]);
}

const sourceOf = (report: ProcessExecutionReport, task: string) =>
  report.entries.get(task)?.reused?.source ?? report.entries.get(task)?.ranBecause;

suite('cache entries', () => {
  const stores: [string, () => CacheStore][] = [
    ['a FileCacheStore', () => new FileCacheStore(join(dir, 'cache'))],
    ['a store handing bytes at an aligned offset', () => new MemoryStore(8)],
    ['a store handing bytes at an odd offset', () => new MemoryStore(3)],
  ];

  it.each(stores)(
    "gives a worker task's typed arrays and DataViews back exactly from %s, to the report and to a dependant that runs",
    async (_, makeStore) => {
      const store = makeStore();
      // What crosses a thread is a structured clone (a Buffer arrives as a Uint8Array, cached or not).
      const expected = describe(structuredClone(columns(ROWS)));

      const first = await columnsPipeline(1).run({ cache: { store } });
      expect(first.ok).toBe(true);
      expect(first.entries.get('describe')?.result).toEqual(expected);

      // columns is reused; describe runs on a worker thread with the result read from the entry.
      const second = await columnsPipeline(2).run({ cache: { store } });
      expect(sourceOf(second, 'columns')).toBe('cache');
      expect(sourceOf(second, 'describe')).toBe('cache-miss');
      expect(second.entries.get('describe')?.result).toEqual(expected);

      // Both reused: the report holds the result as the entry gives it back, a view held twice held once.
      const third = await columnsPipeline(2).run({ cache: { store } });
      expect(sourceOf(third, 'describe')).toBe('cache');
      const result = third.entries.get('columns')?.result as ReturnType<typeof columns>;
      expect(describe(result)).toEqual(expected);
      const twice = result['twice'] as { a: Float64Array; b: Float64Array };
      expect(twice.a).toBe(twice.b);
      expect(result['view']).toBeInstanceOf(DataView);
    },
  );

  it.each(stores)(
    'keeps views over one buffer aliased when read back from %s, with nothing else in it',
    async (_, makeStore) => {
      const store = makeStore();
      // Two views over one buffer, a view at an offset, and a pooled small Buffer (its slab is not cached).
      const head = () => {
        const shared = new ArrayBuffer(24);
        return {
          bytes: new Uint8Array(shared, 8, 8),
          words: new Uint32Array(shared),
          tail: new Float64Array(shared, 16, 1),
          small: Buffer.from('hello'),
        };
      };
      type Head = ReturnType<typeof head>;
      const use = (value: Head) => {
        value.words[2] = 0xffffffff; // bytes 8..11 of the shared buffer
        value.tail[0] = 1.5;
        return {
          seenThroughBytes: [...value.bytes.subarray(0, 4)],
          sameBuffer: value.bytes.buffer === value.words.buffer && value.tail.buffer === value.words.buffer,
          bufferBytes: value.words.buffer.byteLength,
          offsets: [value.bytes.byteOffset, value.words.byteOffset, value.tail.byteOffset],
          small: value.small.toString(),
          smallBufferBytes: value.small.buffer.byteLength,
        };
      };
      const pipeline = () =>
        new Process([
          new Task('head', head, { cache: true }),
          new Task('use', use, { dependencies: [new TaskDependency('head', { useResultAsAdditionalArgs: true })] }),
        ]);
      const first = await pipeline().run({ cache: { store } });
      const second = await pipeline().run({ cache: { store } });
      expect(sourceOf(second, 'head')).toBe('cache');
      const computed = first.entries.get('use')?.result as ReturnType<typeof use>;
      expect(computed).toMatchObject({ seenThroughBytes: [255, 255, 255, 255], sameBuffer: true, bufferBytes: 24 });
      const read = second.entries.get('use')?.result as ReturnType<typeof use>;
      expect(read).toEqual({ ...computed, smallBufferBytes: read.smallBufferBytes });
      // The small Buffer comes back over its own bytes, not the pool slab it was cut from.
      expect(computed.smallBufferBytes).toBeGreaterThan(1000);
      expect(read.smallBufferBytes).toBeLessThan(16);
    },
  );

  it('treats an entry cut short, extended, or damaged at any byte as a miss with a warning, never a hit', async () => {
    const store = new MemoryStore();
    const process = new Process([
      new Task('small', () => ({ col: Float64Array.of(1, 2, 3), bytes: Buffer.from('ab'), name: 'x' }), {
        cache: true,
      }),
    ]);
    await process.run({ cache: { store } });
    const [[key, entry]] = [...store.bytes] as [[string, Uint8Array]];
    const planFor = async (bytes: Uint8Array) => {
      store.bytes.set(key, bytes);
      const [plan] = await explainRun(process, { cache: { store } });
      return plan?.action === 'reuse' ? 'reuse' : plan?.action === 'run' ? plan.reason : plan?.action;
    };
    expect(await planFor(entry)).toBe('reuse');

    const warnings = captureWarnings();
    const damaged: Uint8Array[] = [];
    for (let length = 0; length < entry.length; length++) damaged.push(entry.slice(0, length));
    damaged.push(Uint8Array.from([...entry, 0]));
    for (let at = 0; at < entry.length; at++) {
      const flipped = Uint8Array.from(entry);
      flipped[at] = (flipped[at] as number) ^ 0x01;
      damaged.push(flipped);
    }
    const plans = [];
    for (const bytes of damaged) plans.push(await planFor(bytes));
    expect(plans.map((plan, i) => [i, plan]).filter(([, plan]) => plan !== 'cache-corrupt')).toEqual([]);
    const corrupt = warnings.filter((w) => (w.options as { code?: string }).code === 'PROC_CACHE_ENTRY_CORRUPT');
    expect(corrupt).toHaveLength(damaged.length);
    expect(await planFor(entry)).toBe('reuse');
    const reused = (await process.run({ cache: { store } })).entries.get('small');
    expect(reused?.reused?.source).toBe('cache');
    const result = reused?.result as { col: Float64Array; bytes: Buffer; name: string };
    expect(Buffer.isBuffer(result.bytes) && result.bytes.toString()).toBe('ab');
    expect(result.col).toEqual(Float64Array.of(1, 2, 3));
  });

  it('treats an entry written in an earlier format as a plain miss, without a warning', async () => {
    const store = new MemoryStore();
    const process = new Process([new Task('small', () => 1, { cache: true })]);
    await process.run({ cache: { store } });
    const [key] = [...store.bytes.keys()] as [string];
    store.bytes.set(key, Buffer.concat([Buffer.from('PROCACHE1\n', 'latin1'), Buffer.alloc(40, 7)]));
    const warnings = captureWarnings();
    expect(await explainRun(process, { cache: { store } })).toMatchObject([{ action: 'run', reason: 'cache-miss' }]);
    const report = await process.run({ cache: { store } });
    expect(sourceOf(report, 'small')).toBe('cache-miss');
    expect(warnings).toEqual([]);
    expect(sourceOf(await process.run({ cache: { store } }), 'small')).toBe('cache');
  });

  it('never reads the temp file of a writer that stopped mid-write', async () => {
    const cacheDir = join(dir, 'cache');
    const process = bigResultProcess();
    await process.run({ cache: { dir: cacheDir } });
    const [file] = (await readdir(cacheDir, { recursive: true })).filter((name) => name.endsWith('.entry'));
    const entry = join(cacheDir, file as string);
    const bytes = await readFile(entry);
    // What a writer leaves when it dies before its rename: half an entry beside the entry's path.
    await writeFile(`${entry}.4242.0123456789ab.tmp`, bytes.subarray(0, bytes.length >> 1));
    await unlink(entry);
    const warnings = captureWarnings();
    expect(await explainRun(process, { cache: { dir: cacheDir } })).toMatchObject([
      { task: 'big', action: 'run', reason: 'cache-miss' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('leaves no entry that is read as a hit when the writing process is killed mid-write', async () => {
    const cacheDir = join(dir, 'cache');
    const child = spawn(process.execPath, [WRITER, cacheDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    let output = '';
    for await (const chunk of child.stdout) {
      output += String(chunk);
      if (output.includes('succeeded')) break;
    }
    // The task has succeeded: its entry is being written, or just was.
    child.kill('SIGKILL');
    await exited;

    const warnings = captureWarnings();
    const [plan] = await explainRun(bigResultProcess(), { cache: { dir: cacheDir } });
    expect(warnings).toEqual([]);
    expect(plan?.action === 'reuse' || (plan?.action === 'run' && plan.reason === 'cache-miss')).toBe(true);
    const report = await bigResultProcess().run({ cache: { dir: cacheDir } });
    expect(report.entries.get('big')?.reused?.source).toBe(plan?.action === 'reuse' ? 'cache' : undefined);
    const { values } = (report.entries.get('big')?.result ?? {}) as { values: Float64Array };
    expect(values).toHaveLength(2 * 2 ** 20);
    expect(values.every((value, i) => value === i)).toBe(true);
  });

  it('hashes a result only for a cached task that receives it, and gives the same key whenever it is hashed', async () => {
    const make = () => ({ values: Float64Array.of(1, 2, 3) });
    const asArgs = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });
    const sum = (result: { values: Float64Array }) => result.values.reduce((a, b) => a + b, 0);
    const pipeline = (cachedUse: boolean) =>
      new Process([
        new Task('make', make, { cache: true }),
        new Task('use', sum, { dependencies: [asArgs('make')], cache: cachedUse }),
      ]);
    // The result of make is stored unhashed (use is not cached); a pipeline whose use is cached hashes it from the entry.
    const store = new MemoryStore();
    await pipeline(false).run({ cache: { store } });
    const lazily = await pipeline(true).run({ cache: { store } });
    expect(sourceOf(lazily, 'make')).toBe('cache');
    expect(sourceOf(lazily, 'use')).toBe('cache-miss');
    // The same pipeline on an empty cache hashes make's result as it comes back: the same key for use.
    const eagerly = await pipeline(true).run({ cache: { store: new MemoryStore() } });
    expect(eagerly.entries.get('use')?.cacheKey).toBe(lazily.entries.get('use')?.cacheKey);
    const again = await pipeline(true).run({ cache: { store } });
    expect(sourceOf(again, 'use')).toBe('cache');
    expect(again.entries.get('use')?.result).toBe(6);
  });
});
