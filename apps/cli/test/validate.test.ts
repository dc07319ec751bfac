import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli, WorkerTaskCheckError } from '../dist/index.js';
import { FIXTURES, runProcesses, tempDir } from './helpers/cli.js';

/** `runCli` in this process, with streams that keep what is written (not terminals), colours off. */
async function runInProcess(args: string[], env: Record<string, string> = { NO_COLOR: '1' }) {
  const written = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _encoding, callback) {
        written[key] += String(chunk);
        callback();
      },
    });
  const code = await runCli(args, { stdout: sink('stdout'), stderr: sink('stderr'), env, cwd: FIXTURES });
  return { code, ...written };
}

describe('processes validate', () => {
  it('reports OK with the task count and the topological order, without running anything', async () => {
    const { code, stdout, stderr } = await runProcesses(['validate', 'ok.js']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('OK ok.js: process "ok-pipeline" is valid · 4 tasks');
    const order = stdout
      .split('\n')
      .filter((line) => /^ {2}\d\. /.test(line))
      .map((line) => line.trim().replace(/\s+/g, ' '));
    expect(order).toEqual(['1. load', '2. double ← load', '3. flaky ← load', '4. total ← double, flaky']);
    expect(stdout).not.toMatch(/\[\d\d:\d\d/);
  });

  it('marks worker-thread tasks with their module and export', async () => {
    const { code, stdout } = await runProcesses(['validate', 'typed.ts']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/2\.\s+norm\s+\[worker thread: typed-tasks\.ts#norm\]\s+← read\n/);
  });

  it('says when the pipeline exports channels', async () => {
    const { code, stdout } = await runProcesses(['validate', 'notify.js']);
    expect(code).toBe(0);
    expect(stdout).toContain('Channels: exported');
  });

  it('exits 2 on a cyclic pipeline and shows the error, its code and the cycle', async () => {
    const { code, stdout, stderr } = await runProcesses(['validate', 'cyclic.js']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      '✖ CircularDependencyError [PROC_CIRCULAR_DEPENDENCY]\n' +
        '  Circular dependency detected: a -> c -> b -> a (each task depends on the next).\n',
    );
  });

  it('exits 2 when a pipeline function throws a typed error', async () => {
    const { code, stderr } = await runProcesses(['validate', 'missing-dependency.js']);
    expect(code).toBe(2);
    expect(stderr).toContain('DependencyNotFoundError [PROC_DEPENDENCY_NOT_FOUND]');
  });

  it('exits 2 when the module exports no Process, naming what it does export', async () => {
    const { code, stderr } = await runProcesses(['validate', 'no-pipeline.js']);
    expect(code).toBe(2);
    expect(stderr).toContain('InvalidPipelineError [PROC_CLI_INVALID_PIPELINE]');
    expect(stderr).toContain('as `process` or `pipeline`; it exports `tasks`.');
  });

  it('exits 2 when an export is not a Process', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'number.mjs'), 'export const pipeline = 42;\n');
    const { code, stderr } = await runProcesses(['validate', 'number.mjs'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'expected export `pipeline` to be a Process, or a function returning one; got a number (42).',
    );
  });

  it('exits 2 when the file is missing', async () => {
    const dir = tempDir();
    const { code, stderr } = await runProcesses(['validate', 'nope.js'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain('PipelineNotFoundError [PROC_CLI_PIPELINE_NOT_FOUND]');
    expect(stderr).toContain(`Pipeline file not found: nope.js (looked for ${join(dir, 'nope.js')}).`);
  });

  it('exits 2 when the file cannot be imported, and shows where', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.mjs'), 'export default (;\n');
    writeFileSync(join(dir, 'throws.mts'), 'const n: number = 1;\nthrow new RangeError("no pipeline " + n);\n');
    const broken = await runProcesses(['validate', 'broken.mjs'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('PipelineLoadError [PROC_CLI_PIPELINE_LOAD_FAILED]');
    expect(broken.stderr).toContain('Pipeline broken.mjs could not be imported');
    expect(broken.stderr).toContain('SyntaxError');

    const throws = await runProcesses(['validate', 'throws.mts'], { cwd: dir });
    expect(throws.code).toBe(2);
    expect(throws.stderr).toContain('Pipeline throws.mts could not be imported: no pipeline 1');
    // The stack points into the TypeScript source.
    expect(throws.stderr).toMatch(/caused by:\n {4}RangeError: no pipeline 1\n {8}at .*throws\.mts:2:/);
  });

  it('says how to fix a TypeScript pipeline that Node loads as CommonJS', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{ "name": "commonjs-project" }\n');
    writeFileSync(join(dir, 'cjs.ts'), 'throw new Error("no");\n');
    const { code, stderr } = await runProcesses(['validate', 'cjs.ts'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'The file was loaded as CommonJS (its package.json does not say "type": "module"). Pipelines are ES modules: rename it to .mts, or add "type": "module" to its package.json.',
    );
  });

  it('shows file:line:column for a syntax error in an .mjs pipeline, as for .ts', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.mjs'), 'const rows = [1, 2];\nexport default (;\n');
    const { code, stderr } = await runProcesses(['validate', 'broken.mjs'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain(
      `  Pipeline broken.mjs could not be imported: Unexpected token ';'\n  Syntax error at ${join(dir, 'broken.mjs')}:2:17\n      export default (;\n                      ^\n`,
    );
  });

  it('finds the syntax error in a local module the .mjs pipeline imports', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'pipeline.mjs'), "import { rows } from './lib/rows.mjs';\nexport default rows;\n");
    writeFileSync(join(dir, 'lib', 'rows.mjs'), 'export const rows = [1, 2;\n');
    const { code, stderr } = await runProcesses(['validate', 'pipeline.mjs'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain(`Syntax error at ${join(dir, 'lib', 'rows.mjs')}:1:26\n`);
  });
});

describe('processes validate: worker tasks', () => {
  it('loads worker task modules in a throwaway thread: their side effects stay off the main thread', async () => {
    const dir = tempDir();
    const file = join(dir, 'side-effect.json');
    process.env['PROCESSES_SIDE_EFFECT_FILE'] = file;
    try {
      const { code, stdout, stderr } = await runInProcess(['validate', 'worker-check/pipeline-ok.js']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(
        "Worker tasks: 1 module loaded in a throwaway worker thread; every task's export is a function.",
      );
      // What the module prints while it loads is not validate's output.
      expect(stdout).not.toContain('printed while importing');
    } finally {
      delete process.env['PROCESSES_SIDE_EFFECT_FILE'];
    }
    // The module ran (it wrote its file), in a worker thread, and set its global there, not here.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ isMainThread: false });
    expect(JSON.parse(readFileSync(file, 'utf8')).threadId).toBeGreaterThan(0);
    expect((globalThis as Record<string, unknown>)['__processesValidateSideEffect']).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 with one line per task that cannot run, naming the task, the module and the export', async () => {
    const { code, stdout, stderr } = await runProcesses(['validate', 'worker-check/pipeline-bad.js']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const fixture = (name: string) => join(FIXTURES, 'worker-check', name);
    expect(stderr).toBe(
      [
        '✖ WorkerTaskCheckError [PROC_CLI_WORKER_TASK_INVALID]',
        '  Pipeline worker-check/pipeline-bad.js: 6 worker tasks cannot run:',
        '  Task "typo": module worker-check/side-effects.js has no export `pars` (it exports `config`, `parse`).',
        '  Task "not_a_function": module worker-check/side-effects.js: export `config` is an object, not a function.',
        `  Task "missing_module": module worker-check/no-such-tasks.js was not found (no file at ${fixture('no-such-tasks.js')}).`,
        `  Task "bad_syntax": module worker-check/syntax-error.mjs cannot be imported: SyntaxError: Unexpected token ';' (at ${fixture('syntax-error.mjs')}:2:11)`,
        '  Task "exits": module worker-check/exits.js ended its thread while importing (exit code 3).',
        '  Task "typescript": module typed-tasks.ts has no export `normalise` (it exports `norm`).',
        '  Run `processes validate --no-load` to check the graph without loading modules.',
        '',
      ].join('\n'),
    );
  });

  it('runs in process too, leaving the caller’s globals alone', async () => {
    const { code, stderr } = await runInProcess(['validate', 'worker-check/pipeline-bad.js']);
    expect(code).toBe(2);
    expect(stderr).toContain(`[${WorkerTaskCheckError.code}]`);
    expect(stderr).toContain('Task "typo": module worker-check/side-effects.js has no export `pars`');
    expect((globalThis as Record<string, unknown>)['__processesValidateSideEffect']).toBeUndefined();
  });

  it('checks a TypeScript worker module through tsx', async () => {
    const { code, stdout } = await runProcesses(['validate', 'typed.ts']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "Worker tasks: 1 module loaded in a throwaway worker thread; every task's export is a function.",
    );
  });

  it('skips loading modules with --no-load', async () => {
    const dir = tempDir();
    const file = join(dir, 'side-effect.json');
    const { code, stdout } = await runProcesses(['validate', 'worker-check/pipeline-bad.js', '--no-load'], {
      env: { PROCESSES_SIDE_EFFECT_FILE: file },
    });
    expect(code).toBe(0);
    expect(stdout).toContain('OK worker-check/pipeline-bad.js: process "worker-check-bad" is valid · 8 tasks');
    expect(stdout).toContain('Worker tasks: modules not loaded (--no-load).');
    expect(existsSync(file)).toBe(false);
  });
});
