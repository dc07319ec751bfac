import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessExecutionReport } from 'processes-js';
import { describe, expect, it } from 'vitest';
import { fixture, runProcesses, tempDir } from './helpers/cli.js';

const ranIn = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');

describe('processes run --resume / --cache / --checkpoint, and processes cache', () => {
  it('checkpoints a failed run, explains the resume, resumes it running only what failed, and clears the cache', async () => {
    const dir = tempDir();
    const sideEffects = join(dir, 'ran.log');
    const checkpoint = join(dir, 'run.json');
    const cache = join(dir, 'cache');
    const env = { SIDE_EFFECTS: sideEffects };
    const pipeline = fixture('incremental.js');

    const failed = await runProcesses(['run', pipeline, '--checkpoint', checkpoint, '--cache', cache], {
      env: { ...env, BROKEN: '1' },
    });
    expect(failed.code).toBe(1);
    expect(ranIn(sideEffects)).toEqual(['extract', 'transform']);
    expect(ProcessExecutionReport.fromJSON(readFileSync(checkpoint, 'utf8')).errored.has('transform')).toBe(true);

    const explained = await runProcesses(['cache', 'explain', pipeline, '--resume', checkpoint, '--cache', cache], {
      env,
    });
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(/\nextract\s+reuse\s+unchanged since the report \(run [0-9a-f]{8}\)\n/);
    expect(explained.stdout).toMatch(/\ntransform\s+run\s+did not succeed in the report\n/);
    expect(explained.stdout).toMatch(/\nload\s+run\s+did not succeed in the report\n/);
    expect(explained.stdout).toContain('1 task of 3 would be reused');
    expect(ranIn(sideEffects)).toHaveLength(2); // explain ran nothing

    const resumed = await runProcesses(['run', pipeline, '--resume', checkpoint], { env: { ...env, BROKEN: '0' } });
    expect(resumed.code).toBe(0);
    expect(ranIn(sideEffects).slice(2)).toEqual(['transform', 'load']);
    expect(resumed.stdout).toMatch(/reuse {3}extract · from the report/);
    expect(resumed.stdout).toMatch(/\nextract\s+success\s+0\s+-\s+reused from the report \(run [0-9a-f]{8}\)\n/);
    expect(resumed.stdout).toMatch(/\ntransform\s+success\s+1\s+\S+ m?s\s+ran: failed-before\n/);
    expect(resumed.stdout).toMatch(/3 succeeded · 1 reused/);

    const fromCache = await runProcesses(['cache', 'explain', pipeline, '--cache', cache], { env });
    expect(fromCache.stdout).toMatch(/\nextract\s+reuse\s+cache hit \(run [0-9a-f]{8}\)\n/);
    expect(fromCache.stdout).toMatch(/\ntransform\s+run\s+not cached/);

    const cleared = await runProcesses(['cache', 'clear', '--cache', cache]);
    expect(cleared.stdout).toContain(`Cleared 1 cache entry from ${cache}.`);
    const after = await runProcesses(['cache', 'explain', pipeline, '--cache', cache], { env });
    expect(after.stdout).toMatch(/\nextract\s+run\s+no cache entry for its key\n/);
  });

  it('says which file it could not resume from', async () => {
    const dir = tempDir();
    const { code, stderr } = await runProcesses(
      ['run', fixture('incremental.js'), '--resume', join(dir, 'none.json')],
      {
        env: { SIDE_EFFECTS: join(dir, 'ran.log') },
      },
    );
    expect(code).toBe(2);
    expect(stderr).toContain('PROC_RESUME_FILE_UNREADABLE');
    expect(stderr).toContain('none.json');
  });

  it('cache clear on a path that is not a directory, and --checkpoint at a directory, exit 2 naming the path', async () => {
    const dir = tempDir();
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    const cleared = await runProcesses(['cache', 'clear', '--cache', file]);
    expect(cleared.code).toBe(2);
    expect(cleared.stderr).toContain(`--cache: cannot read ${file}`);
    expect(cleared.stderr).not.toContain('unexpected error');
    const checkpoint = await runProcesses(['run', 'ok.js', '--checkpoint', dir]);
    expect(checkpoint.code).toBe(2);
    expect(checkpoint.stderr).toContain('expected `checkpoint` to be the path of a file');
  });
});
