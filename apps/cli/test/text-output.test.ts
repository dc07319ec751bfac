import { describe, expect, it } from 'vitest';
import type { CliIo } from '../dist/index.js';
import { cliInProcess as cli } from './helpers/cli.js';

// ESC [ … m: what util.styleText writes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is looked for.
const ANSI = /\x1b\[\d+m/;

describe('colours', () => {
  it.each<[string, CliIo['env'], boolean, boolean]>([
    ['a terminal', {}, true, true],
    ['a terminal with NO_COLOR', { NO_COLOR: '1' }, true, false],
    ['a terminal with TERM=dumb', { TERM: 'dumb' }, true, false],
    ['a pipe', {}, false, false],
    ['a pipe with FORCE_COLOR', { FORCE_COLOR: '1' }, false, true],
    ['a pipe with FORCE_COLOR=0', { FORCE_COLOR: '0' }, false, false],
    ['NO_COLOR over FORCE_COLOR', { NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
  ])('%s', async (_label, env, tty, coloured) => {
    const { code, stdout } = await cli(['validate', 'ok.js'], env, tty);
    expect(code).toBe(0);
    expect(ANSI.test(stdout)).toBe(coloured);
    if (coloured) expect(stdout.startsWith('\x1b[32m\x1b[1mOK\x1b[22m\x1b[39m ok.js')).toBe(true);
    else expect(stdout.startsWith('OK ok.js')).toBe(true);
  });
});

describe('text width', () => {
  it('aligns the columns of validate by terminal columns: CJK and emoji take two', async () => {
    const { stdout } = await cli(['validate', 'wide-names.js'], { NO_COLOR: '1' });
    expect(stdout).toContain(
      [
        '  1.  読み込み',
        '  2.  🚀launch    ← 読み込み',
        '  3.  x           ← 🚀launch',
        '  4.  집계        ← x, 読み込み',
      ].join('\n'),
    );
  });

  it('aligns the summary table of run', async () => {
    const { code, stdout } = await cli(['run', 'wide-names.js', '--sequential'], { NO_COLOR: '1' });
    expect(code).toBe(0);
    const table = stdout
      .slice(stdout.indexOf('\ntask ') + 1)
      .split('\n')
      .slice(0, 5);
    expect(table[0]).toBe('task      status   attempts  time    detail');
    // Each name is padded to the 8 columns of the widest, 読み込み: the status column starts at column 10.
    expect(table.slice(1).map((line) => line.slice(0, line.indexOf('success')))).toEqual([
      '読み込み  ',
      '🚀launch  ',
      'x         ',
      '집계      ',
    ]);
  });
});
