import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Process, ProcessExecutionReport, Task, taskContext, WorkerPool } from '../dist/index.js';
import { captureWarnings } from './helpers/warnings.js';
import { workerFixture } from './helpers/worker-fixtures.js';

// /dev/full accepts open(2) and fails every write(2) with ENOSPC: a full disk, for real.
const FULL = '/dev/full';

const pool = new WorkerPool({ maxThreads: 1 });
afterAll(() => pool.close());

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'processes-log-failures-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

function warningCodes(warnings: { options: unknown }[]): string[] {
  return warnings.map((w) => (w.options as { code: string }).code);
}

describe('a log file whose writes fail (ENOSPC on /dev/full)', () => {
  it('the main-thread task still runs; the entry, its JSON and a warning record the lost lines; close() returns', async () => {
    const warnings = captureWarnings();
    const ran = vi.fn(() => {
      taskContext().log.info('a line of my own');
      return 'done';
    });
    const p = new Process([
      new Task('load', ran, { logPath: FULL }),
      new Task('after', () => 2, { dependencies: ['load'] }),
    ]);
    const report = await p.run();
    expect(ran).toHaveBeenCalledOnce();
    expect(report.ok).toBe(true);
    const load = report.entries.get('load');
    expect(load?.result).toBe('done');
    // "Starting load.", the task's own line, "Finished load.".
    expect(load?.logWriteError).toEqual({
      path: FULL,
      code: 'ENOSPC',
      message: expect.stringContaining('no space left on device'),
      lostLines: 3,
    });
    expect(report.entries.get('after')?.logWriteError).toBeUndefined();
    const doc = JSON.parse(JSON.stringify(report));
    expect(doc.entries.load.log_write_error).toEqual({
      path: FULL,
      code: 'ENOSPC',
      message: load?.logWriteError?.message,
      lost_lines: 3,
    });
    expect(doc.entries.after.log_write_error).toBeNull();
    expect(ProcessExecutionReport.fromJSON(doc).entries.get('load')?.logWriteError).toEqual(load?.logWriteError);
    expect(warningCodes(warnings)).toEqual(['PROC_LOG_WRITE_FAILED']);
    expect(String(warnings[0]?.message)).toBe(
      `Task "load": 3 log lines could not be written to "${FULL}" (${load?.logWriteError?.message}). The task ran; its report entry records the failure.`,
    );
    // This used to block the event loop forever (sonic-boom's flushSync retrying the write).
    await p.close();
  });

  it('a failing task with retries on a full log: every attempt runs and the error is reported', async () => {
    const warnings = captureWarnings();
    let calls = 0;
    const p = new Process([
      new Task(
        'flaky',
        () => {
          calls++;
          throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        },
        { logPath: FULL, retries: 2, retryDelayMs: 0 },
      ),
    ]);
    const report = await p.run();
    expect(calls).toBe(3);
    const flaky = report.entries.get('flaky');
    expect(flaky?.status).toBe('errored');
    expect(flaky?.error?.exception).toBe('reset');
    // Starting, two retry lines, the failure record.
    expect(flaky?.logWriteError).toMatchObject({ code: 'ENOSPC', lostLines: 4 });
    expect(warningCodes(warnings)).toEqual(['PROC_LOG_WRITE_FAILED']);
    await p.close();
  });

  it('a worker task writing to the failing descriptor still runs, and its lost lines are counted too', async () => {
    const warnings = captureWarnings();
    const p = new Process([workerFixture('lines', 'logLines', { args: [5], logPath: FULL })]);
    const report = await p.run({ pool });
    const lines = report.entries.get('lines');
    expect(lines?.status).toBe('success');
    expect(lines?.result).toBe(5);
    // Two engine lines on the main thread, five from the worker.
    expect(lines?.logWriteError).toMatchObject({ path: FULL, code: 'ENOSPC', lostLines: 7 });
    expect(warningCodes(warnings)).toEqual(['PROC_LOG_WRITE_FAILED']);
    await p.close();
  });

  it('a log that works records nothing', async () => {
    const path = join(dir, 'ok.log');
    const warnings = captureWarnings();
    await using p = new Process([workerFixture('lines', 'logLines', { args: [2], logPath: path })]);
    const report = await p.run({ pool });
    expect(report.entries.get('lines')?.logWriteError).toBeUndefined();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(4);
    expect(warnings).toEqual([]);
  });
});

describe('a process logger whose destination throws', () => {
  it('does not fail the task: it runs, succeeds, and one warning says so', async () => {
    const warnings = captureWarnings();
    const logger = pino(
      { base: null },
      {
        write() {
          throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
        },
      },
    );
    const ran = vi.fn(() => 'done');
    await using p = new Process([new Task('load', ran)], { logger });
    const report = await p.run();
    expect(ran).toHaveBeenCalledOnce();
    expect(report.entries.get('load')).toMatchObject({ status: 'success', result: 'done' });
    expect(warningCodes(warnings)).toEqual(['PROC_LOG_WRITE_FAILED']);
    expect(String(warnings[0]?.message)).toContain('The process logger threw while writing a line (Error: EIO');
  });
});

describe('redaction in log lines', () => {
  function fileText(path: string): string {
    return readFileSync(path, 'utf8');
  }

  it('fields and error properties under redacted names are [redacted], from a worker and from the main thread', async () => {
    const workerLog = join(dir, 'worker.log');
    const mainLog = join(dir, 'main.log');
    await using p = new Process(
      [
        workerFixture('remote', 'logSecrets', { logPath: workerLog }),
        new Task(
          'local',
          () => {
            const { log } = taskContext();
            log.info({ password: 'hunter2', config: { headers: { authorization: 'Bearer abc' } } }, 'calling');
            log.error(
              Object.assign(new Error('request failed'), { config: { auth: { password: 'hunter2' } } }),
              'failed',
            );
            log.info({ visibleField: 'mine' }, 'extra name');
          },
          { logPath: mainLog },
        ),
      ],
      { redact: ['visibleField'] },
    );
    const report = await p.run({ pool });
    expect(report.ok).toBe(true);
    for (const path of [workerLog, mainLog]) {
      const text = fileText(path);
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('Bearer abc');
      const records = text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(records.find((r) => r.msg === 'calling' || r.msg === 'calling the API')).toMatchObject({
        password: '[redacted]',
        config: { headers: { authorization: '[redacted]' } },
      });
      // pino's error serializer still sees an Error: type, message and stack are there.
      expect(records.find((r) => r.level === 'error')).toMatchObject({
        err: { type: 'Error', message: 'request failed', config: { auth: { password: '[redacted]' } } },
      });
    }
    expect(fileText(mainLog)).toContain('"visibleField":"[redacted]"');
  });

  it('lines a task sends to the process logger are redacted, and the logger’s own formatter still runs', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { base: null, timestamp: false, formatters: { log: (o) => ({ ...o, tagged: true }) } },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    await using p = new Process(
      [
        new Task('local', () => {
          taskContext().log.info({ token: 'abc', user: 'ana' }, 'hello');
        }),
      ],
      { logger },
    );
    await p.run();
    expect(lines.find((line) => line['msg'] === 'hello')).toMatchObject({
      token: '[redacted]',
      user: 'ana',
      tagged: true,
      task: 'local',
    });
  });
});
