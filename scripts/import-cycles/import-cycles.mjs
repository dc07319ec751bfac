#!/usr/bin/env node
// Fails when the relative imports inside a package's src/ form a cycle, and
// names the cycle. Type-only imports count: a type cycle still ties the two
// modules' designs together (and `pnpm lint` runs this over packages/*/src and
// apps/*/src). No dependency: madge and dpdm need a resolver configured for
// `.js` specifiers that name `.ts` files; here that mapping is one line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = /\.(?:ts|mts|cts|tsx|js|mjs)$/;
const DECLARATION = /\.d\.[mc]?ts$/;
// `import … from '…'`, `export … from '…'`, `import '…'`, `import('…')`.
// Comments are stripped first, so a specifier quoted in a comment is no edge.
const SPECIFIER = /\b(?:from\s*|import\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;
const COMMENT = /\/\*[\s\S]*?\*\/|(^|[^:\\])\/\/.*$/gm;

/**
 * The relative imports of every source file under `dir`: a map from each file
 * (path relative to `dir`, `/`-separated) to the files it imports, in the
 * order they appear. A `./x.js` specifier names `./x.ts` when that exists, as
 * TypeScript's NodeNext resolution does.
 * @param {string} dir
 * @returns {Map<string, string[]>}
 */
export function importGraph(dir) {
  /** @type {Map<string, string[]>} */
  const graph = new Map();
  /** @type {string[]} */
  const files = [];
  const walk = (/** @type {string} */ at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (SOURCE.test(entry.name) && !DECLARATION.test(entry.name)) files.push(full);
    }
  };
  walk(dir);
  for (const file of files.sort()) {
    const text = readFileSync(file, 'utf8').replace(COMMENT, '$1');
    /** @type {string[]} */
    const targets = [];
    for (const match of text.matchAll(SPECIFIER)) {
      const target = resolveSpecifier(file, match[2] ?? '');
      if (target && !targets.includes(target)) targets.push(target);
    }
    graph.set(
      toKey(dir, file),
      targets.map((target) => toKey(dir, target)),
    );
  }
  return graph;
}

/** @param {string} from @param {string} specifier @returns {string | undefined} */
function resolveSpecifier(from, specifier) {
  const bare = path.resolve(path.dirname(from), specifier);
  const stem = bare.replace(/\.(?:[mc]?js|jsx)$/, '');
  const candidates = [bare, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, path.join(bare, 'index.ts')];
  return candidates.find((candidate) => SOURCE.test(candidate) && existsSync(candidate));
}

/** @param {string} dir @param {string} file */
function toKey(dir, file) {
  return path.relative(dir, file).split(path.sep).join('/');
}

/**
 * The import cycles of a graph, one per strongly connected component that
 * has one (Tarjan's algorithm). `cycle` is a path that starts and ends at the
 * same file, `[a, b, c, a]`; `files` are all the files of the component (every
 * one of them is on some cycle with every other). A component with more than
 * one file holds a cycle through its first file, found by a breadth-first
 * search back to it, so the cycle reported is a shortest one through it.
 * @param {ReadonlyMap<string, readonly string[]>} graph
 * @returns {{ cycle: string[], files: string[] }[]}
 */
export function findCycles(graph) {
  /** @type {Map<string, number>} */
  const index = new Map();
  /** @type {Map<string, number>} */
  const low = new Map();
  /** @type {string[]} */
  const stack = [];
  /** @type {string[][]} */
  const components = [];
  // Recursive: the depth is at most the number of files of one src/.
  const visit = (/** @type {string} */ node) => {
    const order = index.size;
    index.set(node, order);
    low.set(node, order);
    stack.push(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? order, low.get(to) ?? order));
      } else if (stack.includes(to)) {
        low.set(node, Math.min(low.get(node) ?? order, index.get(to) ?? order));
      }
    }
    if (low.get(node) !== order) return;
    const at = stack.lastIndexOf(node);
    components.push(stack.splice(at));
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);

  const cycles = [];
  for (const component of components) {
    const files = [...component].sort();
    const start = files[0] ?? '';
    if (files.length === 1 && !(graph.get(start) ?? []).includes(start)) continue;
    cycles.push({ cycle: shortestCycleThrough(graph, start, new Set(files)), files });
  }
  return cycles.sort((a, b) => ((a.files[0] ?? '') < (b.files[0] ?? '') ? -1 : 1));
}

/**
 * @param {ReadonlyMap<string, readonly string[]>} graph
 * @param {string} start
 * @param {ReadonlySet<string>} members the strongly connected component holding `start`
 * @returns {string[]}
 */
function shortestCycleThrough(graph, start, members) {
  /** @type {Map<string, string>} */
  const cameFrom = new Map();
  const queue = [start];
  for (const node of queue) {
    for (const to of graph.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = cameFrom.get(at) ?? start) path.unshift(at);
        path.unshift(start);
        return path;
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  // Unreachable for a strongly connected component; kept so the result is total.
  return [start, start];
}

/**
 * The cycles of each `src/` directory of the workspace packages under `root`
 * (`packages/*`, `apps/*`, `scripts/*`), as lines
 * `packages/x/src: a.ts -> b.ts -> a.ts`, followed by the other files of the
 * same knot when there are more.
 * @param {string} root
 * @returns {string[]}
 */
export function workspaceCycles(root) {
  const problems = [];
  for (const group of ['packages', 'apps', 'scripts']) {
    const groupDir = path.join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const pkg of readdirSync(groupDir, { withFileTypes: true })) {
      const src = path.join(groupDir, pkg.name, 'src');
      if (!pkg.isDirectory() || !existsSync(src)) continue;
      for (const { cycle, files } of findCycles(importGraph(src))) {
        const others = files.filter((file) => !cycle.includes(file));
        const rest = others.length > 0 ? ` (the same knot holds ${others.join(', ')})` : '';
        problems.push(`${group}/${pkg.name}/src: ${cycle.join(' -> ')}${rest}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../..'));
  const problems = workspaceCycles(root);
  if (problems.length > 0) {
    console.error(
      `Import cycles (break each by moving the shared part into a module both import):\n  ${problems.join('\n  ')}`,
    );
    process.exitCode = 1;
  } else {
    console.log('import-cycles: no import cycles in packages/*/src, apps/*/src, scripts/*/src');
  }
}
