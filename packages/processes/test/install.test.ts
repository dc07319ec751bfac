// The library as a stranger gets it: the workspace is packed as for a
// registry (scripts/release-pack.mjs), the tarballs are installed with plain
// npm into an empty folder outside the repository, and there, with nothing
// of the workspace in reach, the README's Quick start, a JavaScript and a
// TypeScript pipeline with worker tasks, a strict type-check of the shipped
// .d.ts and the `processes` command all have to work.
//
// npm installs the third-party dependencies (pino, piscina, zod, nodemailer,
// tsx, typescript) from the registry, or from npm's cache when it has them.
import { type ExecFileSyncOptions, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/install/', import.meta.url));
const WINDOWS = process.platform === 'win32';

let work = '';
let project = '';

/** Runs a command; a failure carries its exit code and everything it printed, so CI shows npm's own words. */
function run(command: string, args: readonly string[], options: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync(command, args, {
      cwd: project,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: WINDOWS,
      timeout: 240_000,
      ...options,
    }) as string;
  } catch (error) {
    const failure = error as { status?: number | null; stdout?: unknown; stderr?: unknown; message: string };
    throw new Error(
      [
        `\`${command} ${args.join(' ')}\` failed (exit code ${failure.status ?? 'none'}) in ${String(options.cwd ?? project)}`,
        `--- stdout ---\n${String(failure.stdout ?? '')}`,
        `--- stderr ---\n${String(failure.stderr ?? failure.message)}`,
      ].join('\n'),
    );
  }
}

/** The version of a tool the workspace uses, so the installed project is checked with the same one. */
function workspaceVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** Every stack frame's file, as a path (file: URLs converted), leaving out Node's own frames. */
function frameFiles(stack: string): string[] {
  const files: string[] = [];
  for (const line of stack.split('\n')) {
    const match = /^\s+at (?:.*\()?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):\d+:\d+\)?$/.exec(line);
    if (match?.[1]) files.push(match[1].startsWith('file:') ? fileURLToPath(match[1]) : match[1]);
  }
  return files;
}

/** Frames must name files that exist in the installed project (what ships), and at least one must be the library's. */
function expectFramesThatShip(stack: string | undefined): void {
  expect(stack).toBeTypeOf('string');
  const files = frameFiles(stack ?? '');
  expect(files.length, `no file frames in:\n${stack}`).toBeGreaterThan(0);
  for (const file of files)
    expect(existsSync(file), `${file} (from the stack below) does not exist\n${stack}`).toBe(true);
  expect(files.some((file) => file.includes(`${path.sep}node_modules${path.sep}processes-`))).toBe(true);
}

/** The README's Quick start: its code block and the output its trailing comment promises. */
function readmeQuickStart(): { code: string; expected: string } {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Quick start\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error('README.md: no ```js block under "## Quick start"');
  const lines = code.split('\n');
  const start = lines.findIndex((line) => line.includes('// prints:'));
  const expected = lines
    .slice(start + 1)
    .map((line) => /^\s*\/\/ ?(.*)$/.exec(line)?.[1])
    .filter((line, index, all) => line !== undefined && all.slice(0, index).every((l) => l !== undefined));
  if (start < 0 || expected.length === 0) throw new Error('README.md Quick start: no "// prints:" comment block');
  return { code, expected: expected.join('\n') };
}

/** The README's "Your own pipeline" files: each ```ts block whose first line is `// <file name>`. */
function readmePipelineFiles(): Map<string, string> {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Your own pipeline.*$/m)[1]?.split(/^## /m)[0] ?? '';
  const files = new Map<string, string>();
  for (const [, code] of section.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const name = /^\/\/ ([\w.-]+\.ts)\b/.exec(code ?? '')?.[1];
    if (name !== undefined && code !== undefined) files.set(name, code);
  }
  return files;
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'processes-install-'));
  const artifacts = path.join(work, 'artifacts');
  project = path.join(work, 'project');
  run(process.execPath, [path.join(ROOT, 'scripts/release-pack.mjs'), '--destination', artifacts], { cwd: ROOT });

  mkdirSync(project);
  writeFileSync(
    path.join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  for (const file of readdirSync(FIXTURES)) copyFileSync(path.join(FIXTURES, file), path.join(project, file));

  const tarballs = readdirSync(artifacts)
    .filter((file) => file.endsWith('.tgz'))
    .map((file) => path.join(artifacts, file));
  run('npm', [
    'install',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...tarballs,
    `tsx@${workspaceVersion('tsx')}`,
    `typescript@${workspaceVersion('typescript')}`,
    `@types/node@${workspaceVersion('@types/node')}`,
  ]);
}, 600_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('installed from the packed tarballs with npm, outside the repository', { timeout: 240_000 }, () => {
  it('runs the README Quick start as written, as an .mjs file', () => {
    const { code, expected } = readmeQuickStart();
    writeFileSync(path.join(project, 'quick-start.mjs'), code);
    expect(run(process.execPath, ['quick-start.mjs']).trim()).toBe(expected);
  });

  it('runs an .mjs pipeline with worker tasks, and its stack traces name files that ship', () => {
    for (const flags of [[], ['--enable-source-maps']]) {
      const out = JSON.parse(run(process.execPath, [...flags, 'pipeline.mjs']).trim()) as {
        double: number[];
        threadId: number;
        tracebacks: string[];
      };
      expect(out.double).toEqual([2, 4, 6]);
      expect(out.threadId).toBeGreaterThan(0);
      expect(out.tracebacks[0]).toContain('explode: thrown on a worker thread');
      expect(out.tracebacks[1]).toContain('fail: thrown on the main thread');
      for (const traceback of out.tracebacks) expectFramesThatShip(traceback);
    }
  });

  it('runs a .ts pipeline whose worker module is TypeScript, through tsx', () => {
    const out = JSON.parse(run(process.execPath, ['--import', 'tsx', 'run-pipeline.ts']).trim()) as unknown;
    expect(out).toMatchObject({ ok: true, triple: [3, 6, 9] });
    expect((out as { threadId: number }).threadId).toBeGreaterThan(0);
  });

  it('type-checks a strict TypeScript consumer against the shipped .d.ts, libraries included', () => {
    // One import of every subpath the umbrella package exports, as the packed manifest lists them.
    const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules/processes-js/package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const subpaths = Object.keys(manifest.exports).filter((key) => key !== './package.json');
    expect(subpaths).toEqual(expect.arrayContaining(['.', './email', './webhook', './html', './cli']));
    const imports = subpaths.map(
      (subpath, index) => `import * as entry${index} from '${path.posix.join('processes-js', subpath)}';`,
    );
    writeFileSync(
      path.join(project, 'subpaths.ts'),
      `${imports.join('\n')}\nexport const entries: object[] = [${subpaths.map((_, i) => `entry${i}`).join(', ')}];\n`,
    );
    const tsc = path.join(project, 'node_modules/typescript/bin/tsc');
    run(process.execPath, [tsc, '-p', 'tsconfig.consumer.json']);

    // The check is real: a type error in the consumer fails it.
    writeFileSync(path.join(project, 'subpaths.ts'), `import { Task } from 'processes-js';\nnew Task('a', 1);\n`);
    expect(() => run(process.execPath, [tsc, '-p', 'tsconfig.consumer.json'])).toThrow(/TS2345|TS2769/);
  });

  it('has the `processes` command in node_modules/.bin: help, validate and run', () => {
    const bin = path.join(project, 'node_modules', '.bin', WINDOWS ? 'processes.cmd' : 'processes');
    expect(existsSync(bin)).toBe(true);
    expect(run(bin, ['--help'])).toContain('processes run <pipeline>');
    expect(run(bin, ['validate', 'pipeline.ts'])).toMatch(/valid/);
    run(bin, ['run', 'pipeline.ts', '--quiet', '--json', 'report.json']);
    const report = JSON.parse(readFileSync(path.join(project, 'report.json'), 'utf8')) as {
      entries: Record<string, { status: string; result?: unknown }>;
    };
    expect(report.entries['triple']).toMatchObject({ status: 'success', result: [3, 6, 9] });
  });

  it("runs the README's own-pipeline steps on its pipeline.ts and tasks.ts, as written", () => {
    const files = readmePipelineFiles();
    expect([...files.keys()].sort()).toEqual(['pipeline.ts', 'tasks.ts']);
    const dir = path.join(project, 'readme');
    mkdirSync(dir);
    for (const [name, code] of files) writeFileSync(path.join(dir, name), code);
    const bin = path.join(project, 'node_modules', '.bin', WINDOWS ? 'processes.cmd' : 'processes');
    expect(run(bin, ['validate', 'pipeline.ts'], { cwd: dir })).toMatch(/hash\s+\[worker thread: tasks\.ts#hash\]/);
    run(bin, ['run', 'pipeline.ts', '--quiet', '--json', 'report.json', '--html', 'report.html'], { cwd: dir });
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as {
      entries: Record<string, { status: string; result?: unknown }>;
    };
    expect(report.entries['sort']).toMatchObject({ status: 'success', result: [1, 2, 3] });
    expect(report.entries['hash']?.result).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('nightly');
  });
});
