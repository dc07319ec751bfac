import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogFileError, Process, type RunEvent, Task, TaskDependency, taskContext } from '../dist/index.js';

/** One NDJSON line of a log file, as pino writes it. */
interface LogRecord {
  level: string | number;
  time: string;
  msg: string;
  task?: string;
  process?: string;
  attempts?: number;
  traceback?: string;
  [field: string]: unknown;
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'processes-logs-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function logPath(name: string): string {
  return join(dir, name);
}

/** The records of a log file; none when the file does not exist. */
function records(path: string): LogRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogRecord);
}

function messages(path: string): string[] {
  return records(path).map((r) => `${r.level} ${r.task} ${r.msg}`);
}

class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

describe('task log files', () => {
  it('a successful task writes exactly "Starting <name>." and "Finished <name>." at level info', async () => {
    const path = logPath('load.log');
    await using p = new Process([new Task('Load', () => 42, { logPath: path })], { name: 'etl' });
    await p.run();
    const lines = records(path);
    expect(lines.map((r) => [r.level, r.msg])).toEqual([
      ['info', 'Starting load.'],
      ['info', 'Finished load.'],
    ]);
    for (const line of lines) {
      expect(line.task).toBe('load');
      expect(line.process).toBe('etl');
      expect(new Date(line.time).toISOString()).toBe(line.time);
    }
    expect(lines[1]?.attempts).toBe(1);
  });

  it('accepts a file: URL as the path', async () => {
    const path = logPath('url.log');
    await using p = new Process([new Task('load', () => 42, { logPath: pathToFileURL(path) })]);
    await p.run();
    expect(messages(path)).toEqual(['info load Starting load.', 'info load Finished load.']);
  });

  it('adds one warn line per retry between start and finish', async () => {
    const path = logPath('flaky.log');
    let calls = 0;
    await using p = new Process([
      new Task(
        'flaky',
        () => {
          calls++;
          if (calls < 3) throw new Error(`flaky ${calls}`);
          return 'ok';
        },
        { logPath: path, retries: 2, retryOn: () => true },
      ),
    ]);
    await p.run();
    expect(records(path).map((r) => [r.level, r.msg])).toEqual([
      ['info', 'Starting flaky.'],
      ['warn', 'Attempt 1/3 failed: flaky 1. Retrying...'],
      ['warn', 'Attempt 2/3 failed: flaky 2. Retrying...'],
      ['info', 'Finished flaky.'],
    ]);
    expect(records(path)[1]).toMatchObject({ task: 'flaky', attempt: 1, delay_ms: 0 });
  });

  it('a task that fails after its retries writes each retry and then the failure record', async () => {
    const path = logPath('doomed.log');
    await using p = new Process([
      new Task(
        'doomed',
        () => {
          throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
        },
        { logPath: path, retries: 1 },
      ),
    ]);
    await p.run();
    expect(records(path).map((r) => [r.level, r.msg])).toEqual([
      ['info', 'Starting doomed.'],
      ['warn', 'Attempt 1/2 failed: connection reset. Retrying...'],
      ['error', 'connection reset'],
    ]);
    expect(records(path)[2]).toMatchObject({ attempts: 2, error_code: 'ECONNRESET' });
  });

  it('a failure writes one error record carrying the failure context; a skipped task writes nothing', async () => {
    const applyLog = logPath('apply.log');
    const notifyLog = logPath('notify.log');
    await using p = new Process([
      new Task('load', () => ({ k: 1 })),
      new Task(
        'apply',
        function apply() {
          throw new ValueError('apply failed');
        },
        {
          logPath: applyLog,
          args: [1],
          kwargs: { factor: 3 },
          dependencies: [new TaskDependency('load', { useResultAsAdditionalArgs: true })],
        },
      ),
      new Task('notify', () => 'sent', { logPath: notifyLog, dependencies: ['apply'] }),
      new Task('archive', () => 'kept', { dependencies: ['notify'] }),
    ]);
    const report = await p.run();
    expect(report.entries.get('notify')?.status).toBe('skipped');

    const lines = records(applyLog);
    expect(lines.map((r) => [r.level, r.msg])).toEqual([
      ['info', 'Starting apply.'],
      ['error', 'apply failed'],
    ]);
    const failure = lines[1];
    expect(failure).toMatchObject({
      task: 'apply',
      task_name: 'apply',
      function: 'apply',
      args: [1],
      kwargs: { factor: 3 },
      downstream_impact: ['notify', 'archive'],
      exception: 'apply failed',
      error_name: 'ValueError',
      traced_vars: {},
      traced_vars_location: null,
      attempts: 1,
    });
    expect(failure?.traceback).toBe(report.entries.get('apply')?.error?.traceback);
    expect(failure?.traceback).toMatch(/^ValueError: apply failed\n\s+at /);
    expect(records(notifyLog)).toEqual([]);
  });

  it('a task that never runs creates no file', async () => {
    const path = logPath('never.log');
    const task = new Task('never', () => 1, { logPath: path });
    const p = new Process([task]);
    expect(p.getTask('never').logPath).toBe(path);
    await p.close();
    expect(existsSync(path)).toBe(false);
  });

  it('tasks sharing a path share one file, lines in execution order', async () => {
    const path = logPath('shared.log');
    await using p = new Process([
      new Task('a', () => 'a', { logPath: path }),
      new Task('b', () => 'b', { logPath: path, dependencies: ['a'] }),
      new Task('c', () => 'c', { logPath: path }),
    ]);
    await p.run({ parallel: false });
    // Kahn's order, as the seed: a and c have no dependencies (input order), then b.
    expect(messages(path)).toEqual([
      'info a Starting a.',
      'info a Finished a.',
      'info c Starting c.',
      'info c Finished c.',
      'info b Starting b.',
      'info b Finished b.',
    ]);
  });

  it('interleaves the lines of tasks running at once in the order things happened', async () => {
    const path = logPath('shared.log');
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    await using p = new Process([
      new Task(
        'slow',
        async () => {
          taskContext().log.info('waiting');
          await gate;
          taskContext().log.info('released');
        },
        { logPath: path },
      ),
      new Task('fast', () => 'done', { logPath: path }),
    ]);
    await p.run({
      parallel: true,
      maxWorkers: 2,
      onEvent: (event: RunEvent) => {
        if (event.type === 'task:succeeded' && event.taskName === 'fast') release();
      },
    });
    expect(messages(path)).toEqual([
      'info slow Starting slow.',
      'info slow waiting',
      'info fast Starting fast.',
      'info fast Finished fast.',
      'info slow released',
      'info slow Finished slow.',
    ]);
  });

  it('taskContext().log writes to the task’s file, with its fields', async () => {
    const path = logPath('fetch.log');
    await using p = new Process([
      new Task(
        'fetch',
        () => {
          const { log } = taskContext();
          log.info('querying orders API');
          log.warn({ rows: 3, page: 2 }, 'partial page');
          log.debug('not at the file’s level');
          return 3;
        },
        { logPath: path },
      ),
    ]);
    await p.run();
    const lines = records(path);
    expect(lines.map((r) => [r.level, r.msg])).toEqual([
      ['info', 'Starting fetch.'],
      ['info', 'querying orders API'],
      ['warn', 'partial page'],
      ['info', 'Finished fetch.'],
    ]);
    expect(lines[2]).toMatchObject({ task: 'fetch', rows: 3, page: 2 });
  });

  it('lines are in the file when run() resolves, before close()', async () => {
    const path = logPath('sync.log');
    const p = new Process([new Task('load', () => 1, { logPath: path })]);
    await p.run();
    expect(records(path)).toHaveLength(2);
    await p.close();
    expect(records(path)).toHaveLength(2);
  });

  it('close() closes the files and a later run reopens them', async () => {
    const path = logPath('reopen.log');
    const p = new Process([new Task('load', () => 1, { logPath: path })]);
    await p.run();
    await p.close();
    // Had the old descriptor stayed in use, the next lines would go to the unlinked file.
    unlinkSync(path);
    await p.run();
    expect(messages(path)).toEqual(['info load Starting load.', 'info load Finished load.']);
    await p.run();
    expect(records(path)).toHaveLength(4);
    await p.close();
    await p.close();
  });

  it('`await using` closes the files when the block ends', async () => {
    const path = logPath('using.log');
    let outer: Process | undefined;
    {
      await using p = new Process([new Task('load', () => 1, { logPath: path })]);
      outer = p;
      await p.run();
    }
    unlinkSync(path);
    await outer.run();
    expect(records(path)).toHaveLength(2);
    await outer.close();
  });

  it('appends to an existing file', async () => {
    const path = logPath('append.log');
    await using first = new Process([new Task('one', () => 1, { logPath: path })]);
    await first.run();
    await first.close();
    await using second = new Process([new Task('two', () => 2, { logPath: path })]);
    await second.run();
    expect(messages(path)).toEqual([
      'info one Starting one.',
      'info one Finished one.',
      'info two Starting two.',
      'info two Finished two.',
    ]);
  });
});

describe('a log file that cannot be opened', () => {
  it('creates the missing parent directories of a log path', async () => {
    const nested = join(dir, 'logs', 'nightly', 'load.log');
    await using p = new Process([new Task('load', () => 2, { logPath: nested })]);
    const report = await p.run();
    expect(report.ok).toBe(true);
    expect(messages(nested)).toEqual(['info load Starting load.', 'info load Finished load.']);
  });

  it('rejects run() with LogFileError naming the task and the path when the directory cannot be made, before any task runs', async () => {
    // A regular file where a directory should be: mkdir cannot make the path.
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const missing = join(blocker, 'load.log');
    const first = vi.fn(() => 1);
    const load = vi.fn(() => 2);
    const events: RunEvent[] = [];
    await using p = new Process([
      new Task('first', first),
      new Task('load', load, { logPath: missing, dependencies: ['first'] }),
    ]);
    const error = await p.run({ onEvent: (event) => events.push(event) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LogFileError);
    const logError = error as LogFileError;
    expect(logError.code).toBe('PROC_LOG_FILE_UNAVAILABLE');
    expect(logError.taskName).toBe('load');
    expect(logError.path).toBe(resolve(missing));
    expect(logError.message).toBe(
      `Task "load": cannot open log file "${resolve(missing)}": ${(logError.cause as Error).message}. No task was run.`,
    );
    expect(['ENOTDIR', 'EEXIST']).toContain((logError.cause as NodeJS.ErrnoException).code);
    expect(first).not.toHaveBeenCalled();
    expect(load).not.toHaveBeenCalled();
    expect(events).toEqual([]);

    // Once the path is possible, the same process runs and makes the directory.
    unlinkSync(blocker);
    const report = await p.run();
    expect(report.ok).toBe(true);
    expect(records(missing)).toHaveLength(2);
  });

  it('a path that is a directory is reported the same way', async () => {
    const task = vi.fn();
    await using p = new Process([new Task('load', task, { logPath: dir })]);
    await expect(p.run()).rejects.toMatchObject({ code: 'PROC_LOG_FILE_UNAVAILABLE', taskName: 'load', path: dir });
    expect(task).not.toHaveBeenCalled();
  });
});

describe('a pino logger given to the Process', () => {
  function capture() {
    const lines: LogRecord[] = [];
    const logger = pino({ base: null, timestamp: false }, { write: (line: string) => lines.push(JSON.parse(line)) });
    return { logger, lines };
  }

  it('receives every task’s engine lines bound to { task }, and is taskContext().log without a logPath', async () => {
    const { logger, lines } = capture();
    const fileLog = logPath('a.log');
    await using p = new Process(
      [
        new Task('a', () => 'a', { logPath: fileLog }),
        new Task('b', () => {
          taskContext().log.info({ rows: 2 }, 'from b');
          return 'b';
        }),
        new Task('c', () => {
          throw new Error('c broke');
        }),
      ],
      { name: 'etl', logger },
    );
    await p.run({ parallel: false });
    const { info, error } = pino.levels.values;
    expect(lines.map((r) => [r.level, r.task, r.msg])).toEqual([
      [info, 'a', 'Starting a.'],
      [info, 'a', 'Finished a.'],
      [info, 'b', 'Starting b.'],
      [info, 'b', 'from b'],
      [info, 'b', 'Finished b.'],
      [info, 'c', 'Starting c.'],
      [error, 'c', 'c broke'],
    ]);
    expect(lines[3]).toMatchObject({ rows: 2 });
    expect(lines[6]).toMatchObject({ task_name: 'c', exception: 'c broke', error_name: 'Error' });
    expect(messages(fileLog)).toEqual(['info a Starting a.', 'info a Finished a.']);
  });

  it('gets the retry warnings too', async () => {
    const { logger, lines } = capture();
    let calls = 0;
    await using p = new Process(
      [
        new Task(
          'flaky',
          () => {
            if (++calls === 1) throw new Error('first try');
            return 'ok';
          },
          { retries: 1, retryOn: () => true },
        ),
      ],
      { logger },
    );
    await p.run();
    expect(lines.map((r) => r.msg)).toEqual([
      'Starting flaky.',
      'Attempt 1/2 failed: first try. Retrying...',
      'Finished flaky.',
    ]);
    const { warn } = pino.levels.values;
    expect(lines[1]?.level).toBe(warn);
  });
});
