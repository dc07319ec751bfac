// The README's DOT step, for real: `processes graph --format dot | dot -Tsvg`
// renders with Graphviz. Skipped (with one line from the global setup) where
// graphviz is not installed and cannot be; CI installs it.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { systemPackageBinary } from '../../../scripts/ensure-system-package.mjs';
import { runProcesses } from './helpers/cli.js';

const DOT = systemPackageBinary('graphviz');

describe.skipIf(DOT === undefined)('processes graph --format dot, rendered by Graphviz', () => {
  it.each(['ok.js', 'typed.ts'])('renders the graph of %s as SVG with every task in it', async (file) => {
    const { code, stdout } = await runProcesses(['graph', file, '--format', 'dot']);
    expect(code).toBe(0);
    const svg = execFileSync(DOT ?? 'dot', ['-Tsvg'], { input: stdout, encoding: 'utf8' });
    expect(svg).toContain('<svg');
    const names = [...stdout.matchAll(/^ {2}"([^"]+)" \[label=/gm)].map((match) => match[1]);
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) expect(svg).toContain(`<title>${name}</title>`);
  });
});
