// Options are checked when the executor or worker is made, with the
// library's messages; nothing connects before they pass.
import { InvalidOptionError, UnknownOptionError } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { BullMQExecutor, EXECUTOR_DEFAULTS, jobIdOf, startWorker, WORKER_DEFAULTS } from '../dist/index.js';

describe('BullMQExecutor options', () => {
  it('rejects a connection that is not a redis URL or options', () => {
    expect(() => new BullMQExecutor({ connection: 'http://localhost' })).toThrow(InvalidOptionError);
    expect(() => new BullMQExecutor({ connection: 'http://localhost' })).toThrow(
      /BullMQExecutor: expected `connection` to be a redis:\/\/ or rediss:\/\/ URL \(host, optional port 1–65535, optional database number\) or an ioredis options object/,
    );
  });

  it.each([
    ['a port out of range', 'redis://127.0.0.1:99999'],
    ['a broken host', 'redis://[bad'],
    ['a database that is not a number', 'redis://127.0.0.1:6379/abc'],
    ['no host', 'redis://'],
    ['a query', 'redis://127.0.0.1:6379?db=1'],
    ['port 0', 'redis://127.0.0.1:0'],
    ['a password with a bare %', 'redis://:pa%zz@127.0.0.1:6379'],
  ])('rejects a redis URL with %s, on both sides, before connecting', async (_, connection) => {
    expect(() => new BullMQExecutor({ connection })).toThrow(InvalidOptionError);
    await expect(startWorker({ connection })).rejects.toThrow(InvalidOptionError);
  });

  it('takes a URL with credentials, a database and rediss:', () => {
    for (const connection of ['redis://user:p%40ss@127.0.0.1:1/3', 'rediss://127.0.0.1:1', 'redis://[::1]:1']) {
      expect(() => new BullMQExecutor({ connection, noWorkerTimeoutMs: 1 })).not.toThrow();
    }
  });

  it('startWorker refuses a root that is not a directory, before connecting', async () => {
    await expect(
      startWorker({ connection: 'redis://127.0.0.1:1', root: '/nonexistent/processes-root', connectTimeoutMs: 60_000 }),
    ).rejects.toThrow(/startWorker: expected `root` to be an existing directory .*\/nonexistent\/processes-root/);
  });

  it('rejects a queue name with `:` (BullMQ keys are split on it)', () => {
    expect(() => new BullMQExecutor({ connection: 'redis://127.0.0.1:1', queue: 'a:b' })).toThrow(
      /expected `queue` to be a non-empty string without `:` or whitespace/,
    );
  });

  it('names an unknown option', () => {
    expect(() => new BullMQExecutor({ connection: 'redis://127.0.0.1:1', noWorkerTimeout: 5 } as never)).toThrow(
      UnknownOptionError,
    );
  });

  it('has documented defaults', () => {
    expect(EXECUTOR_DEFAULTS).toMatchObject({
      queue: 'processes',
      inlineCapBytes: 512 * 1024,
      noWorkerTimeoutMs: 30_000,
    });
    expect(WORKER_DEFAULTS).toMatchObject({
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      connectTimeoutMs: 10_000,
    });
  });

  it('startWorker checks its options before connecting', async () => {
    await expect(startWorker({ connection: 'redis://127.0.0.1:1', threads: 0 })).rejects.toThrow(
      /startWorker: expected `threads` to be an integer from 1 to 1024, got `0`/,
    );
  });
});

describe('job ids', () => {
  it('are deterministic per run, task and attempt, and never contain `:`', () => {
    expect(jobIdOf('r1', 'load', 1)).toBe('r1-load-1');
    expect(jobIdOf('r1', 'load', 1)).toBe(jobIdOf('r1', 'load', 1));
    const odd = jobIdOf('r1', 'a:b-c.d', 2);
    expect(odd).not.toContain(':');
    expect(odd).toBe('r1-a%3Ab%2Dc%2Ed-2');
    // Distinct names stay distinct.
    expect(jobIdOf('r1', 'a-1', 1)).not.toBe(jobIdOf('r1-a', '1', 1));
  });
});
