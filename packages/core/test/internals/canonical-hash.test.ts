// The cache key's hashing, which the public API reaches only through whole
// runs: equal data hashes equal whatever its key order, different data (also
// data that prints alike) differently, and what it cannot see is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnhashableInputError } from '../../src/errors/errors.js';
import { hashValue } from '../../src/incremental/canonical-hash.js';

const hash = (value: unknown) => hashValue(value, 't', 'args');

/** The same object with its keys inserted in reverse order, all the way down. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((key) => [key, reversed((value as Record<string, unknown>)[key])]),
  );
}

describe('canonical hashing', () => {
  it('ignores key order, and tells apart values whose JSON differs (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(hash(reversed(a))).toBe(hash(a));
        if (JSON.stringify(reversed(a)) !== JSON.stringify(reversed(b)) && JSON.stringify(a) !== JSON.stringify(b)) {
          // Different JSON can still be equal data only through key order, which `reversed` undoes on both sides.
          const sameData = hash(a) === hash(b);
          if (sameData) expect(JSON.stringify(sortKeys(a))).toBe(JSON.stringify(sortKeys(b)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart values that print alike', () => {
    const holey: unknown[] = [];
    holey.length = 1; // a hole, not an undefined element
    const distinct = [
      1,
      '1',
      1n,
      true,
      'true',
      null,
      undefined,
      'null',
      [],
      {},
      '',
      0,
      -0,
      Number.NaN,
      'NaN',
      [1, 2],
      [[1], 2],
      new Date(0),
      '1970-01-01T00:00:00.000Z',
      0,
      new Map([[1, 2]]),
      new Set([1, 2]),
      Uint8Array.of(1, 2),
      Buffer.from([1, 2]),
      Float32Array.of(1, 2),
      [undefined],
      holey,
    ];
    const hashes = distinct.map(hash);
    // `0` is listed twice on purpose: the one duplicate.
    expect(new Set(hashes).size).toBe(distinct.length - 1);
  });

  it('hashes Maps and Sets by content, not insertion order; shared references are fine', () => {
    expect(
      hash(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ),
    ).toBe(
      hash(
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    );
    expect(hash(new Set([1, 2, 3]))).toBe(hash(new Set([3, 1, 2])));
    const shared = { n: 1 };
    expect(hash([shared, shared])).toBe(hash([{ n: 1 }, { n: 1 }]));
  });

  it.each([
    ['a function', { rows: [1, { parse: () => 1 }] }, 'args.rows[1].parse', 'a function (parse)'],
    ['a symbol', { tag: Symbol('x') }, 'args.tag', 'a symbol'],
    ['a class instance', { when: new (class Clock {})() }, 'args.when', 'an instance of Clock'],
    ['an Error', [new TypeError('x')], 'args[0]', 'an instance of TypeError'],
    ['a getter', Object.defineProperty({}, 'lazy', { get: () => 1, enumerable: true }), 'args.lazy', 'a getter'],
    [
      'a cycle',
      (() => {
        const o: Record<string, unknown> = {};
        o['self'] = o;
        return o;
      })(),
      'args.self',
      'a cycle',
    ],
  ])('refuses %s, naming the field', (_label, value, field, reason) => {
    let error: unknown;
    try {
      hash(value);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(UnhashableInputError);
    expect(error).toMatchObject({ taskName: 't', field });
    expect((error as Error).message).toContain(reason);
  });
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
