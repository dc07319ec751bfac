import { inspect } from 'node:util';
import { InvalidOptionError, ProcessesError, UnknownOptionError } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { EmailChannel, SMTPConfig, SMTPConfigError, type SMTPConfigOptions } from '../dist/index.js';

const base: SMTPConfigOptions = { host: 'smtp.example.test', from: 'etl@example.test', to: 'oncall@example.test' };

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('SMTPConfig', () => {
  it('applies the defaults: STARTTLS on 587, 10 s timeout, one recipient as a list', () => {
    const config = new SMTPConfig(base);
    expect(config).toMatchObject({
      host: 'smtp.example.test',
      port: 587,
      security: 'starttls',
      from: 'etl@example.test',
      to: ['oncall@example.test'],
      cc: [],
      bcc: [],
      user: undefined,
      timeoutMs: 10_000,
    });
    expect(config.hasAuth).toBe(false);
    expect(String(config)).toBe('smtp.example.test:587 (starttls)');
  });

  it('picks the port from the security mode unless given', () => {
    expect(new SMTPConfig({ ...base, security: 'tls' }).port).toBe(465);
    expect(new SMTPConfig({ ...base, security: 'none' }).port).toBe(25);
    expect(new SMTPConfig({ ...base, security: 'tls', port: 2465 }).port).toBe(2465);
  });

  it('is immutable', () => {
    const config = new SMTPConfig({ ...base, to: ['a@example.test', 'b@example.test'] });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.to)).toBe(true);
    expect(() => (config.to as string[]).push('c@example.test')).toThrow(TypeError);
  });

  it('never shows the password: not a property, not in JSON, not in inspect', () => {
    const config = new SMTPConfig({ ...base, auth: { user: 'etl', pass: 'hunter2-secret' } });
    expect(config.hasAuth).toBe(true);
    expect(config.user).toBe('etl');
    expect(JSON.stringify(config)).toContain('"auth":{"user":"etl","pass":"[redacted]"}');
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 10, showHidden: true }), String(config)]) {
      expect(shown).not.toContain('hunter2-secret');
    }
    expect(Object.values(config).map(String).join()).not.toContain('hunter2-secret');
    const channel = new EmailChannel(config);
    expect(inspect(channel, { depth: 10, showHidden: true })).not.toContain('hunter2-secret');
  });

  it('is what an EmailChannel builds from plain options', () => {
    const channel = new EmailChannel(base);
    expect(channel.config).toBeInstanceOf(SMTPConfig);
    expect(channel.name).toBe('EmailChannel');
    expect(channel.style.palette).toBe('neutral');
    expect(channel.content.showTraceback).toBe(true);
  });
});

describe('SMTPConfig validation', () => {
  it('names the field, what it must be and what it got, as a typed error', () => {
    const error = thrown(() => new SMTPConfig({ ...base, port: 70_000 }));
    expect(error).toBeInstanceOf(SMTPConfigError);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toBeInstanceOf(ProcessesError);
    expect(error).toMatchObject({ code: 'PROC_INVALID_SMTP_CONFIG', field: 'port', received: 70_000 });
    expect(error.message).toBe('SMTPConfig: expected `port` to be an integer from 1 to 65535, got `70000` (number)');
  });

  it.each([
    [
      { host: '' },
      'SMTPConfig: expected `host` to be a host name or IP address (non-empty, no spaces), got `""` (string)',
    ],
    [
      { host: undefined },
      'SMTPConfig: expected `host` to be a host name or IP address (non-empty, no spaces), got `undefined`',
    ],
    [
      { security: 'ssl' },
      'SMTPConfig: expected `security` to be one of "starttls", "tls", "none", got `"ssl"` (string)',
    ],
    [
      { from: 'no-at-sign' },
      'SMTPConfig: expected `from` to be an email address such as "ops@example.com" or "Ops <ops@example.com>" (no line breaks), got `"no-at-sign"` (string)',
    ],
    [
      { to: [] },
      'SMTPConfig: expected `to` to be an email address such as "ops@example.com" or "Ops <ops@example.com>" (no line breaks), or a non-empty array of them, got an array of length 0',
    ],
    [
      { to: ['ok@example.test', 'broken'] },
      'SMTPConfig: expected `to[1]` to be an email address such as "ops@example.com" or "Ops <ops@example.com>" (no line breaks), or a non-empty array of them, got `"broken"` (string)',
    ],
    [
      { cc: 'a@example.test\r\nBcc: x@example.test' },
      'SMTPConfig: expected `cc` to be an email address such as "ops@example.com" or "Ops <ops@example.com>" (no line breaks), or a non-empty array of them, got `"a@example.test\\r\\nBcc: x@example.test"` (string)',
    ],
    [{ timeoutMs: 0 }, 'SMTPConfig: expected `timeoutMs` to be a number of milliseconds > 0, got `0` (number)'],
    [
      { timeoutMs: '5000' },
      'SMTPConfig: expected `timeoutMs` to be a number of milliseconds > 0, got `"5000"` (string)',
    ],
    [{ auth: { user: '', pass: 'x' } }, 'SMTPConfig: expected `auth.user` to be a non-empty string, got `""` (string)'],
    [
      { tls: { rejectUnauthorized: 'no' } },
      'SMTPConfig: expected `tls.rejectUnauthorized` to be a boolean, got `"no"` (string)',
    ],
  ])('rejects %j', (override, message) => {
    const error = thrown(() => new SMTPConfig({ ...base, ...override } as SMTPConfigOptions));
    expect(error).toBeInstanceOf(SMTPConfigError);
    expect(error.message).toBe(message);
  });

  it('rejects a missing options object', () => {
    expect(() => new SMTPConfig(undefined as never)).toThrow(
      'SMTPConfig: expected `options` to be an object with host, from and to, got `undefined`',
    );
  });

  it('never puts a secret into the message, the field or the stack', () => {
    for (const auth of [{ user: 'etl', pass: 12345678 }, 'etl:hunter2-secret', { user: 'etl', pass: '' }]) {
      const error = thrown(() => new SMTPConfig({ ...base, auth } as never)) as SMTPConfigError;
      expect(error).toBeInstanceOf(SMTPConfigError);
      expect(error.received).toBe('[redacted]');
      expect(error.message).toMatch(/\(not shown: it is a secret\)$/);
      for (const text of [error.message, error.stack ?? '', JSON.stringify(error)]) {
        expect(text).not.toContain('12345678');
        expect(text).not.toContain('hunter2-secret');
      }
    }
    expect(thrown(() => new SMTPConfig({ ...base, auth: { user: 'etl', pass: 12345678 } } as never)).message).toBe(
      'SMTPConfig: expected `auth.pass` to be a non-empty string, got a number (not shown: it is a secret)',
    );
  });

  it('rejects unknown options, nested ones too, listing the known ones', () => {
    const error = thrown(() => new SMTPConfig({ ...base, mailhost: 'x' } as never));
    expect(error).toBeInstanceOf(UnknownOptionError);
    expect(error.message).toBe(
      'SMTPConfig: unknown option `mailhost`. Known options: host, port, security, from, to, cc, bcc, auth, timeoutMs, tls.',
    );
    expect(thrown(() => new SMTPConfig({ ...base, auth: { user: 'a', password: 'x' } } as never)).message).toBe(
      'SMTPConfig: unknown option `auth.password`. Known options: user, pass.',
    );
  });
});
