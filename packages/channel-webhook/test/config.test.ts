import { inspect } from 'node:util';
import { InvalidOptionError, UnknownOptionError } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_CONFIG_DEFAULTS, WebhookChannel, type WebhookConfig } from '../dist/index.js';

const URL_OK = 'https://hooks.example.com/etl';

function rejects(config: unknown, message: string, type: typeof InvalidOptionError | typeof UnknownOptionError) {
  let thrown: unknown;
  try {
    new WebhookChannel(config as WebhookConfig);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  expect((thrown as Error).message).toBe(message);
  return thrown as InvalidOptionError;
}

describe('WebhookConfig validation', () => {
  it('accepts a minimal config and applies the documented defaults', () => {
    const channel = new WebhookChannel({ url: URL_OK });
    expect(channel.name).toBe('WebhookChannel');
    expect(channel.origin).toBe('https://hooks.example.com');
    expect(new WebhookChannel({ url: new URL('http://127.0.0.1:8080/x') }).origin).toBe('http://127.0.0.1:8080');
    expect(WEBHOOK_CONFIG_DEFAULTS).toEqual({
      headers: {},
      timeoutMs: 5000,
      secret: null,
      extraPayload: {},
      nestUnder: null,
      maxAttempts: 3,
      retryDelayMs: { initialMs: 500, factor: 2, maxMs: 10_000 },
      maxRetryAfterMs: 30_000,
    });
    expect(Object.isFrozen(WEBHOOK_CONFIG_DEFAULTS)).toBe(true);
  });

  it('rejects a config that is not a plain object', () => {
    rejects(
      'https://x',
      'WebhookConfig: expected `webhookConfig` to be a plain object, got `"https://x"` (string)',
      InvalidOptionError,
    );
  });

  it('rejects a missing url', () => {
    rejects(
      {},
      'WebhookConfig: expected `url` to be an absolute http: or https: URL (a string or URL), got `undefined`',
      InvalidOptionError,
    );
  });

  it('rejects a url that is not absolute, without showing it', () => {
    const error = rejects(
      { url: 'hooks.example.com/services/T000/B000/ZZZZSECRET' },
      'WebhookConfig: expected `url` to be an absolute http: or https: URL (a string or URL), got a string that is not an absolute URL (the value is not shown)',
      InvalidOptionError,
    );
    expect(error.field).toBe('url');
    expect(error.received).toBe('[hidden]');
    expect(error.stack).not.toContain('ZZZZSECRET');
  });

  it('rejects a url with another protocol', () => {
    rejects(
      { url: 'ftp://files.example.com/x' },
      'WebhookConfig: expected `url` to be an absolute http: or https: URL (a string or URL), got a URL with protocol `ftp:` (the value is not shown)',
      InvalidOptionError,
    );
  });

  it('rejects a url with credentials', () => {
    const error = rejects(
      { url: 'https://user:pa55word@hooks.example.com/x' },
      'WebhookConfig: expected `url` to be a URL without a username or password (send credentials in `headers`), got a URL with credentials (the value is not shown)',
      InvalidOptionError,
    );
    expect(error.stack).not.toContain('pa55word');
  });

  it('rejects an unknown option and suggests the camelCase name', () => {
    const error = rejects(
      { url: URL_OK, timeout: 5 },
      'WebhookConfig: unknown option `timeout`. Did you mean `timeoutMs`? Known options: url, headers, timeoutMs, secret, extraPayload, nestUnder, maxAttempts, retryDelayMs, maxRetryAfterMs.',
      UnknownOptionError,
    );
    expect(error.code).toBe('PROC_UNKNOWN_OPTION');
    expect(() => new WebhookChannel({ url: URL_OK, nest_under: 'x' } as never)).toThrow(
      /unknown option `nest_under`. Did you mean `nestUnder`\?/,
    );
  });

  it('rejects headers that are not a plain object', () => {
    rejects(
      { url: URL_OK, headers: new Map() },
      'WebhookConfig: expected `headers` to be a plain object of header names to string values, got an object (Map)',
      InvalidOptionError,
    );
  });

  it('rejects an invalid header name', () => {
    rejects(
      { url: URL_OK, headers: { 'X Source': 'etl' } },
      'WebhookConfig: expected `headers` to be keyed by valid HTTP header names (RFC 9110 tokens), got `"X Source"` (string)',
      InvalidOptionError,
    );
  });

  it('rejects a header value with a line break, without showing it', () => {
    const error = rejects(
      { url: URL_OK, headers: { Authorization: 'Bearer abc\r\nX-Evil: 1' } },
      'WebhookConfig: expected `headers.Authorization` to be a string of printable characters (up to U+00FF) and tabs, without line breaks or other control characters, got a string (the value is not shown)',
      InvalidOptionError,
    );
    expect(error.stack).not.toContain('Bearer abc');
  });

  it('rejects a header value that is not a string, without showing it', () => {
    rejects(
      { url: URL_OK, headers: { 'X-Api-Key': 123456 } },
      'WebhookConfig: expected `headers.X-Api-Key` to be a string of printable characters (up to U+00FF) and tabs, without line breaks or other control characters, got a number (the value is not shown)',
      InvalidOptionError,
    );
  });

  // fetch throws on these on every attempt (or, for Content-Length, stalls until
  // the timeout); they used to surface at send time as retried network errors.
  it('rejects a header value fetch cannot send, without showing it', () => {
    for (const value of ['Bearer t0k€n', 'emoji 🚀', 'bell\u0007', 'del\u007f']) {
      const error = rejects(
        { url: URL_OK, headers: { Authorization: value } },
        'WebhookConfig: expected `headers.Authorization` to be a string of printable characters (up to U+00FF) and tabs, without line breaks or other control characters, got a string (the value is not shown)',
        InvalidOptionError,
      );
      expect(error.stack).not.toContain(value);
    }
    expect(() => new WebhookChannel({ url: URL_OK, headers: { 'X-Site': 'Zürich\tcafé' } })).not.toThrow();
  });

  it('rejects the headers fetch frames the request with', () => {
    for (const name of [
      'Content-Length',
      'transfer-encoding',
      'Connection',
      'Keep-Alive',
      'Upgrade',
      'Expect',
      'HOST',
    ]) {
      rejects(
        { url: URL_OK, headers: { [name]: '1' } },
        `WebhookConfig: expected \`headers\` to be free of the headers fetch sets from the request itself (connection, content-length, expect, host, keep-alive, transfer-encoding, upgrade), got \`"${name}"\` (string)`,
        InvalidOptionError,
      );
    }
  });

  it('rejects a bad timeoutMs', () => {
    rejects(
      { url: URL_OK, timeoutMs: -1 },
      'WebhookConfig: expected `timeoutMs` to be a finite number > 0 and <= 2147483647, got `-1` (number)',
      InvalidOptionError,
    );
    expect(() => new WebhookChannel({ url: URL_OK, timeoutMs: Number.POSITIVE_INFINITY })).toThrow(InvalidOptionError);
  });

  it('rejects an empty secret', () => {
    rejects(
      { url: URL_OK, secret: '' },
      'WebhookConfig: expected `secret` to be a non-empty string or null, got an empty string (the value is not shown)',
      InvalidOptionError,
    );
  });

  it('rejects a secret that is not a string, never showing it', () => {
    const error = rejects(
      { url: URL_OK, secret: 918273645 },
      'WebhookConfig: expected `secret` to be a non-empty string or null, got a number (the value is not shown)',
      InvalidOptionError,
    );
    expect(error.stack).not.toContain('918273645');
    expect(inspect(error)).not.toContain('918273645');
  });

  it('rejects extraPayload that is not a plain object', () => {
    rejects(
      { url: URL_OK, extraPayload: ['a'] },
      'WebhookConfig: expected `extraPayload` to be a plain object, got an array of length 1',
      InvalidOptionError,
    );
  });

  it('rejects a nestUnder that is not a string', () => {
    rejects(
      { url: URL_OK, nestUnder: 3 },
      'WebhookConfig: expected `nestUnder` to be a string or null, got `3` (number)',
      InvalidOptionError,
    );
  });

  it('rejects a bad maxAttempts', () => {
    rejects(
      { url: URL_OK, maxAttempts: 0 },
      'WebhookConfig: expected `maxAttempts` to be an integer from 1 to 100, got `0` (number)',
      InvalidOptionError,
    );
    expect(() => new WebhookChannel({ url: URL_OK, maxAttempts: 1.5 })).toThrow(InvalidOptionError);
  });

  it('rejects a bad retryDelayMs', () => {
    rejects(
      { url: URL_OK, retryDelayMs: '1s' },
      'WebhookConfig: expected `retryDelayMs` to be a number >= 0 or a backoff object, got `"1s"` (string)',
      InvalidOptionError,
    );
  });

  it('rejects a backoff object without initialMs', () => {
    rejects(
      { url: URL_OK, retryDelayMs: { factor: 2 } },
      'WebhookConfig: expected `retryDelayMs.initialMs` to be a finite number >= 0, got `undefined`',
      InvalidOptionError,
    );
  });

  it('rejects a bad backoff field', () => {
    rejects(
      { url: URL_OK, retryDelayMs: { initialMs: 10, jitter: 2 } },
      'WebhookConfig: expected `retryDelayMs.jitter` to be a number from 0 to 1, got `2` (number)',
      InvalidOptionError,
    );
    rejects(
      { url: URL_OK, retryDelayMs: { initialMs: 10, max: 5 } },
      'WebhookConfig: unknown option `retryDelayMs.max`. Did you mean `maxMs`? Known options: initialMs, factor, maxMs, jitter.',
      UnknownOptionError,
    );
  });

  it('rejects a bad maxRetryAfterMs', () => {
    rejects(
      { url: URL_OK, maxRetryAfterMs: Number.NaN },
      'WebhookConfig: expected `maxRetryAfterMs` to be a finite number >= 0 and <= 2147483647, got `NaN` (number)',
      InvalidOptionError,
    );
  });

  it('rejects bad content', () => {
    expect(() => new WebhookChannel({ url: URL_OK }, 'everything' as never)).toThrow(
      "WebhookChannel: expected `content` to be 'full', 'trace', 'min' or a ReportContent (an object with boolean `showTraceback` and `showTracedVars`), got `\"everything\"` (string)",
    );
    expect(() => new WebhookChannel({ url: URL_OK }, { showTraceback: true } as never)).toThrow(InvalidOptionError);
  });

  it('keeps the secret and the URL out of inspect output', () => {
    const channel = new WebhookChannel({ url: `${URL_OK}?token=abc123`, secret: 'hush-hush' });
    const shown = inspect(channel, { depth: 5, showHidden: true });
    expect(shown).not.toContain('hush-hush');
    expect(shown).not.toContain('abc123');
  });
});
