import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcesses, tempDir } from './helpers/cli.js';

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
});
