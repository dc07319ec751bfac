// A worker or a coordinator that meets a Redis that is not there, or that
// refuses its password, fails with a typed error that says so, and its
// process then ends by itself: no client is left reconnecting forever.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Process } from 'processes-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMQExecutor, RedisConnectionError, RedisUnavailableError, startWorker } from '../dist/index.js';
import { TASKS_ROOT } from './fixtures/fleet.js';
import { remote } from './fixtures/graph.js';
import { freePort, RedisServer, redisMissing } from './fixtures/redis-server.js';

const missing = redisMissing();
if (missing) console.log(missing);

const LIFECYCLE = fileURLToPath(new URL('./fixtures/lifecycle.mjs', import.meta.url));
/** Far longer than any step takes: a process still alive after it is hung, and the test says so. */
const HUNG_MS = 30_000;

interface Ended {
  readonly lines: Record<string, unknown>[];
  readonly code: number | null;
  /** True when it had to be killed: something kept it alive. */
  readonly hung: boolean;
}

/** Runs a lifecycle scenario; `onLine` may act on its lines (send it a signal). */
function scenario(
  args: string[],
  onLine?: (line: Record<string, unknown>, child: ChildProcess) => void,
): Promise<Ended> {
  const child = spawn(process.execPath, [LIFECYCLE, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    onLine?.(line, child);
  });
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, HUNG_MS);
  return once(child, 'exit').then(([code]) => {
    clearTimeout(timer);
    return { lines, code: code as number | null, hung };
  });
}

describe.skipIf(missing !== null)('Redis unreachable or refusing', () => {
  let secured: RedisServer;
  beforeAll(async () => {
    secured = await RedisServer.start({ password: 's3cret' });
  });
  afterAll(async () => {
    await secured?.stop();
  });

  it('startWorker against a port nobody listens on rejects with RedisConnectionError, and its process ends', async () => {
    const port = await freePort();
    const ended = await scenario(['start', `redis://127.0.0.1:${port}`, '500']);
    expect(ended.hung).toBe(false);
    expect(ended.code).toBe(0);
    const [line] = ended.lines as [{ error: { code: string; message: string }; ms: number }];
    expect(line.error.code).toBe(RedisConnectionError.code);
    expect(line.error.message).toContain(`could not connect to Redis at 127.0.0.1:${port}`);
    expect(line.error.message).toContain('ECONNREFUSED');
  });

  it('startWorker with a wrong password fails at once, saying so, and does not print the password', async () => {
    const started = Date.now();
    const error = await startWorker({
      connection: `redis://:wrong-one@127.0.0.1:${secured.port}`,
      root: TASKS_ROOT,
      threads: 1,
      connectTimeoutMs: 20_000,
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as Error).message).toMatch(/WRONGPASS|invalid password|invalid username-password/);
    expect((error as Error).message).not.toContain('wrong-one');
    // Not the 20 s timeout: no retry fixes a password.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('startWorker with the right password connects', async () => {
    const worker = await startWorker({ connection: secured.url, root: TASKS_ROOT, threads: 1 });
    expect(worker.id).toMatch(/:\d+$/);
    await worker.close();
  });

  it('a coordinator with a wrong password ends the attempt long before noWorkerTimeoutMs, naming the reply', async () => {
    await using executor = new BullMQExecutor({
      connection: `redis://:nope@127.0.0.1:${secured.port}`,
      root: TASKS_ROOT,
      queue: 'refused',
      noWorkerTimeoutMs: 120_000,
      reconcileIntervalMs: 100,
    });
    await using run = new Process([remote('refused', 'add', { args: [1, 2] })]);
    const report = await run.run({ executors: [executor] });
    const error = report.entries.get('refused')?.error;
    expect(error?.thrown.code).toBe(RedisUnavailableError.code);
    expect(error?.exception).toMatch(/was not sent: Redis refused this executor \((WRONGPASS|.*invalid)/);
  });

  it('a coordinator whose Redis is gone ends the attempt, close() returns in moments, and its process ends', async () => {
    const port = await freePort();
    const ended = await scenario(['coordinator', `redis://127.0.0.1:${port}`, '400']);
    expect(ended.hung).toBe(false);
    expect(ended.code).toBe(0);
    const [attempt, closed] = ended.lines as [{ error: { code: string; message: string } }, { closedMs: number }];
    expect(attempt.error.code).toBe(RedisUnavailableError.code);
    expect(attempt.error.message).toContain('ECONNREFUSED');
    // Nothing to wait for: Redis refused every connection.
    expect(closed.closedMs).toBeLessThan(2000);
  });

  it('an argument bound for the blob store, with Redis gone, ends the attempt after noWorkerTimeoutMs too', async () => {
    const port = await freePort();
    const ended = await scenario(['coordinator-blob', `redis://127.0.0.1:${port}`, '400']);
    expect(ended.hung).toBe(false);
    expect(ended.code).toBe(0);
    const [attempt] = ended.lines as [{ error: { code: string; message: string } }];
    expect(attempt.error.code).toBe(RedisUnavailableError.code);
    expect(attempt.error.message).toContain('was not sent: the blob store has not answered a write for 400 ms');
  });

  it('startWorker naming a database Redis does not have fails at once', async () => {
    const error = await startWorker({
      connection: `${secured.url}/999`,
      root: TASKS_ROOT,
      threads: 1,
      connectTimeoutMs: 20_000,
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect((error as Error).message).toContain('DB index is out of range');
  });

  it('a worker told to stop while it runs a job and its Redis is gone stops (the job counts as lost), and its process ends', async () => {
    const redis = await RedisServer.start();
    const executor = new BullMQExecutor({
      connection: redis.url,
      root: TASKS_ROOT,
      reconcileIntervalMs: 100,
      noWorkerTimeoutMs: 1000,
    });
    const never = join(await mkdtemp(join(tmpdir(), 'processes-bullmq-gone-')), 'never');
    await using process = new Process([remote('held', 'waitForFile', { args: [never] })]);
    let run: Promise<unknown> | undefined;
    try {
      const ended = await scenario(['worker', redis.url], (line, child) => {
        if (!('ready' in line)) return;
        run = process.run({ executors: [executor] });
        void (async () => {
          const probe = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
          probe.on('error', () => undefined);
          while ((await probe.llen('bull:processes:active')) === 0)
            await new Promise((resolve) => setImmediate(resolve));
          probe.disconnect();
          await redis.stop();
          child.kill('SIGTERM');
        })();
      });
      expect(ended.hung).toBe(false);
      expect(ended.code).toBe(0);
      expect(ended.lines.at(-1)).toHaveProperty('closedMs');
      await run;
    } finally {
      await executor.close();
      await redis.stop();
    }
  });

  it('a worker told to stop (SIGTERM) after its Redis went away stops, and its process ends', async () => {
    const redis = await RedisServer.start();
    let stopped = false;
    try {
      const ended = await scenario(['worker', redis.url], (line, child) => {
        if (!('ready' in line)) return;
        void redis.stop().then(() => {
          stopped = true;
          child.kill('SIGTERM');
        });
      });
      expect(stopped).toBe(true);
      expect(ended.hung).toBe(false);
      expect(ended.code).toBe(0);
      expect(ended.lines.at(-1)).toHaveProperty('closedMs');
    } finally {
      await redis.stop();
    }
  });
});
