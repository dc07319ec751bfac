import { readFileSync } from 'node:fs';
import { ProcessesError } from '@processes/core';
import { describe, expect, it } from 'vitest';
import * as api from '../dist/index.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
/**
 * Channel codes have a row in docs/errors.md's "Channel packages" table:
 * `| \`package\` | \`CODE\` | what happened | how to fix |`.
 */
const documented = new Map(
  [...docs.matchAll(/^\| `@processes\/channel-webhook` \| `(PROC_[A-Z_]+)` \| (.+?) \| (.+?) \|$/gm)].map((m) => [
    m[1] ?? '',
    { what: m[2] ?? '', fix: m[3] ?? '' },
  ]),
);
/** Every code in core's own tables, which a channel code must not reuse. */
const coreCodes = [...docs.matchAll(/^\| `(PROC_[A-Z_]+)` \|/gm)].map((m) => m[1]);

const errorClasses = Object.entries(api as Record<string, unknown>).filter(
  ([, value]) => typeof value === 'function' && value.prototype instanceof ProcessesError,
);

describe('error codes', () => {
  it('finds the exported error classes', () => {
    expect(errorClasses.map(([name]) => name)).toEqual(['WebhookDeliveryError']);
  });

  it.each(errorClasses)('%s has a PROC_ code with a row in docs/errors.md', (name, ctor) => {
    const code = (ctor as { code: string }).code;
    expect(code).toMatch(/^PROC_[A-Z_]+$/);
    const row = documented.get(code);
    expect(row, `docs/errors.md has no row for ${code} (${name})`).toBeDefined();
    expect(row?.what.length).toBeGreaterThan(10);
    expect(row?.fix.length).toBeGreaterThan(5);
    expect(coreCodes).not.toContain(code);
  });

  it('documents no webhook code that no exported error uses', () => {
    const used = new Set(errorClasses.map(([, ctor]) => (ctor as { code: string }).code));
    expect([...documented.keys()].filter((code) => !used.has(code))).toEqual([]);
  });

  it('an error is a ProcessesError with its class name and code', () => {
    const error = new api.WebhookDeliveryError({
      reason: 'http-status',
      attempts: 1,
      status: 410,
      statusText: 'Gone',
      origin: 'https://hooks.example.com',
      deliveryId: 'id-1',
      retryable: false,
      timeoutMs: 5000,
    });
    expect(error).toBeInstanceOf(ProcessesError);
    expect(error.name).toBe('WebhookDeliveryError');
    expect(error.code).toBe('PROC_WEBHOOK_DELIVERY_FAILED');
    expect(Object.keys(error)).not.toContain('name');
    expect(error.message).toBe(
      'Could not deliver the report to https://hooks.example.com (1 attempt): the server answered HTTP 410 Gone, which is not retried (only 5xx and 429 are).',
    );
  });
});
