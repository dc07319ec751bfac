import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../dist/index.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
/** Codes with a row in docs/errors.md: `| \`CODE\` | what happened | how to fix |`. */
const documented = new Map(
  [...docs.matchAll(/^\| `(PROC_[A-Z_]+)` \| (.+?) \| (.+?) \|$/gm)].map((m) => [
    m[1] ?? '',
    { what: m[2] ?? '', fix: m[3] ?? '' },
  ]),
);

type ErrorCtor = abstract new (...args: never[]) => api.ProcessesError;
const errorClasses: [string, ErrorCtor][] = Object.entries(api as Record<string, unknown>).flatMap(
  ([name, value]): [string, ErrorCtor][] =>
    typeof value === 'function' && value.prototype instanceof api.ProcessesError ? [[name, value as ErrorCtor]] : [],
);

function codeOf(ctor: ErrorCtor): string {
  return (ctor as unknown as { code: string }).code;
}

describe('error codes', () => {
  it('finds the exported error classes', () => {
    expect(errorClasses.length).toBeGreaterThanOrEqual(14);
  });

  it.each(errorClasses)('%s has a unique PROC_ code with a row in docs/errors.md', (name, ctor) => {
    const code = codeOf(ctor);
    expect(code).toMatch(/^PROC_[A-Z_]+$/);
    const others = errorClasses.filter(([other]) => other !== name).map(([, c]) => codeOf(c));
    expect(others).not.toContain(code);
    const row = documented.get(code);
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    expect(row?.what.length).toBeGreaterThan(10);
    expect(row?.fix.length).toBeGreaterThan(5);
  });

  it('documents no code that no error or warning uses', () => {
    const used = new Set(errorClasses.map(([, c]) => codeOf(c)));
    const warnings = [
      'PROC_CHANNEL_FAILED',
      'PROC_EVENT_LISTENER_FAILED',
      'PROC_RETRY_PREDICATE_FAILED',
      'PROC_WORKER_LATE_ERROR',
      'PROC_WORKER_POOL_ERROR',
    ];
    for (const w of warnings) used.add(w);
    expect([...documented.keys()].filter((code) => !used.has(code))).toEqual([]);
  });

  it('errors carry their class name and are ProcessesError instances', () => {
    const error = new api.DependencyNotFoundError('report', 'laod');
    expect(error).toBeInstanceOf(api.ProcessesError);
    expect(error.name).toBe('DependencyNotFoundError');
    expect(error.taskName).toBe('report');
    expect(error.missingDependency).toBe('laod');
    expect(Object.keys(error)).not.toContain('name');
  });
});
