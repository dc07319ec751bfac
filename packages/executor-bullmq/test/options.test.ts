// Options are checked when the executor or worker is made, with the
// library's messages; nothing connects before they pass.
import { InvalidOptionError, UnknownOptionError } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { BullMQExecutor, EXECUTOR_DEFAULTS, jobIdOf, startWorker, WORKER_DEFAULTS } from '../dist/index.js';

describe('BullMQExecutor options', () => {
  it('rejects a connection that is not a redis URL or options', () => {
    expect(() => new BullMQExecutor({ connection: 'http://localhost' })).toThrow(InvalidOptionError);
    expect(() => new BullMQExecutor({ connection: 'http://localhost' })).toThrow(
      /BullMQExecutor: expected `connection` to be a redis:\/\/ URL or an ioredis options object/,
    );
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
    expect(WORKER_DEFAULTS).toMatchObject({ lockDurationMs: 30_000, stalledIntervalMs: 30_000 });
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
