// RedisCacheStore against a real redis-server started for these tests.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { InvalidOptionError, Process, Task, TaskDependency } from 'processes-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisCacheStore } from '../dist/index.js';
import { hasRedisServer, startRedis } from './redis-server.js';

let redis: { url: string; stop: () => Promise<void> } | undefined;
beforeAll(async () => {
  if (hasRedisServer) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const url = () => (redis as { url: string }).url;
const CLOSE_WITH_REDIS_GONE = fileURLToPath(new URL('./fixtures/close-with-redis-gone.mjs', import.meta.url));
const key = (n: number) => n.toString(16).padStart(64, '0');

describe.skipIf(!hasRedisServer)('RedisCacheStore', () => {
  it('stores, reads, deletes and clears entries under its prefix only', async () => {
    await using store = new RedisCacheStore({ redis: url(), prefix: 'test-a:' });
    await using other = new RedisCacheStore({ redis: url(), prefix: 'test-b:' });
    await store.set(key(1), Uint8Array.from([1, 2, 3]), { maxAgeMs: null });
    await store.set(key(2), Uint8Array.from([4]), { maxAgeMs: null });
    await other.set(key(1), Uint8Array.from([9]), { maxAgeMs: null });
    expect([...((await store.get(key(1))) ?? [])]).toEqual([1, 2, 3]);
    expect(await store.get(key(3))).toBeUndefined();
    await store.delete(key(2));
    expect(await store.get(key(2))).toBeUndefined();
    await store.clear();
    expect(await store.get(key(1))).toBeUndefined();
    expect([...((await other.get(key(1))) ?? [])]).toEqual([9]);
  });

  it('gives an entry of a run with maxAgeMs a Redis expiry', async () => {
    const client = new Redis(url());
    try {
      const store = new RedisCacheStore({ redis: client, prefix: 'ttl:' });
      await store.set(key(1), Uint8Array.from([1]), { maxAgeMs: 60_000 });
      const ttl = await client.pttl(`ttl:${key(1)}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await store.set(key(2), Uint8Array.from([1]), { maxAgeMs: null });
      expect(await client.pttl(`ttl:${key(2)}`)).toBe(-1);
      await store.close(); // a client it was given stays open
      expect(client.status).toBe('ready');
    } finally {
      client.disconnect();
    }
  });

  it('lets runs on different clients (machines) share results', async () => {
    let calls = 0;
    const process = () =>
      new Process([
        new Task(
          'expensive',
          (n: number) => {
            calls++;
            return { squares: Array.from({ length: n }, (_, i) => i * i), big: 2n ** 70n };
          },
          { args: [5], cache: true },
        ),
        new Task('sum', (r: { squares: number[] }) => r.squares.reduce((a, b) => a + b, 0), {
          dependencies: [new TaskDependency('expensive', { useResultAsAdditionalArgs: true })],
          cache: true,
        }),
      ]);
    await using machineA = new RedisCacheStore({ redis: url(), prefix: 'shared:' });
    await using machineB = new RedisCacheStore({ redis: url(), prefix: 'shared:' });
    const first = await process().run({ cache: { store: machineA } });
    const second = await process().run({ cache: { store: machineB } });
    expect(calls).toBe(1);
    expect(second.entries.get('expensive')?.reused).toEqual({ source: 'cache', fromRun: first.runId });
    expect(second.entries.get('expensive')?.result).toEqual({ squares: [0, 1, 4, 9, 16], big: 2n ** 70n });
    expect(second.entries.get('sum')?.result).toBe(30);
  });

  it('makes a Redis that is down a miss with a warning: the run still runs every task', async () => {
    const down = await startRedis();
    await down.stop();
    const warnings: string[] = [];
    vi.spyOn(globalThis.process, 'emitWarning').mockImplementation((_message, options) => {
      warnings.push(String((options as { code?: string }).code));
    });
    try {
      await using store = new RedisCacheStore({ redis: down.url, commandTimeoutMs: 200 });
      const report = await new Process([new Task('t', () => 42, { cache: true })]).run({ cache: { store } });
      expect(report.entries.get('t')?.result).toBe(42);
      expect(report.entries.get('t')?.ranBecause).toBe('cache-miss');
      expect(warnings).toEqual(['PROC_CACHE_STORE_FAILED', 'PROC_CACHE_STORE_FAILED']); // the read, then the write
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('clears only its own entries: other keys under the prefix, or in a Redis shared with an empty prefix, stay', async () => {
    const client = new Redis(url());
    try {
      await client.set('user:1', 'alice');
      await client.hset('session', 'id', '7');
      await client.set('etl:config', '{"mode":"full"}');
      await client.set(`etl:${key(9)}:note`, 'not an entry');
      await using everything = new RedisCacheStore({ redis: url(), prefix: '' });
      await using etl = new RedisCacheStore({ redis: url(), prefix: 'etl:' });
      await everything.set(key(1), Uint8Array.from([1]), { maxAgeMs: null });
      await etl.set(key(2), Uint8Array.from([2]), { maxAgeMs: null });
      await etl.clear();
      expect(await etl.get(key(2))).toBeUndefined();
      expect(await client.get('etl:config')).toBe('{"mode":"full"}');
      expect(await client.get(`etl:${key(9)}:note`)).toBe('not an entry');
      expect([...((await everything.get(key(1))) ?? [])]).toEqual([1]);
      await everything.clear();
      expect(await everything.get(key(1))).toBeUndefined();
      expect(await client.get('user:1')).toBe('alice');
      expect(await client.hget('session', 'id')).toBe('7');
      expect(await client.get('etl:config')).toBe('{"mode":"full"}');
    } finally {
      await client.del('user:1', 'session', 'etl:config', `etl:${key(9)}:note`);
      client.disconnect();
    }
  });

  it('closed with its Redis gone, leaves nothing that keeps the process alive', async () => {
    const down = await startRedis();
    await down.stop();
    const child = spawn(process.execPath, [CLOSE_WITH_REDIS_GONE, down.url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([{ read: 'failed' }]);
  });

  it('rejects a redis option that is neither a URL nor a client', () => {
    expect(() => new RedisCacheStore({ redis: 'localhost:6379' })).toThrow(InvalidOptionError);
    expect(() => new RedisCacheStore({ redis: 'localhost:6379' })).toThrow(
      'RedisCacheStore: expected `redis` to be a redis:// or rediss:// URL, or an ioredis client',
    );
  });
});
