// A directory the engine must make (a log file's, a checkpoint's, a cache
// shard's) on a file system that refuses it in a way Node's recursive mkdir
// retries for ever (procfs answers ENOENT under /proc): the run fails, or
// goes on without the cache, with the usual typed error, and never hangs.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError, LogFileError, Process, Task } from '../dist/index.js';
import { captureWarnings } from './helpers/warnings.js';

const UNMAKEABLE = '/proc/processes-no-such-dir/deeper';

afterEach(() => {
  vi.restoreAllMocks();
});

describe.skipIf(!existsSync('/proc/self'))('directories that cannot be made', () => {
  it('fail a run whose task logs under them with LogFileError, before any task runs', async () => {
    let ran = false;
    const process = new Process([
      new Task(
        'a',
        () => {
          ran = true;
        },
        { logPath: `${UNMAKEABLE}/a.log` },
      ),
    ]);
    const error = await process.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogFileError);
    expect((error as Error).message).toContain('ENOENT');
    expect(ran).toBe(false);
  });

  it('refuse a checkpoint under them as an InvalidOptionError', async () => {
    const error = await new Process([new Task('a', () => 1)])
      .run({ checkpoint: `${UNMAKEABLE}/run.json` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ field: 'checkpoint' });
  });

  it('leave a run with a cache under them to go on without it, with a warning', async () => {
    const warnings = captureWarnings();
    const report = await new Process([new Task('a', () => 7, { cache: true })]).run({
      cache: { dir: `${UNMAKEABLE}/cache` },
    });
    expect(report.ok).toBe(true);
    expect(report.entries.get('a')?.result).toBe(7);
    expect(warnings.map((w) => (w.options as { code?: string }).code)).toContain('PROC_CACHE_STORE_FAILED');
  });
});
