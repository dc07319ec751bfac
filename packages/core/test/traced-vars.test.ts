import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  Process,
  type ProcessExecutionReport,
  Task,
  type TaskOptions,
  WorkerPool,
  workerTask,
} from '../dist/index.js';

// The task modules live in a temp dir with a real node_modules/ next to them,
// so "a package under node_modules" is one as far as frame selection can tell.
let dir: string;
let tasksUrl: URL;
const pool = new WorkerPool({ maxThreads: 2 });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'processes-traced-'));
  mkdirSync(join(dir, 'node_modules', 'fake-lib'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  writeFileSync(
    join(dir, 'node_modules', 'fake-lib', 'package.json'),
    '{ "name": "fake-lib", "type": "module", "main": "index.js" }',
  );
  writeFileSync(
    join(dir, 'node_modules', 'fake-lib', 'index.js'),
    'export function explode(input) {\n  const libLocal = "inside the library";\n  throw new Error("fake-lib failed on " + input);\n}\n',
  );
  writeFileSync(
    join(dir, 'tasks.js'),
    [
      "import { explode } from 'fake-lib';",
      'export function apply(data, factor) {',
      '  const marker_local = [1, 2];',
      "  throw new Error('apply failed');",
      '}',
      'export async function afterAwait(x) {',
      '  const before = x * 2;',
      '  await new Promise((resolve) => setTimeout(resolve, 5));',
      '  const after = before + 1;',
      "  throw new TypeError('after await ' + after);",
      '}',
      'function innermost(depth) {',
      "  const here = 'deepest';",
      "  throw new RangeError('deep ' + depth);",
      '}',
      'function middle() { const mid = 2; return innermost(3); }',
      'export function deep() { const top = 1; return middle(); }',
      'export function parseInput(text) {',
      '  const input = text;',
      '  return JSON.parse(input);',
      '}',
      'export function useLibrary(value) {',
      "  const mine = 'user frame';",
      '  return explode(value);',
      '}',
      'export function caughtThenDifferent() {',
      '  let attempts = 0;',
      "  try { const first = 'swallowed'; throw new Error(first); } catch { attempts++; }",
      "  const second = 'reported';",
      "  throw new Error('second error after ' + attempts);",
      '}',
      'export function secrets(options) {',
      "  const password = 'hunter2';",
      "  const visible = 'shown';",
      "  throw new Error('login failed');",
      '}',
      'export function throwString() {',
      "  const reason = 'because';",
      "  throw 'not an Error';",
      '}',
    ].join('\n'),
  );
  tasksUrl = pathToFileURL(join(dir, 'tasks.js'));
});
afterAll(() => pool.close());

async function failOn(exportName: string, options?: TaskOptions, runPool = pool): Promise<ProcessExecutionReport> {
  return new Process([new Task('t', workerTask(tasksUrl, exportName), options)]).run({ pool: runPool });
}
const errorOf = (report: ProcessExecutionReport) => report.entries.get('t')?.error;
const at = (line: number) => `${join(dir, 'tasks.js')}:${line}`;

describe('traced variables of a failing worker task', () => {
  it('are the locals and parameters of the frame that threw, with its file:line', async () => {
    const error = errorOf(await failOn('apply', { args: [{ k: 1 }, 3] }));
    expect(error?.tracedVars).toEqual({ data: '{ k: 1 }', factor: '3', marker_local: '[ 1, 2 ]' });
    expect(error?.tracedVarsLocation).toBe(at(4));
  });

  it('are captured for a throw after an await', async () => {
    const error = errorOf(await failOn('afterAwait', { args: [5] }));
    expect(error?.tracedVars).toEqual({ x: '5', before: '10', after: '11' });
    expect(error?.tracedVarsLocation).toBe(at(10));
  });

  it('come from the innermost frame of a throw several calls deep', async () => {
    const error = errorOf(await failOn('deep'));
    expect(error?.tracedVars).toEqual({ depth: '3', here: "'deepest'" });
    expect(error?.tracedVarsLocation).toBe(at(14));
  });

  it('come from the user frame when a builtin (JSON.parse) throws', async () => {
    const error = errorOf(await failOn('parseInput', { args: ['{bad'] }));
    expect(error?.errorName).toBe('SyntaxError');
    expect(error?.tracedVars).toEqual({ text: "'{bad'", input: "'{bad'" });
    expect(error?.tracedVarsLocation).toBe(at(20));
  });

  it('come from the user frame when a package under node_modules throws', async () => {
    const error = errorOf(await failOn('useLibrary', { args: ['x'] }));
    expect(error?.tracedVars).toEqual({ value: "'x'", mine: "'user frame'" });
    expect(error?.tracedVarsLocation).toBe(at(24));
  });

  it('come from the frame a tracedVarsFrameFilter names', async () => {
    const error = errorOf(await failOn('useLibrary', { args: ['x'], tracedVarsFrameFilter: 'fake-lib' }));
    expect(error?.tracedVars).toEqual({ input: "'x'", libLocal: "'inside the library'" });
    expect(error?.tracedVarsLocation).toBe(`${join(dir, 'node_modules', 'fake-lib', 'index.js')}:3`);
  });

  it('belong to the error that ended the attempt, not to one the task caught itself', async () => {
    const error = errorOf(await failOn('caughtThenDifferent'));
    expect(error?.exception).toBe('second error after 1');
    expect(error?.tracedVars).toEqual({ attempts: '1', second: "'reported'" });
    expect(error?.tracedVarsLocation).toBe(at(30));
  });

  it('are captured for a thrown non-Error', async () => {
    const error = errorOf(await failOn('throwString'));
    expect(error?.errorName).toBe('NonError');
    expect(error?.tracedVars).toEqual({ reason: "'because'" });
  });

  it('render a password local and token keys as [redacted], in the report JSON and the log file', async () => {
    const logPath = join(dir, 'secrets.log');
    await using process = new Process([
      new Task('login', workerTask(tasksUrl, 'secrets'), {
        kwargs: { token: 'abc123', user: 'ana', nested: { apiKey: 'k-1', region: 'eu' } },
        logPath,
      }),
    ]);
    const report = await process.run({ pool });
    const error = report.entries.get('login')?.error;
    expect(error?.tracedVars).toEqual({
      options: "{ token: '[redacted]', user: 'ana', nested: { apiKey: '[redacted]', region: 'eu' } }",
      password: '[redacted]',
      visible: "'shown'",
    });
    const json = JSON.stringify(report);
    expect(json).not.toContain('abc123');
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('k-1');
    expect(report.toJSON().entries['login']?.kwargs).toEqual({
      token: '[redacted]',
      user: 'ana',
      nested: { apiKey: '[redacted]', region: 'eu' },
    });
    const log = readFileSync(logPath, 'utf8');
    expect(log).not.toContain('abc123');
    expect(log).not.toContain('hunter2');
    const failure = log
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line['level'] === 'error');
    expect(failure?.['traced_vars']).toMatchObject({ password: '[redacted]', visible: "'shown'" });
    expect(failure?.['traced_vars_location']).toBe(at(35));
  });

  it('redact the names a Process adds, as names or a RegExp', async () => {
    for (const redact of [['visible'], /^VIS/i]) {
      const report = await new Process([new Task('t', workerTask(tasksUrl, 'secrets'), { kwargs: {} })], {
        redact,
      }).run({ pool });
      expect(errorOf(report)?.tracedVars['visible']).toBe('[redacted]');
    }
  });

  it('are not captured for a task with captureTracedVars: false, or on a pool with tracedVars: false', async () => {
    expect(errorOf(await failOn('apply', { args: [{}, 1], captureTracedVars: false }))?.tracedVars).toEqual({});
    await using plain = new WorkerPool({ maxThreads: 1, tracedVars: false });
    const error = errorOf(await failOn('apply', { args: [{}, 1] }, plain));
    expect(error?.exception).toBe('apply failed');
    expect(error?.tracedVars).toEqual({});
    expect(error?.tracedVarsLocation).toBe('');
  });

  it('reject a frame filter that is not a string', () => {
    expect(() => new Task('t', workerTask(tasksUrl, 'apply'), { tracedVarsFrameFilter: 3 as never })).toThrow(
      InvalidOptionError,
    );
  });
});

describe('traced variables of main-thread tasks', () => {
  it('are captured for a task that opts in, and never given to a concurrent task that did not', async () => {
    let releaseOther: () => void = () => undefined;
    const otherMayThrow = new Promise<void>((resolve) => {
      releaseOther = resolve;
    });
    const report = await new Process([
      new Task(
        'opted_in',
        async function optedIn(limit: number) {
          const mainLocal = { secretKey: 'x', v: limit };
          releaseOther();
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new Error(`main-thread failure at ${mainLocal.v}`);
        },
        { args: [7], captureTracedVars: true },
      ),
      new Task(
        'not_opted_in',
        async function notOptedIn() {
          await otherMayThrow;
          const otherLocal = 'must not leak';
          throw new Error(`concurrent failure ${otherLocal.length}`);
        },
        {},
      ),
    ]).run({ parallel: true });
    const opted = report.entries.get('opted_in')?.error;
    expect(opted?.tracedVars).toEqual({ limit: '7', mainLocal: "{ secretKey: '[redacted]', v: 7 }" });
    expect(opted?.tracedVarsLocation).toMatch(/traced-vars\.test\.ts:\d+$/);
    expect(report.entries.get('not_opted_in')?.error?.tracedVars).toEqual({});
  });

  it('are not captured for main-thread tasks by default', async () => {
    const report = await new Process([
      new Task('plain', function plain() {
        const local = 1;
        throw new Error(`plain ${local}`);
      }),
    ]).run();
    expect(report.entries.get('plain')?.error?.tracedVars).toEqual({});
  });
});
