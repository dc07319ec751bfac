import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findCycles, importGraph, workspaceCycles } from '../import-cycles.mjs';

const SCRIPT = fileURLToPath(new URL('../import-cycles.mjs', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const made: string[] = [];

/** A directory holding `files` (relative path → source text). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'import-cycles-'));
  made.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('importGraph', () => {
  it('maps `.js` specifiers to the `.ts` files and counts every form of import', () => {
    const src = tree({
      'index.ts': [
        "import { a } from './a.js';",
        "import type { B } from './b/b.js';",
        "export { c } from './c.js';",
        "import './side-effect.js';",
        "const lazy = () => import('./lazy.js');",
        "import { readFileSync } from 'node:fs';",
      ].join('\n'),
      'a.ts': "export * from '../outside.js';\nexport const a = 1;",
      'b/b.ts': "import { a } from '../a.js';\nexport type B = typeof a;",
      'c.ts': 'export const c = 1;',
      'side-effect.ts': '',
      'lazy.ts': '',
      'types.d.ts': "import './a.js';",
    });
    const graph = importGraph(src);
    expect(graph.get('index.ts')).toEqual(['a.ts', 'b/b.ts', 'c.ts', 'side-effect.ts', 'lazy.ts']);
    expect(graph.get('b/b.ts')).toEqual(['a.ts']);
    // A missing file or one outside src/ is no edge inside it; declaration files are not sources.
    expect(graph.get('a.ts')).toEqual([]);
    expect(graph.has('types.d.ts')).toBe(false);
  });

  it('ignores specifiers inside comments', () => {
    const src = tree({
      'a.ts': "// import { b } from './b.js';\n/* export { b } from './b.js'; */\n/** {@link import('./b.js')} */\n",
      'b.ts': "import { a } from './a.js';",
    });
    expect(importGraph(src).get('a.ts')).toEqual([]);
  });
});

describe('findCycles', () => {
  it('finds nothing in a graph without cycles', () => {
    const graph = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', []],
    ]);
    expect(findCycles(graph)).toEqual([]);
  });

  it('names a cycle as a path back to its first file, with every file of the knot', () => {
    const graph = new Map([
      ['report', ['notify', 'json']],
      ['notify', ['report']],
      ['json', ['errors']],
      ['errors', ['report']],
      ['leaf', []],
    ]);
    expect(findCycles(graph)).toEqual([
      { cycle: ['errors', 'report', 'json', 'errors'], files: ['errors', 'json', 'notify', 'report'] },
    ]);
  });

  it('reports each knot once, and a file importing itself', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['a']],
      ['c', ['d']],
      ['d', ['e']],
      ['e', ['c']],
      ['self', ['self']],
    ]);
    expect(findCycles(graph).map(({ cycle }) => cycle)).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'e', 'c'],
      ['self', 'self'],
    ]);
  });

  it('gives the shortest cycle through the first file', () => {
    const graph = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(findCycles(graph)[0]?.cycle).toEqual(['a', 'c', 'a']);
  });
});

describe('the lint check', () => {
  it('fails naming the cycle, its package and the rest of the knot, including type-only imports', () => {
    const root = tree({
      'packages/clean/src/index.ts': "export { a } from './a.js';",
      'packages/clean/src/a.ts': 'export const a = 1;',
      'packages/knotted/src/report.ts': "import { send } from './notify.js';\nexport class Report {}",
      'packages/knotted/src/notify.ts': "import type { Report } from './report.js';\nexport const send = 1;",
      'packages/knotted/src/errors.ts': "import type { Report } from './report.js';",
      'packages/knotted/src/json.ts': "import { send } from './notify.js';",
      'apps/tool/src/main.ts': "import './util/loop.js';",
      'apps/tool/src/util/loop.ts': "import '../main.js';",
    });
    // report.ts ↔ notify.ts is the knot; errors.ts and json.ts only import into it.
    expect(workspaceCycles(root)).toEqual([
      'packages/knotted/src: notify.ts -> report.ts -> notify.ts',
      'apps/tool/src: main.ts -> util/loop.ts -> main.ts',
    ]);
    const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('packages/knotted/src: notify.ts -> report.ts -> notify.ts');
  });

  it('lists the other files of a knot bigger than its shortest cycle', () => {
    const root = tree({
      'packages/p/src/a.ts': "import './b.js';\nimport './c.js';",
      'packages/p/src/b.ts': "import './a.js';",
      'packages/p/src/c.ts': "import './d.js';",
      'packages/p/src/d.ts': "import './a.js';",
    });
    expect(workspaceCycles(root)).toEqual(['packages/p/src: a.ts -> b.ts -> a.ts (the same knot holds c.ts, d.ts)']);
  });

  it('passes on this repository', () => {
    expect(workspaceCycles(REPO)).toEqual([]);
    expect(execFileSync(process.execPath, [SCRIPT], { encoding: 'utf8' })).toContain('no import cycles');
  });
});
