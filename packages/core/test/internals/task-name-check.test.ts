import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTaskName, lowerCased } from '../../dist/definition/task-dependency.js';

const NAME_PATTERN = /^\S+$/;

describe('the task name scan', () => {
  it('accepts exactly what /^\\S+$/ accepts, for every UTF-16 code unit alone and inside a name', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const unit = String.fromCharCode(code);
      for (const name of [unit, `a${unit}`, `${unit}b`, `a${unit}b`]) {
        if (isTaskName(name) !== NAME_PATTERN.test(name)) {
          throw new Error(
            `isTaskName disagrees with the pattern on U+${code.toString(16).padStart(4, '0')} in ${JSON.stringify(name)}`,
          );
        }
      }
    }
    expect(isTaskName('')).toBe(false);
  });

  it('accepts exactly what /^\\S+$/ accepts, for any string', () => {
    const whitespace = fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\u00a0',
      '\u2003',
      '\u2028',
      '\u3000',
      '\ufeff',
      '\u0085',
      '\u180e',
    );
    const text = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), whitespace), { maxLength: 5 });
    fc.assert(
      fc.property(text, (parts) => {
        const name = parts.join('');
        expect(isTaskName(name)).toBe(NAME_PATTERN.test(name));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('lowerCased', () => {
  it('gives what toLowerCase gives, for every UTF-16 code unit and any string', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const name = `x${String.fromCharCode(code)}`;
      if (lowerCased(name) !== name.toLowerCase()) throw new Error(`lowerCased differs on U+${code.toString(16)}`);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (name) => {
        expect(lowerCased(name)).toBe(name.toLowerCase());
      }),
      { numRuns: 3000 },
    );
  });
});
