import fc from 'fast-check';
import { ProcessExecutionReport, type TaskReportEntry } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { buildWebhookPayload, signWebhookBody, verifyWebhookSignature, WEBHOOK_HEADERS } from '../dist/index.js';

const SECRET = 'whsec-hostile-0123456789';
const BODY = '{"process_name":"p"}';

function successEntry(name: string, result: unknown): TaskReportEntry {
  return { name, function: name, args: [], kwargs: {}, status: 'success', elapsedMs: 1, attempts: 1, result };
}

/** A header value of any shape a request (or a broken framework) might hand over. */
const headerValue = fc.oneof(
  fc.anything(),
  fc.constant(Object.create(null)),
  fc.constant(Object.assign(Object.create(null), { length: 3 })),
  fc.constant([Object.create(null)]),
  fc.constant(
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    ),
  ),
);

describe('verifyWebhookSignature() on a malformed request', () => {
  it.each([
    ['an object with a null prototype', Object.create(null)],
    ['a number', 42],
    ['an array holding an object', [{}]],
  ])('returns a failed verification for a signature header that is %s', (_label, value) => {
    const headers = { [WEBHOOK_HEADERS.signature]: value };
    expect(verifyWebhookSignature(BODY, headers, SECRET)).toMatchObject({
      ok: false,
      reason: 'malformed-header',
      header: WEBHOOK_HEADERS.signature,
    });
    const stamped = { ...signWebhookBody(BODY, SECRET), [WEBHOOK_HEADERS.timestamp]: value };
    expect(verifyWebhookSignature(BODY, stamped, SECRET, { toleranceMs: 1000 })).toMatchObject({
      ok: false,
      reason: 'malformed-header',
      header: WEBHOOK_HEADERS.timestamp,
    });
  });

  it('returns a failed verification for a Headers-like object whose get() throws', () => {
    const headers = {
      has: () => true,
      get: () => {
        throw new Error('broken');
      },
    };
    expect(verifyWebhookSignature(BODY, headers as never, SECRET)).toMatchObject({
      ok: false,
      reason: 'malformed-header',
    });
  });

  it('never throws, whatever the header values and the body (property)', () => {
    const names = fc.constantFrom(
      WEBHOOK_HEADERS.signature,
      WEBHOOK_HEADERS.timestamp,
      WEBHOOK_HEADERS.timestampedSignature,
      'x-signature-sha256',
      'other',
    );
    fc.assert(
      fc.property(
        fc.dictionary(names, headerValue),
        fc.oneof(fc.string(), fc.uint8Array()),
        fc.option(fc.nat(), { nil: undefined }),
        (record, body, toleranceMs) => {
          const headers = Object.assign(Object.create(null), record) as Record<string, string>;
          const options = toleranceMs === undefined ? {} : { toleranceMs };
          const outcome = verifyWebhookSignature(body, headers, SECRET, options);
          expect(typeof outcome.ok).toBe('boolean');
          if (!outcome.ok) expect(outcome.message).not.toContain(SECRET);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('the payload keeps every task name and key', () => {
  it('any task name and any own key of a result survive JSON.stringify and parse (property)', () => {
    const name = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('__proto__', 'constructor', 'toString', '1'));
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 6 }), fc.jsonValue(), (names, value) => {
        const result = JSON.parse(JSON.stringify({ __proto__value: value }).replace('__proto__value', '__proto__'));
        const report = new ProcessExecutionReport({ entries: names.map((n) => successEntry(n, result)) });
        const back = JSON.parse(JSON.stringify(buildWebhookPayload(report))) as {
          entries: Record<string, { result: unknown }>;
        };
        expect(Object.keys(back.entries).sort()).toEqual([...names].sort());
        for (const n of names) expect(back.entries[n]?.result).toStrictEqual(result);
      }),
      { numRuns: 200 },
    );
  });

  it('writes a result holding -0 or a symbol-keyed property as its rendering, not a silently changed value', () => {
    const report = new ProcessExecutionReport({
      entries: [successEntry('zero', { delta: -0 }), successEntry('sym', { a: 1, [Symbol('tag')]: 'x' })],
    });
    const back = JSON.parse(JSON.stringify(buildWebhookPayload(report))) as {
      entries: Record<string, { result: unknown }>;
    };
    expect(back.entries['zero']?.result).toBe('{ delta: -0 }');
    expect(back.entries['sym']?.result).toBe("{ a: 1, [Symbol(tag)]: 'x' }");
  });
});
