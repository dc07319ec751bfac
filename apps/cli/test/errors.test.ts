import { readFileSync } from 'node:fs';
import { ProcessesError } from 'processes-js';
import { describe, expect, it } from 'vitest';
import * as api from '../dist/index.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
/** The CLI's rows in docs/errors.md: `| \`processes-cli\` | \`CODE\` | what happened | how to fix |`. */
const documented = new Map(
  [...docs.matchAll(/^\| `processes-cli` \| `(PROC_[A-Z_]+)` \| (.+?) \| (.+?) \|$/gm)].map((m) => [
    m[1] ?? '',
    { what: m[2] ?? '', fix: m[3] ?? '' },
  ]),
);
/** Every other code in the document, which a CLI code must not reuse. */
const otherCodes = [...docs.matchAll(/^\| (?:`processes-(?!cli`)[\w-]+` \| )?`(PROC_[A-Z_]+)` \|/gm)].map((m) => m[1]);

const errorClasses = Object.entries(api as Record<string, unknown>).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof ProcessesError,
);
const codeOf = (ctor: unknown): string => (ctor as { code: string }).code;

describe('error codes', () => {
  it('finds the exported error classes', () => {
    expect(errorClasses.map(([name]) => name).sort()).toEqual([
      'CliFileError',
      'InvalidPipelineError',
      'PipelineLoadError',
      'PipelineNotFoundError',
      'UsageError',
      'WorkerTaskCheckError',
    ]);
  });

  it.each(errorClasses)('%s has a unique PROC_CLI_ code with a row in docs/errors.md', (name, ctor) => {
    const code = codeOf(ctor);
    expect(code).toMatch(/^PROC_CLI_[A-Z_]+$/);
    expect(errorClasses.filter(([other]) => other !== name).map(([, c]) => codeOf(c))).not.toContain(code);
    const row = documented.get(code);
    expect(row, `docs/errors.md has no row for ${code} (${name})`).toBeDefined();
    expect(row?.what.length).toBeGreaterThan(10);
    expect(row?.fix.length).toBeGreaterThan(5);
    expect(otherCodes).not.toContain(code);
  });

  it('documents no CLI code that no exported error uses', () => {
    const used = new Set(errorClasses.map(([, ctor]) => codeOf(ctor)));
    expect([...documented.keys()].filter((code) => !used.has(code))).toEqual([]);
  });
});
