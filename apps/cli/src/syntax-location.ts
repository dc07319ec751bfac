// Where a syntax error in a JavaScript module is. For an ES module Node 20
// gives `import()`'s SyntaxError no location at all (the stack starts at
// Node's own compileSourceTextModule; the file and line are kept in a private
// "arrow message" only printed for uncaught errors), while tsx reports
// `file:line:column` for TypeScript. So the file, and the local modules it
// imports, are checked with `node --check`, which prints the place.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where a syntax error is, with the source line and a caret under the column. */
export interface SyntaxLocation {
  /** Absolute path of the file. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based; undefined when Node could not point at a column (an unexpected end of input). */
  readonly column: number | undefined;
  /** The source line and the caret line under it, as `node --check` prints them (may be empty). */
  readonly excerpt: string;
}

/** Files `node --check` understands; TypeScript goes through tsx, whose errors say where already. */
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);
/** How many local modules are checked at most, following imports from the entry. */
const MAX_FILES = 200;
/** Static imports and re-exports of relative paths: `import x from './a.js'`, `import './b.mjs'`, `export * from '../c.js'`. */
const LOCAL_IMPORT = /(?:^|[\s;}])(?:import|export)\s*(?:[\w*${}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"'\n]+)["']/g;

/**
 * The location of a syntax error in a JavaScript module, as the first line
 * of a SyntaxError's stack gives it (`/path/file.mjs:12`, Node 22+, and
 * CommonJS on any version), with the column from the caret line after it.
 */
export function syntaxErrorLocation(error: unknown): string | undefined {
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return undefined;
  const [first = '', source, caret] = stack.split('\n');
  const match = /^((?:file:\/\/)?\/.*|[A-Za-z]:\\.*):(\d+)$/.exec(first);
  if (!match) return undefined;
  const column = caret !== undefined && source !== undefined && /^\s*\^/.test(caret) ? caret.indexOf('^') + 1 : 0;
  return `${match[1]}:${match[2]}${column > 0 ? `:${column}` : ''}`;
}

/**
 * Finds the syntax error that made `entry` fail to import: `node --check` on
 * it, then breadth-first on the local modules it imports statically, the
 * first failure wins. Undefined when none of them has one (the error came
 * from a package, or a dynamic import).
 */
export async function locateSyntaxError(entry: string): Promise<SyntaxLocation | undefined> {
  const queue = [resolve(entry)];
  const seen = new Set(queue);
  for (let i = 0; i < queue.length && i < MAX_FILES; i++) {
    const file = queue[i] as string;
    if (!JAVASCRIPT.has(extname(file))) continue;
    const found = await checkSyntax(file);
    if (found) return found;
    const source = await readFile(file, 'utf8').catch(() => '');
    for (const match of source.matchAll(LOCAL_IMPORT)) {
      const imported = resolve(dirname(file), (match[1] as string).replace(/[?#].*$/, ''));
      if (!seen.has(imported)) {
        seen.add(imported);
        queue.push(imported);
      }
    }
  }
  return undefined;
}

/** `node --check file`: undefined when it parses, else where it does not. */
async function checkSyntax(file: string): Promise<SyntaxLocation | undefined> {
  try {
    await run(process.execPath, ['--check', file], { timeout: 10_000, windowsHide: true });
    return undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    return parseCheckOutput(file, stderr);
  }
}

/**
 * `node --check` prints `<file>:<line>`, the source line, a caret line,
 * a blank line, then `SyntaxError: …`.
 */
function parseCheckOutput(file: string, stderr: string): SyntaxLocation | undefined {
  const lines = stderr.split('\n');
  const at = lines.findIndex((line) => line.startsWith(`${file}:`));
  if (at === -1 || !lines.some((line) => line.startsWith('SyntaxError'))) return undefined;
  const line = Number((lines[at] as string).slice(file.length + 1));
  if (!Number.isInteger(line) || line < 1) return undefined;
  const source = lines[at + 1] ?? '';
  const caret = lines[at + 2] ?? '';
  const column = /^\s*\^/.test(caret) ? caret.indexOf('^') + 1 : undefined;
  return { file, line, column, excerpt: column === undefined ? '' : `${source}\n${caret.trimEnd()}` };
}

/** `/path/file.mjs:2:16` (or `:2` without a column). */
export function formatLocation(location: SyntaxLocation): string {
  return `${location.file}:${location.line}${location.column === undefined ? '' : `:${location.column}`}`;
}
