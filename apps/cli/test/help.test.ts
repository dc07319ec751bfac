import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runProcesses } from './helpers/cli.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('help and version', () => {
  it('--version prints the version', async () => {
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = await runProcesses([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${manifest.version}\n`);
    }
  });

  it('--help lists the commands, the pipeline file shape and the exit codes', async () => {
    const { code, stdout } = await runProcesses(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('processes run <pipeline> [flags]');
    expect(stdout).toContain('processes validate <pipeline>');
    expect(stdout).toContain('processes graph <pipeline> [flags]');
    expect(stdout).toMatch(/Exit codes\n {2}0 {4}every task succeeded\n {2}1 {4}a task errored or was skipped\n {2}2 /);
    expect((await runProcesses(['help'])).stdout).toBe(stdout);
  });

  it.each([
    [
      'run',
      ['--max-workers <n>', '--sequential', '--json <file>', '--html <file>', '--notify', '--only-errors', '--quiet'],
    ],
    ['validate', ['processes validate <pipeline>']],
    ['graph', ['--format <format>', 'mermaid (default) or dot', '--report <file>']],
  ])('%s --help describes its flags', async (command, expected) => {
    const { code, stdout, stderr } = await runProcesses([command, '--help']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const text of expected) expect(stdout).toContain(text);
    expect((await runProcesses([command, '-h'])).stdout).toBe(stdout);
    expect((await runProcesses(['help', command])).stdout).toBe(stdout);
  });

  it('with no command prints the help to stderr and exits 2', async () => {
    const { code, stdout, stderr } = await runProcesses([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('processes run <pipeline> [flags]');
  });

  it('exits 2 on an unknown command or top-level flag', async () => {
    const command = await runProcesses(['frob']);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe(
      'processes: Unknown command "frob". Commands: run, validate, graph, worker, cache.\nRun `processes --help` for usage.\n',
    );
    const flag = await runProcesses(['--frob']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Unknown option "--frob".');
    const topic = await runProcesses(['help', 'frob']);
    expect(topic.code).toBe(2);
  });
});
