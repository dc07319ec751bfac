import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessExecutionReport } from 'processes-js';
import { describe, expect, it } from 'vitest';
import { fixture, runProcesses, tempDir } from './helpers/cli.js';

/** The `[mm:ss.mmm] tag  text` progress lines, without their timestamps. */
function progressLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => /^\[\d\d:\d\d\.\d{3}\] /.test(line))
    .map((line) => line.slice(12).replace(/\s+·\s+[\d.]+ m?s\b/g, ' · <time>'));
}

describe('processes run', () => {
  it('exits 0 when every task succeeded, with one progress line per event when stdout is not a terminal', async () => {
    const { code, stdout, stderr } = await runProcesses(['run', 'ok.js', '--max-workers', '2']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = progressLines(stdout);
    expect(lines[0]).toBe('run     ok-pipeline · 4 tasks · parallel, up to 2 at once');
    expect(lines).toContain('start   load');
    expect(lines).toContain('ok      load · <time>');
    expect(lines.find((line) => line.startsWith('retry   flaky'))).toMatch(
      /^retry {3}flaky · attempt 1 failed: Error: connection reset by peer \(ECONNRESET\) · next in 10 ms$/,
    );
    expect(lines).toContain('start   flaky (attempt 2)');
    expect(lines).toContain('ok      flaky · 2 attempts · <time>');
    expect(lines.at(-1)).toMatch(/^done {4}4 succeeded · <time>$/);
    // No ANSI codes in logs.
    expect(stdout).not.toContain('\x1b[');
  });

  it('prints a summary table with every task, then the totals', async () => {
    const { stdout } = await runProcesses(['run', 'ok.js']);
    const table = stdout.slice(stdout.indexOf('\ntask '));
    expect(table).toMatch(/task\s+status\s+attempts\s+time\s+detail/);
    expect(table).toMatch(/\nload\s+success\s+1\s+[\d.]+ m?s/);
    expect(table).toMatch(/\nflaky\s+success\s+2\s+/);
    expect(table).toMatch(/\nok-pipeline: 4 tasks · 4 succeeded · [\d.]+ m?s\n/);
  });

  it('exits 1 when a task errored or was skipped, and shows the failure and what it skipped', async () => {
    const { code, stdout } = await runProcesses(['run', 'failing.js']);
    expect(code).toBe(1);
    const lines = progressLines(stdout);
    expect(lines).toContain('FAILED  transform · 1 attempt · <time> · TypeError: bad row <7> & "quoted"');
    expect(lines).toContain('skip    load · because transform errored');
    expect(lines).toContain('ok      audit · <time>');
    expect(stdout).toMatch(/\ntransform\s+errored\s+1\s+\S+ m?s\s+TypeError: bad row <7> & "quoted"\n/);
    expect(stdout).toMatch(/\nload\s+skipped\s+0\s+-\s+because transform errored\n/);
    expect(stdout).toMatch(/failing-pipeline: 4 tasks · 2 succeeded · 1 errored · 1 skipped/);
    // The failure's traceback, pointing into the pipeline file.
    expect(stdout).toMatch(/✖ transform\n {4}TypeError: bad row <7> & "quoted"\n {8}at .*failing\.js:6:9/);
    expect(stdout).toContain('skipped because of it: load');
  });

  it('says why a failure with retries left was not retried', async () => {
    const dir = tempDir();
    const processes = new URL('../../../node_modules/processes-js/dist/index.js', import.meta.url).href;
    writeFileSync(
      join(dir, 'retry.mjs'),
      `import { Process, Task } from '${processes}';\n` +
        'class RateLimitError extends Error {}\n' +
        "export default new Process([new Task('fetch', () => { throw new TypeError('bad url'); }, { retries: 2, retryOn: [RateLimitError] })]);\n",
    );
    const { code, stdout, stderr } = await runProcesses(['run', 'retry.mjs'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /\nfetch\s+errored\s+1\s+\S+ m?s\s+TypeError: bad url \(not retried: retryOn does not match\)\n/,
    );
    const reason =
      'Task "fetch" failed with TypeError, which retryOn does not match: not retried (2 retries left unused); retryOn accepts RateLimitError.';
    expect(stdout).toContain(`  not retried: ${reason}\n`);
    // The library's warning, as any program using it gets.
    expect(stderr).toContain(`[PROC_TASK_NOT_RETRIED] ProcessesWarning: ${reason}`);
  });

  it('runs one task at a time with --sequential, in topological order', async () => {
    const { code, stdout } = await runProcesses(['run', 'failing.js', '--sequential']);
    expect(code).toBe(1);
    const lines = progressLines(stdout);
    expect(lines[0]).toBe('run     failing-pipeline · 4 tasks · sequential');
    expect(lines.filter((line) => /^(start|ok|FAILED|skip) /.test(line))).toEqual([
      'start   extract',
      'ok      extract · <time>',
      'start   transform',
      expect.stringMatching(/^FAILED {2}transform /),
      'skip    load · because transform errored',
      'start   audit',
      'ok      audit · <time>',
    ]);
  });

  it('writes the JSON report and the HTML report', async () => {
    const dir = tempDir();
    // Relative paths are resolved against the working directory; missing directories are created.
    const ok = await runProcesses(
      ['run', fixture('failing.js'), '--json', 'out/report.json', '--html', 'out/nested/report.html'],
      { cwd: dir },
    );
    expect(ok.code).toBe(1);
    expect(ok.stdout).toContain(`report JSON: ${join(dir, 'out/report.json')}`);
    expect(ok.stdout).toContain(`HTML report: ${join(dir, 'out/nested/report.html')}`);

    const json = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
    expect(json.process_name).toBe('failing-pipeline');
    expect(json.summary).toEqual({ success: 2, errored: 1, skipped: 1, cancelled: 0, pending: 0 });
    const report = ProcessExecutionReport.fromJSON(json);
    expect(report.errored.get('transform')?.error?.exception).toBe('bad row <7> & "quoted"');
    expect(report.skipped.get('load')?.skippedBecause).toBe('transform');

    // Checked the way any renderer behind renderHtml() should pass: a whole page, every task, escaped, self-contained.
    const html = readFileSync(join(dir, 'out/nested/report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('failing-pipeline');
    for (const name of ['extract', 'transform', 'load', 'audit']) expect(html).toContain(name);
    expect(html).toMatch(/bad row (&#60;|&lt;)7(&#62;|&gt;) (&#38;|&amp;) (&#34;|&quot;)quoted(&#34;|&quot;)/);
    expect(html).not.toContain('<7>');
    expect(html).not.toMatch(/<script|<link|<img|src=/i);
  });

  it.skipIf(!existsSync('/proc/self'))(
    'fails at once, before the run, when a report file cannot have its directory (procfs)',
    async () => {
      // Node's recursive mkdir spins for ever on /proc; the CLI must fail, not hang.
      const { code, stderr } = await runProcesses(['run', 'ok.js', '--json', '/proc/processes-no-dir/r.json']);
      expect(code).not.toBe(0);
      expect(stderr).toContain('--json');
      expect(stderr).toContain('/proc/processes-no-dir/r.json');
    },
  );

  it('fails at once, before the run, when a report path is a directory', async () => {
    const dir = tempDir();
    for (const flag of ['--json', '--html']) {
      const { code, stdout, stderr } = await runProcesses(['run', 'ok.js', flag, dir]);
      expect(code).toBe(2);
      expect(stderr).toContain(`CliFileError [PROC_CLI_FILE_FAILED]`);
      expect(stderr).toContain(`${flag}: cannot write ${dir}: EISDIR`);
      // Nothing ran: the run would have been thrown away at the end.
      expect(stdout).not.toMatch(/start/);
    }
  });

  it('--only-errors lists only the errored tasks in the summary and the HTML report', async () => {
    const dir = tempDir();
    const { code, stdout } = await runProcesses(['run', 'failing.js', '--only-errors', '--html', join(dir, 'r.html')]);
    expect(code).toBe(1);
    const table = stdout.slice(stdout.indexOf('\ntask '), stdout.indexOf('\nfailing-pipeline:'));
    expect(table).toContain('transform');
    expect(table).not.toMatch(/\n(extract|audit|load)\s/);
    expect(stdout).toMatch(/failing-pipeline: 4 tasks · 2 succeeded · 1 errored · 1 skipped/);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('transform');
    expect(html).not.toContain('audit');
  });

  it('--quiet prints nothing but still exits with the outcome', async () => {
    const failing = await runProcesses(['run', 'failing.js', '--quiet']);
    expect(failing).toMatchObject({ code: 1, stdout: '', stderr: '' });
    const ok = await runProcesses(['run', 'ok.js', '-q']);
    expect(ok).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('runs a TypeScript pipeline file whose worker task module is TypeScript too', async () => {
    const { code, stdout, stderr } = await runProcesses(['run', 'typed.ts']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(progressLines(stdout)).toContain('ok      norm · <time>');
    expect(stdout).toMatch(/typed-pipeline: 2 tasks · 2 succeeded/);
  });

  it('runs the Process a default-exported async function returns', async () => {
    const dir = tempDir();
    const { code } = await runProcesses(['run', 'factory.js', '--json', join(dir, 'r.json')]);
    expect(code).toBe(0);
    const report = ProcessExecutionReport.fromJSON(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(report.successes.get('greet')?.result).toBe('hello, world');
  });

  it('exits 2 and shows the typed error when the pipeline is invalid', async () => {
    const cyclic = await runProcesses(['run', 'cyclic.js']);
    expect(cyclic.code).toBe(2);
    expect(cyclic.stdout).toBe('');
    expect(cyclic.stderr).toContain('CircularDependencyError [PROC_CIRCULAR_DEPENDENCY]');
    expect(cyclic.stderr).toContain('Circular dependency detected: a -> c -> b -> a');

    const missing = await runProcesses(['run', 'missing-dependency.js']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('DependencyNotFoundError [PROC_DEPENDENCY_NOT_FOUND]');
    expect(missing.stderr).toContain('Task "report" depends on missing task "laod".');
  });

  it.each([
    [['run'], 'Missing the pipeline file'],
    [['run', 'ok.js', 'extra.js'], 'Unexpected argument: extra.js'],
    [['run', 'ok.js', '--bogus'], "Unknown option '--bogus'"],
    [['run', 'ok.js', '--max-workers', 'many'], 'Expected --max-workers to be a whole number >= 1, got "many"'],
    [['run', 'ok.js', '--max-workers', '0'], 'Expected --max-workers to be a whole number >= 1, got "0"'],
    [['run', 'ok.js', '--json'], "Option '--json <value>' argument missing"],
    [['run', 'ok.js', '--sequential', '--max-workers', '2'], '--sequential and --max-workers do not go together'],
  ])('exits 2 on a wrong command line: %j', async (args, message) => {
    const { code, stdout, stderr } = await runProcesses(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('Run `processes run --help` for usage.');
  });
});
