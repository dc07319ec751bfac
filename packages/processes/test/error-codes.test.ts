import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../dist/index.js';

// docs/errors.md is the one list of codes for every package: errors in the
// tables before "## Warnings", warnings after it. Rows: | `CODE` | what | fix |.
const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const [errorPart = '', warningPart = ''] = docs.split(/^## Warnings$/m);
const rows = (text: string) =>
  new Map(
    [...text.matchAll(/^\| `(PROC_[A-Z_]+)` \| (.+?) \| (.+?) \|$/gm)].map((m) => [
      m[1] ?? '',
      { what: m[2] ?? '', fix: m[3] ?? '' },
    ]),
  );
const documentedErrors = rows(errorPart);
const documentedWarnings = rows(warningPart);

type ErrorCtor = abstract new (...args: never[]) => api.ProcessesError;
const errorClasses: [string, ErrorCtor][] = Object.entries(api as Record<string, unknown>).flatMap(
  ([name, value]): [string, ErrorCtor][] =>
    typeof value === 'function' && value.prototype instanceof api.ProcessesError ? [[name, value as ErrorCtor]] : [],
);
const codeOf = (ctor: ErrorCtor): string => (ctor as unknown as { code: string }).code;

/** Warning codes emitted anywhere in the packages' sources: `code: 'PROC_…'` next to emitWarning, or a `…_WARNING` constant. */
function warningCodesInSources(): Set<string> {
  const codes = new Set<string>();
  const root = new URL('../../', import.meta.url);
  for (const pkg of readdirSync(root)) {
    const walk = (dir: URL): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(new URL(`${entry.name}/`, dir));
        else if (entry.name.endsWith('.ts')) {
          const text = readFileSync(new URL(entry.name, dir), 'utf8');
          for (const m of text.matchAll(/_WARNING\s*=\s*'(PROC_[A-Z_]+)'/g)) codes.add(m[1] ?? '');
        }
      }
    };
    try {
      walk(new URL(`${pkg}/src/`, root));
    } catch {
      // a package without src/
    }
  }
  return codes;
}

describe('error and warning codes across every package', () => {
  it('finds the error classes of every package', () => {
    const names = errorClasses.map(([name]) => name);
    for (const expected of ['TaskTimeoutError', 'UnknownPaletteError', 'EmailDeliveryError', 'WebhookDeliveryError']) {
      expect(names).toContain(expected);
    }
  });

  it.each(errorClasses)('%s has a unique PROC_ code with a row in docs/errors.md', (name, ctor) => {
    const code = codeOf(ctor);
    expect(code).toMatch(/^PROC_[A-Z_]+$/);
    expect(errorClasses.filter(([other, c]) => other !== name && codeOf(c) === code).map(([n]) => n)).toEqual([]);
    const row = documentedErrors.get(code);
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    expect(row?.what.length).toBeGreaterThan(10);
    expect(row?.fix.length).toBeGreaterThan(5);
  });

  it('documents no error code that no exported error uses', () => {
    const used = new Set(errorClasses.map(([, c]) => codeOf(c)));
    expect([...documentedErrors.keys()].filter((code) => !used.has(code))).toEqual([]);
  });

  it('documents exactly the warning codes the sources emit', () => {
    const emitted = warningCodesInSources();
    expect(emitted.size).toBeGreaterThanOrEqual(5);
    expect([...documentedWarnings.keys()].sort()).toEqual([...emitted].sort());
    for (const row of documentedWarnings.values()) expect(row.fix.length).toBeGreaterThan(5);
  });
});
