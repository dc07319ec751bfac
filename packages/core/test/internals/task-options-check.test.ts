import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taskOptionsSchema } from '../../dist/options/task-options.js';
import { quickTaskOptions, releaseQuickOptions } from '../../dist/options/task-options-check.js';

/** Values of every kind a user might put in an option, valid or not. */
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 3 }),
  fc.double(),
  fc.integer({ min: -3, max: 3 }),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.constant(2_147_483_648),
  fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
  fc.constant({ initialMs: 5 }),
  fc.constant(Object.create(null) as object),
  fc.constant(() => true),
  fc.constant(new URL('file:///tmp/x.log')),
  fc.constant(new Date(0)),
);
const key = fc.constantFrom(
  'logPath',
  'args',
  'kwargs',
  'dependencies',
  'tracedVarsFrameFilter',
  'captureTracedVars',
  'timeoutMs',
  'retries',
  'retryOn',
  'retryDelayMs',
  'transferResult',
  'timeout',
  'toString',
);

describe('the quick task-options check', () => {
  it('accepts only what the schema accepts, and returns what it returns', () => {
    fc.assert(
      fc.property(fc.dictionary(key, anyValue, { maxKeys: 4 }), (options) => {
        const quick = quickTaskOptions(options);
        const full = taskOptionsSchema.safeParse(options);
        if (quick === undefined) return;
        expect(full.success).toBe(true);
        expect({ ...quick }).toEqual({ ...(full.data as object) });
      }),
      { numRuns: 3000 },
    );
  });

  it('covers the usual options, so they skip the schema', () => {
    const usual = {
      args: [1],
      kwargs: { a: 1 },
      dependencies: ['x'],
      timeoutMs: 1000,
      retries: 2,
      retryDelayMs: 10,
      logPath: 'out.log',
      transferResult: true,
    };
    expect(quickTaskOptions(usual)).toEqual(usual);
    expect(quickTaskOptions({ retryDelayMs: { initialMs: 1 } })).toBeUndefined();
    expect(quickTaskOptions({ timeout: 5 })).toBeUndefined();
  });

  it('lends one record at a time: a record handed back is emptied, a second borrower gets its own', () => {
    const first = quickTaskOptions({ retries: 2, args: [1], dependencies: ['a'] });
    if (!first) throw new Error('expected the quick check to accept the options');
    // Taken while the first is still out: a record of its own.
    const second = quickTaskOptions({ timeoutMs: 5 });
    expect(second).not.toBe(first);
    expect({ ...second }).toEqual({ timeoutMs: 5 });
    expect({ ...first }).toEqual({ retries: 2, args: [1], dependencies: ['a'] });
    releaseQuickOptions(first);
    expect(Object.values(first).every((value) => value === undefined)).toBe(true);
    // The next one lent is the record handed back, holding only the new options.
    const third = quickTaskOptions({ logPath: 'x.log' });
    expect(third).toBe(first);
    expect({ ...third }).toEqual({ logPath: 'x.log' });
  });

  it('hands the record back when it leaves the options to the schema', () => {
    const taken = quickTaskOptions({ retries: 1 });
    if (!taken) throw new Error('expected the quick check to accept the options');
    releaseQuickOptions(taken);
    expect(quickTaskOptions({ retries: 1, timeout: 5 })).toBeUndefined();
    expect(quickTaskOptions({ args: [2] })).toBe(taken);
  });
});
