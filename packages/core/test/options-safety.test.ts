import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./fixtures/extreme-options.mjs', import.meta.url));

interface Attempt {
  label: string;
  ok: boolean;
  outcome?: unknown;
  code?: string | null;
}

describe('no option takes the process down', () => {
  it('extreme values of every WorkerPool and run() option give typed errors or a normal run, and the process exits by itself', async () => {
    // A crash (V8 abort, SIGTRAP, an unhandled error) or a run that never
    // settles makes execFile reject; the timeout is a generous ceiling.
    const { stdout } = await run(process.execPath, [SCRIPT], { timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    const attempts = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as Attempt[];
    expect(attempts.length).toBeGreaterThan(60);
    for (const attempt of attempts) {
      if (attempt.ok) expect(attempt.outcome, attempt.label).toBe('success');
      else expect(['PROC_INVALID_OPTION', 'PROC_UNKNOWN_OPTION'], attempt.label).toContain(attempt.code);
    }
    const byLabel = new Map(attempts.map((a) => [a.label, a]));
    // The values found by experiment to kill or hang the process are refused by name.
    for (const label of [
      'resourceLimits.stackSizeMb=0.05',
      'resourceLimits.stackSizeMb=1000000000',
      'resourceLimits.maxOldGenerationSizeMb=0.05',
      'resourceLimits.codeRangeSizeMb=1000000000',
      'minThreads=1000000000',
      'run maxWorkers=0',
      'run maxWorkers=-1',
      'execArgv=--title=x',
    ]) {
      expect(byLabel.get(label), label).toMatchObject({ ok: false, code: 'PROC_INVALID_OPTION' });
    }
    for (const key of ['toString', 'constructor', 'valueOf', 'hasOwnProperty', 'JSON __proto__']) {
      expect(byLabel.get(`WorkerPool ${key}`), key).toMatchObject({ ok: false, code: 'PROC_UNKNOWN_OPTION' });
    }
    expect(byLabel.get('run maxWorkers=1000000000')).toMatchObject({ ok: true, outcome: 'success' });
  }, 300_000);
});
