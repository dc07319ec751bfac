import { describe, expect, it } from 'vitest';
import { runProcesses } from './helpers/cli.js';

describe('the richer graph at the command line', () => {
  it('processes graph shows map, runIf, pool and priority in Mermaid and DOT', async () => {
    const mermaid = await runProcesses(['graph', 'mapped.js']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toContain('  t1["parse<br/>map over split · max 2<br/>pool db ×1"]');
    expect(mermaid.stdout).toContain('  t0 -->|"map, args"| t1');
    expect(mermaid.stdout).toContain('["cleanup<br/>runIf allDone"]');
    expect(mermaid.stdout).toContain('["alert<br/>runIf anyFailed<br/>priority 5"]');
    const dot = await runProcesses(['graph', 'mapped.js', '--format', 'dot']);
    expect(dot.stdout).toContain('"parse" [label="parse\\nmap over split · max 2\\npool db ×1"];');
  });

  it('summarises a mapped task’s items in the progress lines: one line for the mapping, one per failed item', async () => {
    const { code, stdout } = await runProcesses(['run', 'mapped.js', '--sequential']);
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines.filter((line) => /parse\[\d/.test(line)).map((line) => line.replace(/^\[[^\]]+\] /, ''))).toEqual([
      expect.stringMatching(/^FAILED +parse\[3\] · 1 attempt · .+ · Error: bad item 4$/),
    ]);
    expect(stdout).toMatch(/map +parse · 5 items/);
    expect(stdout).toMatch(
      /FAILED +parse · 5 attempts · .+ · MappedItemsFailedError: Task "parse": 1 of 5 items failed \(indices 3\)/,
    );
    expect(stdout).toMatch(/skip +load · because parse errored/);
    expect(stdout).toMatch(/skip +alert · runIf anyFailed not met by split/);
    expect(stdout).toMatch(/ok +cleanup/);
    // The summary table says why by the rule, and the failure names only what it really skipped.
    expect(stdout).toMatch(/alert +skipped +0 +- +runIf anyFailed not met by split/);
    expect(stdout).toContain('skipped because of it: load\n');
  });
});
