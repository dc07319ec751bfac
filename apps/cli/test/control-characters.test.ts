// Task names, process names and messages reach the terminal as text: an
// escape sequence in them is shown as `\u001b…`, never acted on (a retitled
// window, a cleared screen, a clipboard write, a line drawn over).
import { describe, expect, it } from 'vitest';
import { cliInProcess, runProcesses } from './helpers/cli.js';

/** What the fixture's task throws, and its names, as the CLI must show them. */
const SHOWN = 'upstream said: \\u001b]0;pwned\\u0007\\u001b[2J\\u001b]52;c;ZXZpbA==\\u0007\\u000dover\\u202eevil';
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what must not get through.
const ACTED_ON = /\x1b\]|\x1b\[2J|\x07|\r|\u202e/;

describe('control characters from tasks', () => {
  it('are shown, not sent, in the progress lines, the summary and the traceback', async () => {
    const { code, stdout, stderr } = await runProcesses(['run', 'hostile-text.js']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    // Colours are off on a pipe: no escape character at all may reach it.
    expect(stdout).not.toContain('\x1b');
    expect(stdout).not.toMatch(ACTED_ON);
    expect(stdout).toContain(`FAILED  fetch\\u001b[31m · 1 attempt · `);
    expect(stdout).toContain(`Error: ${SHOWN}`);
    expect(stdout).toMatch(/\nfetch\\u001b\[31m +errored +1 /);
    expect(stdout).toContain('hostile\\u001b]0;title\\u0007: 2 tasks');
    expect(stdout).toContain(`    Error: ${SHOWN}`);
  });

  it('are shown, not sent, on a terminal with live progress and colours', async () => {
    const { code, stdout } = await cliInProcess(['run', 'hostile-text.js'], { FORCE_COLOR: '1' }, true);
    expect(code).toBe(1);
    // The CLI's own colours and cursor moves are there; nothing from the tasks is.
    expect(stdout).toContain('\x1b[');
    expect(stdout).not.toMatch(ACTED_ON);
    expect(stdout).toContain('fetch\\u001b[31m');
    expect(stdout).toContain(SHOWN);
  });

  it('are shown, not sent, by validate', async () => {
    const { code, stdout } = await runProcesses(['validate', 'hostile-text.js']);
    expect(code).toBe(0);
    expect(stdout).not.toContain('\x1b');
    expect(stdout).toContain('process "hostile\\u001b]0;title\\u0007" is valid');
    expect(stdout).toContain('← fetch\\u001b[31m');
  });

  it.each(['mermaid', 'dot'])('are shown, not sent, in a %s graph printed to the terminal', async (format) => {
    const { code, stdout } = await runProcesses(['graph', 'hostile-text.js', '--format', format]);
    expect(code).toBe(0);
    expect(stdout).not.toContain('\x1b');
    expect(stdout).not.toContain('\x07');
    expect(stdout).toContain('u001b[31m');
  });
});
