import { readFileSync } from 'node:fs';
import * as core from '@processes/core';
import { describe, expect, it } from 'vitest';
import * as api from '../dist/index.js';

const PACKAGE = '@processes/report-html';
const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
/** Rows of the package table in docs/errors.md: `| package | \`CODE\` | what happened | how to fix |`. */
const documented = new Map(
  [...docs.matchAll(/^\| (@processes\/[a-z-]+) \| `(PROC_[A-Z_]+)` \| (.+?) \| (.+?) \|$/gm)]
    .filter((m) => m[1] === PACKAGE)
    .map((m) => [m[2] ?? '', { what: m[3] ?? '', fix: m[4] ?? '' }]),
);

type ErrorCtor = abstract new (...args: never[]) => core.ProcessesError;
function errorClasses(module: object): [string, ErrorCtor][] {
  return Object.entries(module).flatMap(([name, value]): [string, ErrorCtor][] =>
    typeof value === 'function' && value.prototype instanceof core.ProcessesError ? [[name, value as ErrorCtor]] : [],
  );
}
const codeOf = (ctor: ErrorCtor): string => (ctor as unknown as { code: string }).code;
const ours = errorClasses(api);

describe(`${PACKAGE} error codes`, () => {
  it('exports its error classes', () => {
    expect(ours.map(([name]) => name).sort()).toEqual(['UnknownLanguageError', 'UnknownPaletteError']);
  });

  it.each(ours)('%s has a unique PROC_ code with a row in docs/errors.md', (name, ctor) => {
    const code = codeOf(ctor);
    expect(code).toMatch(/^PROC_[A-Z_]+$/);
    const others = [...errorClasses(core), ...ours.filter(([other]) => other !== name)].map(([, c]) => codeOf(c));
    expect(others).not.toContain(code);
    const row = documented.get(code);
    expect(row, `docs/errors.md has no ${PACKAGE} row for ${code}`).toBeDefined();
    expect(row?.what.length).toBeGreaterThan(10);
    expect(row?.fix.length).toBeGreaterThan(5);
  });

  it('documents no code that none of its errors uses', () => {
    const used = new Set(ours.map(([, ctor]) => codeOf(ctor)));
    expect([...documented.keys()].filter((code) => !used.has(code))).toEqual([]);
  });
});
