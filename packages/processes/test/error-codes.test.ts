import { readdirSync, readFileSync } from 'node:fs';
import { WarningCode } from 'processes-core/internal';
import { describe, expect, it } from 'vitest';
import * as distributed from '../dist/bullmq.js';
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
// The subpath `processes-js/bullmq` is checked with the main entry.
const errorClasses: [string, ErrorCtor][] = Object.entries({
  ...(api as Record<string, unknown>),
  ...(distributed as Record<string, unknown>),
}).flatMap(([name, value]): [string, ErrorCtor][] =>
  typeof value === 'function' && value.prototype instanceof api.ProcessesError ? [[name, value as ErrorCtor]] : [],
);
const codeOf = (ctor: ErrorCtor): string => (ctor as unknown as { code: string }).code;

/**
 * Every warning emitted anywhere in the packages' sources, as written at the
 * call: `emitProcessesWarning(WarningCode.NAME, …)` gives `NAME`; a direct
 * `process.emitWarning(` (allowed only inside the helper) gives its file.
 */
function warningsInSources(): { names: Set<string>; direct: string[] } {
  const names = new Set<string>();
  const direct: string[] = [];
  const root = new URL('../../../', import.meta.url);
  for (const group of ['packages', 'apps']) {
    for (const pkg of readdirSync(new URL(`${group}/`, root))) {
      const walk = (dir: URL): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          if (entry.isDirectory()) walk(new URL(`${entry.name}/`, dir));
          else if (entry.name.endsWith('.ts')) {
            const file = new URL(entry.name, dir);
            const text = readFileSync(file, 'utf8');
            for (const m of text.matchAll(/emitProcessesWarning\(\s*WarningCode\.([A-Z_]+)/g)) names.add(m[1] ?? '');
            if (/process\.emitWarning\(/.test(text) && !file.pathname.endsWith('/core/src/errors/warnings.ts')) {
              direct.push(file.pathname);
            }
          }
        }
      };
      try {
        walk(new URL(`${group}/${pkg}/src/`, root));
      } catch {
        // a package without src/
      }
    }
  }
  return { names, direct };
}

describe('error and warning codes across every package', () => {
  it('finds the error classes of every package', () => {
    const names = errorClasses.map(([name]) => name);
    for (const expected of [
      'TaskTimeoutError',
      'UnknownPaletteError',
      'EmailDeliveryError',
      'WebhookDeliveryError',
      'WorkerLostError',
    ]) {
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

  it('emits every warning through emitProcessesWarning with a code from the catalogue', () => {
    const { names, direct } = warningsInSources();
    expect(direct).toEqual([]);
    expect(names.size).toBeGreaterThanOrEqual(5);
    expect([...names].filter((name) => !(name in WarningCode))).toEqual([]);
  });

  it('documents exactly the warning codes of the catalogue', () => {
    const catalogue = Object.values(WarningCode);
    expect(new Set(catalogue).size).toBe(catalogue.length);
    expect([...documentedWarnings.keys()].sort()).toEqual([...catalogue].sort());
    for (const row of documentedWarnings.values()) expect(row.fix.length).toBeGreaterThan(5);
  });
});
