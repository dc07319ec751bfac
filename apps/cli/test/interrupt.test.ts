import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliProcess, runProcesses, tempDir } from './helpers/cli.js';

/**
 * A generous bound for "exits promptly". The proof that nothing was left
 * running is that Node.js exited by itself: had anything held it for 3 s,
 * the CLI would have said so on stderr before forcing the exit.
 */
const PROMPT_EXIT_MS = 10_000;

describe('Ctrl-C', () => {
  it('cancels a running pipeline cleanly and exits 130, leaving no thread behind', async () => {
    const cli = new CliProcess(['run', 'long.js', '--max-workers', '2']);
    // Both tasks are running: `wait` on the main thread, `spin` busy on a worker thread.
    await cli.waitFor('stdout', /start {3}wait/);
    await cli.waitFor('stdout', /start {3}spin/);
    const interruptedAt = performance.now();
    cli.child.kill('SIGINT');
    const { code, signal, stdout, stderr } = await cli.exited;
    const exitMs = performance.now() - interruptedAt;

    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(stderr).toContain('processes: Ctrl-C: cancelling the run… (press Ctrl-C again to exit at once)');
    expect(stderr).toContain('processes: cancelled; 2 running tasks stopped, 1 task did not start.');
    // The summary of the partial report: the running tasks were stopped, the rest never started; all cancelled.
    expect(stdout).toMatch(/\nwait\s+cancelled\s+1\s+\S+ m?s\s+stopped while running: the run was cancelled\n/);
    expect(stdout).toMatch(/\nspin\s+cancelled\s+1\s+\S+ m?s\s+stopped while running: the run was cancelled\n/);
    expect(stdout).toMatch(/\nafter\s+cancelled\s+0\s+-\s+not started: the run was cancelled\n/);
    expect(stdout).toMatch(/long-pipeline: 3 tasks · 0 succeeded · 3 cancelled · /);
    expect(stdout).toMatch(/\] done {4}0 succeeded · 3 cancelled · /);
    // Nothing failed by itself, so no failure is printed.
    expect(stdout).not.toContain('✖');
    // Node exited by itself: the spinning worker thread was terminated and nothing else was left open.
    expect(stderr).not.toContain('keeps Node.js running');
    expect(exitMs).toBeLessThan(PROMPT_EXIT_MS);
  });

  it('still writes the partial report when cancelled', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'processes-cli-')), 'partial.json');
    const cli = new CliProcess(['run', 'long.js', '--max-workers', '2', '--json', file]);
    await cli.waitFor('stdout', /start {3}spin/);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(130);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.summary).toEqual({ success: 0, errored: 0, skipped: 0, cancelled: 3, pending: 0 });
    expect(json.entries.spin).toMatchObject({ status: 'cancelled', attempts: 1, error: { error_name: 'AbortError' } });
    expect(json.entries.after).toMatchObject({ status: 'cancelled', attempts: 0, error: null });
  });

  it('exits at once on a second Ctrl-C, while something ignores the first', async () => {
    const cli = new CliProcess(['run', 'hanging-channel.js', '--notify']);
    await cli.waitFor('stdout', /notify: sending the report through 1 channel/);
    cli.child.kill('SIGINT');
    await cli.waitFor('stderr', /cancelling the run/);
    cli.child.kill('SIGINT');
    const { code, stderr } = await cli.exited;
    expect(code).toBe(130);
    expect(stderr).toContain('processes: SIGINT again: exiting now.');
  });

  it('exits 143 on SIGTERM, after cancelling the run the same way', async () => {
    const cli = new CliProcess(['run', 'long.js', '--max-workers', '2']);
    await cli.waitFor('stdout', /start {3}spin/);
    cli.child.kill('SIGTERM');
    const { code, stderr } = await cli.exited;
    expect(code).toBe(143);
    expect(stderr).toContain('processes: SIGTERM: cancelling the run…');
  });
});

describe('exiting', () => {
  it('says what the pipeline left open when Node.js cannot exit by itself, and exits anyway', async () => {
    const { code, stderr } = await runProcesses(['run', 'leaky.js', '--quiet']);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /^processes: the pipeline left (.+, )?Timeout(, .+)? open, which keeps Node.js running; exiting anyway.\n$/,
    );
  });

  it('finishes the run, writes --json and exits with its outcome when the stdout reader has gone (`| head -1`)', async () => {
    const file = join(tempDir(), 'report.json');
    const cli = new CliProcess(['run', 'reader-leaves.js', '--json', file]);
    await cli.waitFor('stdout', /start {3}wait/);
    // The reader goes away, as `head -1` does after its line; every later write to stdout fails with EPIPE.
    cli.child.stdout?.destroy();
    cli.child.kill('SIGUSR2');
    const { code, stderr } = await cli.exited;
    expect(code).toBe(1);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.summary).toMatchObject({ success: 1, errored: 1 });
    expect(stderr).not.toContain('EPIPE');
  });
});
