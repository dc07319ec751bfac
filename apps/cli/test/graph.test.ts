import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessExecutionReport, type TaskReportEntry } from 'processes-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { runProcesses, tempDir } from './helpers/cli.js';

describe('processes graph', () => {
  let reportPath = '';

  beforeAll(async () => {
    reportPath = join(tempDir(), 'failing.json');
    const { code } = await runProcesses(['run', 'failing.js', '--quiet', '--json', reportPath]);
    expect(code).toBe(1);
  });

  it('draws Mermaid by default: labelled edges for injected results, dotted for order only', async () => {
    const { code, stdout, stderr } = await runProcesses(['graph', 'ok.js']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        '---',
        'title: "ok-pipeline"',
        '---',
        'flowchart LR',
        '  t0["load"]',
        '  t1["double"]',
        '  t2["flaky"]',
        '  t3["total"]',
        '  t0 -->|"args"| t1',
        '  t0 -.-> t2',
        '  t1 -->|"doubled"| t3',
        '  t2 -.-> t3',
        '',
      ].join('\n'),
    );
  });

  it('draws DOT with --format dot, worker-thread tasks with a double border', async () => {
    const { code, stdout } = await runProcesses(['graph', 'typed.ts', '--format', 'dot']);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'digraph "typed-pipeline" {',
        '  rankdir=LR;',
        '  node [shape=box, style="rounded", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  // Double border: the task runs on a worker thread. Dashed edge: only the order matters.',
        '  "read" [label="read"];',
        '  "norm" [label="norm", peripheries=2];',
        '  "read" -> "norm" [label="args"];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('draws worker-thread tasks as Mermaid subroutines', async () => {
    const { stdout } = await runProcesses(['graph', 'typed.ts', '--format', 'mermaid']);
    expect(stdout).toContain('  t1[["norm"]]');
  });

  it('colours each task by its status from --report, in Mermaid', async () => {
    const { code, stdout } = await runProcesses(['graph', 'failing.js', '--report', reportPath]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ {2}t0\["extract<br\/>success · [\d.]+ m?s"\]/);
    expect(stdout).toMatch(/ {2}t1\["transform<br\/>errored · [\d.]+ m?s"\]/);
    expect(stdout).toContain('  t3["load<br/>skipped"]');
    expect(stdout).toContain('  classDef errored fill:#fee2e2,stroke:#dc2626,color:#7f1d1d\n  class t1 errored');
    expect(stdout).toContain('  class t0,t2 success');
    expect(stdout).toContain('  class t3 skipped');
  });

  it('colours each task by its status from --report, in DOT', async () => {
    const { code, stdout } = await runProcesses(['graph', 'failing.js', '--format', 'dot', '--report', reportPath]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /"transform" \[label="transform\\nerrored · [\d.]+ m?s", style="rounded,filled", fillcolor="#fee2e2", color="#dc2626", fontcolor="#7f1d1d"\];/,
    );
    expect(stdout).toContain('"load" [label="load\\nskipped", style="rounded,filled", fillcolor="#fef9c3"');
    expect(stdout).toContain('"transform" -> "load" [style=dashed];');
  });

  it('colours tasks an aborted run cancelled in their own colour', async () => {
    const entry = (name: string, status: TaskReportEntry['status'], attempts: number): TaskReportEntry => ({
      name,
      function: name,
      args: [],
      kwargs: {},
      status,
      elapsedMs: attempts,
      attempts,
    });
    const aborted = new ProcessExecutionReport({
      processName: 'ok-pipeline',
      entries: [
        entry('load', 'success', 1),
        entry('double', 'cancelled', 1),
        entry('flaky', 'cancelled', 0),
        entry('total', 'cancelled', 0),
      ],
    });
    const path = join(tempDir(), 'aborted.json');
    writeFileSync(path, JSON.stringify(aborted));
    const { code, stdout } = await runProcesses(['graph', 'ok.js', '--report', path]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '  classDef cancelled fill:#ffedd5,stroke:#ea580c,color:#7c2d12\n  class t1,t2,t3 cancelled',
    );
  });

  it('notes a report of another process, matches tasks by name, and draws the others as unknown', async () => {
    const { code, stdout, stderr } = await runProcesses(['graph', 'ok.js', '--report', reportPath]);
    expect(code).toBe(0);
    expect(stderr).toContain('note: the report is of process "failing-pipeline", the pipeline\'s is "ok-pipeline"');
    expect(stderr).toContain('note: the pipeline has no task "extract", "transform", "audit" from the report.');
    expect(stdout).toContain('  t0["load<br/>skipped"]');
    expect(stdout).toContain('  class t1,t2,t3 unknown');
  });

  it('escapes names for Mermaid labels and DOT strings', async () => {
    const dir = tempDir();
    const processes = new URL('../../../node_modules/processes-js/dist/index.js', import.meta.url).href;
    writeFileSync(
      join(dir, 'names.mjs'),
      `import { Process, Task, TaskDependency } from '${processes}';\n` +
        `export default new Process([new Task('a"<b>#1', () => 1), new Task('c\\\\d', (o) => o, { dependencies: [new TaskDependency('a"<b>#1', { useResultAsAdditionalKwargs: true, additionalKwargName: 'x|y' })] })], { name: 'n"m' });\n`,
    );
    const mermaid = await runProcesses(['graph', 'names.mjs'], { cwd: dir });
    expect(mermaid.stdout).toContain('title: "n\\"m"');
    expect(mermaid.stdout).toContain('  t0["a#34;#60;b#62;#35;1"]');
    expect(mermaid.stdout).toContain('  t0 -->|"x#124;y"| t1');
    const dot = await runProcesses(['graph', 'names.mjs', '--format', 'dot'], { cwd: dir });
    expect(dot.stdout).toContain('digraph "n\\"m" {');
    expect(dot.stdout).toContain('  "a\\"<b>#1" -> "c\\\\d" [label="x|y"];');
  });

  it('exits 2 on an unknown format, a missing report and a file that is not a report', async () => {
    const format = await runProcesses(['graph', 'ok.js', '--format', 'svg']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Expected --format to be mermaid or dot, got "svg".');

    const dir = tempDir();
    const missing = await runProcesses(['graph', 'ok.js', '--report', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('CliFileError [PROC_CLI_FILE_FAILED]');
    expect(missing.stderr).toContain(`--report: cannot read ${join(dir, 'nope.json')}`);

    writeFileSync(join(dir, 'other.json'), '{"hello": "world"}');
    const other = await runProcesses(['graph', 'ok.js', '--report', join(dir, 'other.json')]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('ReportFormatError [PROC_INVALID_REPORT_JSON]');
  });
});
