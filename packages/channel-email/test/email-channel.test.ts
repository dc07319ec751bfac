import type { NotifyOutcome, ReportChannel } from 'processes-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  EmailChannel,
  EmailDeliveryError,
  HTMLEmailStyle,
  ReportContent,
  type SMTPConfigOptions,
} from '../dist/index.js';
import { HOSTILE, runAllGood, runHostile, runOrders } from './fixtures/reports.js';
import {
  type CaptureServer,
  eventually,
  refusedPort,
  startCaptureServer,
  startSilentServer,
  TLS_CERT,
} from './fixtures/smtp.js';

const PALETTES = ['neutral', 'catppuccin', 'neobones', 'slate'] as const;
const LANGUAGES = ['en', 'es', 'pt', 'fr', 'de', 'it'] as const;
const PASSWORD = 'correct horse battery staple';

let server: CaptureServer;

beforeAll(async () => {
  server = await startCaptureServer();
});

afterAll(async () => {
  await server.close();
});

function plain(overrides: Partial<SMTPConfigOptions> = {}): SMTPConfigOptions {
  return {
    host: '127.0.0.1',
    port: server.port,
    security: 'none',
    from: '"Pipelines" <pipelines@example.test>',
    to: ['oncall@example.test', 'lead@example.test'],
    cc: 'audit@example.test',
    bcc: 'archive@example.test',
    timeoutMs: 5000,
    ...overrides,
  };
}

/** Sends through `channel` and returns what the server parsed. */
async function deliver(channel: EmailChannel, onlyErrors = false, target = server) {
  const report = await runOrders();
  const before = target.messages.length;
  const receipt = await channel.send(report, { onlyErrors });
  expect(target.messages.length).toBe(before + 1);
  const captured = target.messages.at(-1) ?? expect.unreachable();
  return { receipt, captured, report };
}

/** Records the warnings emitted (instead of printing them) until `stop()`. */
function captureWarnings() {
  const warnings: { message: string; code?: string; detail?: string }[] = [];
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation((message: unknown, options?: unknown) => {
    const { code, detail } = (typeof options === 'object' && options !== null ? options : {}) as {
      code?: string;
      detail?: string;
    };
    warnings.push({
      message: String(message),
      ...(code === undefined ? {} : { code }),
      ...(detail === undefined ? {} : { detail }),
    });
  });
  return { warnings, stop: (): void => spy.mockRestore() };
}

describe('EmailChannel: the message', () => {
  it('sends a multipart/alternative message with the text and HTML report', async () => {
    const channel = new EmailChannel(plain());
    const { receipt, captured } = await deliver(channel);
    const mail = captured.parsed;
    expect(mail.from?.text).toBe('"Pipelines" <pipelines@example.test>');
    expect(mail.from?.value[0]?.address).toBe('pipelines@example.test');
    const to = Array.isArray(mail.to) ? mail.to : [mail.to];
    expect(to.flatMap((a) => a?.value.map((v) => v.address))).toEqual(['oncall@example.test', 'lead@example.test']);
    const cc = Array.isArray(mail.cc) ? mail.cc : [mail.cc];
    expect(cc.flatMap((a) => a?.value.map((v) => v.address))).toEqual(['audit@example.test']);
    // Bcc goes to the envelope only.
    expect(mail.bcc).toBeUndefined();
    expect(captured.raw.slice(0, captured.raw.indexOf('\r\n\r\n'))).not.toMatch(/^Bcc:/im);
    expect(captured.envelope.to.sort()).toEqual(
      ['archive@example.test', 'audit@example.test', 'lead@example.test', 'oncall@example.test'].sort(),
    );
    expect(mail.subject).toMatch(/^Process Execution Report orders-pipeline \| \d{8}$/);
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.text).toContain('Process Execution Report\nProcess: orders-pipeline');
    expect(mail.text).toContain('[Error] charge_payments');
    expect(mail.html).toContain('<html lang="en"');
    expect(mail.html).toContain('data-task="charge_payments"');
    expect(mail.html).toContain('data-task="fetch_inventory"');
    expect(mail.html).toContain('Error: card declined');
    expect(captured.secure).toBe(false);
    expect(receipt.messageId).toBe(mail.messageId);
    expect([...receipt.accepted].sort()).toEqual(captured.envelope.to.sort());
    expect(receipt.rejected).toEqual([]);
    expect(receipt.response).toMatch(/^250 /);
  });

  it('composes the same message without sending it', async () => {
    const report = await runOrders('nightly');
    const date = new Date(2026, 5, 20, 8, 0);
    const message = new EmailChannel(plain()).compose(report, { onlyErrors: true, date });
    expect(message.subject).toBe('Failed Tasks in Process nightly | 20260620');
    expect(message.to).toEqual(['oncall@example.test', 'lead@example.test']);
    expect(message.html).toContain('Failed Tasks Report');
    expect(message.text.split('\n')[0]).toBe('Failed Tasks Report');
  });

  it.each(PALETTES.flatMap((palette) => LANGUAGES.map((language) => [palette, language] as const)))(
    'renders %s in %s',
    async (palette, language) => {
      const style = new HTMLEmailStyle({ palette, language });
      const { captured } = await deliver(new EmailChannel(plain(), style));
      const mail = captured.parsed;
      expect(mail.subject).toBe(`${style.labels.reportEmailSubject} orders-pipeline | ${mail.subject?.slice(-8)}`);
      expect(mail.html).toContain(`<html lang="${language}"`);
      expect(mail.html).toContain(`background-color:${style.colors.accent};color:${style.colors.onAccent};`);
      expect(mail.html).toContain(`>${style.labels.statusErrored}</span>`);
      expect(mail.text).toContain(`[${style.labels.statusErrored}] charge_payments`);
      expect(mail.text).toContain(`${style.labels.functionLabel}: chargePayments`);
    },
  );

  it('sends only the errored tasks with onlyErrors, counting the whole run', async () => {
    const channel = new EmailChannel(plain());
    const report = await runOrders();
    const outcomes = await report.notify([channel], { onlyErrors: true });
    expect(outcomes).toMatchObject([{ channel: 'EmailChannel', ok: true, sent: true }]);
    const mail = server.messages.at(-1)?.parsed ?? expect.unreachable();
    expect(mail.subject).toMatch(/^Failed Tasks in Process orders-pipeline \| \d{8}$/);
    expect(mail.html).toContain('Failed Tasks Report');
    expect(mail.html).toContain('data-task="charge_payments"');
    for (const name of ['fetch_inventory', 'archive_logs']) {
      expect(mail.html).not.toContain(name);
      expect(mail.text).not.toContain(name);
    }
    expect(mail.html).not.toContain('data-task="ship_orders"');
    expect(mail.text).toContain('Successes: 2   Errors: 1   Skipped: 1');
  });

  it('sends nothing with onlyErrors when every task succeeded', async () => {
    const before = server.messages.length;
    const outcomes = await (await runAllGood()).notify([new EmailChannel(plain())], { onlyErrors: true });
    expect(outcomes).toEqual([{ channel: 'EmailChannel', ok: true, sent: false }]);
    expect(server.messages.length).toBe(before);
  });

  it('honours the content presets', async () => {
    const full = (await deliver(new EmailChannel(plain(), undefined, ReportContent.full))).captured.parsed;
    expect(full.html).toContain('>Traceback</div>');
    expect(full.text).toContain('  Traceback:\n    Error: card declined');
    const min = (await deliver(new EmailChannel(plain(), {}, 'min'))).captured.parsed;
    expect(min.html).not.toContain('Traceback');
    expect(min.text).not.toContain('Traceback');
    expect(min.html).toContain('Error: card declined</code>');
    const trace = (await deliver(new EmailChannel(plain(), {}, { showTracedVars: false }))).captured.parsed;
    expect(trace.html).toContain('>Traceback</div>');
  });

  it('escapes hostile task names and messages in the HTML part', async () => {
    const report = await runHostile();
    await new EmailChannel(plain()).send(report, { onlyErrors: false });
    const mail = server.messages.at(-1)?.parsed ?? expect.unreachable();
    const html = String(mail.html);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;q&#x27;&quot;dq&quot;');
    expect(mail.text).toContain(`message ${HOSTILE}`);
    expect(mail.subject).toContain(`etl${HOSTILE}`);
  });

  it('cannot be made to add recipients through the process name', async () => {
    const report = await runOrders('etl\r\nBcc: intruder@example.test');
    const { cc: _cc, bcc: _bcc, ...toOnly } = plain();
    await new EmailChannel(toOnly).send(report, { onlyErrors: false });
    const captured = server.messages.at(-1) ?? expect.unreachable();
    expect(captured.envelope.to.sort()).toEqual(['lead@example.test', 'oncall@example.test']);
    const headers = captured.raw.slice(0, captured.raw.indexOf('\r\n\r\n'));
    expect(headers).not.toMatch(/^Bcc:/im);
    expect(captured.parsed.subject).toMatch(/^Process Execution Report etl Bcc: intruder@example.test \| \d{8}$/);
  });
});

describe('EmailChannel: TLS and AUTH', () => {
  let tlsServer: CaptureServer;
  let plainOnly: CaptureServer;
  let smtps: CaptureServer;

  beforeAll(async () => {
    tlsServer = await startCaptureServer();
    plainOnly = await startCaptureServer({ disabledCommands: ['STARTTLS'] });
    smtps = await startCaptureServer({ secure: true });
  });

  afterAll(async () => {
    await Promise.all([tlsServer.close(), plainOnly.close(), smtps.close()]);
  });

  const auth = { user: 'etl', pass: PASSWORD };

  it('upgrades with STARTTLS, verifying the certificate against the given CA, then logs in', async () => {
    const channel = new EmailChannel(
      plain({ port: tlsServer.port, security: 'starttls', auth, tls: { ca: TLS_CERT } }),
    );
    const { captured } = await deliver(channel, false, tlsServer);
    expect(captured.secure).toBe(true);
    expect(captured.user).toBe('etl');
    expect(tlsServer.logins.at(-1)).toEqual(['etl', PASSWORD]);
  });

  it('uses STARTTLS without credentials too (the seed only did with them)', async () => {
    const channel = new EmailChannel(plain({ port: tlsServer.port, security: 'starttls', tls: { ca: TLS_CERT } }));
    const { captured } = await deliver(channel, false, tlsServer);
    expect(captured.secure).toBe(true);
    expect(captured.user).toBeUndefined();
  });

  it('refuses a certificate it cannot verify', async () => {
    const channel = new EmailChannel(plain({ port: tlsServer.port, security: 'starttls' }));
    const error = await channel.send(await runOrders(), { onlyErrors: false }).then(
      () => expect.unreachable(),
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(EmailDeliveryError);
    expect((error as Error).message).toMatch(/self-signed certificate/);
  });

  it('fails rather than send in the clear when the server offers no STARTTLS', async () => {
    const before = plainOnly.messages.length;
    const channel = new EmailChannel(plain({ port: plainOnly.port, security: 'starttls', tls: { ca: TLS_CERT } }));
    await expect(channel.send(await runOrders(), { onlyErrors: false })).rejects.toMatchObject({
      code: 'PROC_EMAIL_DELIVERY_FAILED',
      message: expect.stringMatching(/STARTTLS/),
    });
    expect(plainOnly.messages.length).toBe(before);
  });

  it('speaks TLS from the first byte with security "tls"', async () => {
    const channel = new EmailChannel(plain({ port: smtps.port, security: 'tls', auth, tls: { ca: TLS_CERT } }));
    const { captured } = await deliver(channel, false, smtps);
    expect(captured.secure).toBe(true);
    expect(captured.user).toBe('etl');
  });

  it('verify() speaks TLS from the first byte too, checking the certificate', async () => {
    await expect(
      new EmailChannel(plain({ port: smtps.port, security: 'tls', auth, tls: { ca: TLS_CERT } })).verify(),
    ).resolves.toBe(true);
    await expect(new EmailChannel(plain({ port: smtps.port, security: 'tls', auth })).verify()).rejects.toMatchObject({
      operation: 'verify',
      message: expect.stringMatching(/self-signed certificate/),
    });
  });

  it('reports a refused login without the password anywhere', async () => {
    const secret = 'hunter2-Sup3r-s3cret';
    const forms = [
      secret,
      Buffer.from(secret).toString('base64'),
      Buffer.from(`\u0000etl\u0000${secret}`).toString('base64'),
    ];
    const channel = new EmailChannel(
      plain({ port: tlsServer.port, security: 'starttls', auth: { user: 'etl', pass: secret }, tls: { ca: TLS_CERT } }),
    );
    const before = tlsServer.messages.length;
    const warnings = captureWarnings();
    const outcomes = await (await runOrders()).notify([channel]);
    warnings.stop();
    expect(tlsServer.messages.length).toBe(before);
    const outcome = outcomes[0] as Extract<NotifyOutcome, { ok: false }>;
    expect(outcome.ok).toBe(false);
    const error = outcome.error as EmailDeliveryError;
    expect(error).toBeInstanceOf(EmailDeliveryError);
    expect(error.smtpCode).toBe('EAUTH');
    expect(error.responseCode).toBe(535);
    expect(error.message).toMatch(
      /^Sending the report email via SMTP server 127\.0\.0\.1:\d+ \(starttls\) failed: Invalid login/,
    );
    const everything = [
      error.message,
      error.stack,
      JSON.stringify(error),
      JSON.stringify(channel),
      JSON.stringify(channel.config),
      String(channel.config),
      (error.cause as Error | undefined)?.stack,
      JSON.stringify(error.cause),
      ...warnings.warnings.map((w) => `${w.message}\n${w.detail ?? ''}`),
    ].join('\n');
    for (const form of forms) expect(everything).not.toContain(form);
    expect(warnings.warnings.map((w) => w.code)).toContain('PROC_CHANNEL_FAILED');
  });

  it('scrubs the password from a server reply that echoes it', async () => {
    const secret = 'echo-me-Pa55word';
    const echo = await startCaptureServer({
      onAuth(auth, _session, callback) {
        callback(Object.assign(new Error(`no user etl with password ${auth.password}`), { responseCode: 535 }));
      },
    });
    try {
      const channel = new EmailChannel(
        plain({ port: echo.port, security: 'starttls', auth: { user: 'etl', pass: secret }, tls: { ca: TLS_CERT } }),
      );
      const error = await channel.send(await runOrders(), { onlyErrors: false }).then(
        () => expect.unreachable(),
        (thrown: unknown) => thrown as EmailDeliveryError,
      );
      expect(error.response).toBe('535 no user etl with password [redacted]');
      expect(error.message).toContain('with password [redacted]');
      const cause = error.cause as Error & { response?: string };
      expect(`${error.stack}\n${cause.message}\n${cause.stack}\n${cause.response}`).not.toContain(secret);
    } finally {
      await echo.close();
    }
  });

  it('verify() checks the connection and the login', async () => {
    await expect(
      new EmailChannel(plain({ port: tlsServer.port, security: 'starttls', auth, tls: { ca: TLS_CERT } })).verify(),
    ).resolves.toBe(true);
    await expect(
      new EmailChannel(
        plain({
          port: tlsServer.port,
          security: 'starttls',
          auth: { user: 'etl', pass: 'wrong' },
          tls: { ca: TLS_CERT },
        }),
      ).verify(),
    ).rejects.toMatchObject({
      operation: 'verify',
      smtpCode: 'EAUTH',
      message: expect.stringMatching(/^Verifying SMTP server/),
    });
    await expect(new EmailChannel(plain({ port: await refusedPort() })).verify()).rejects.toBeInstanceOf(
      EmailDeliveryError,
    );
  });
});

describe('EmailChannel: servers that fail', () => {
  /** A channel that records what it is given, to show the next channel still runs. */
  function spy(): ReportChannel & { calls: number } {
    return {
      name: 'spy',
      calls: 0,
      send() {
        this.calls++;
      },
    };
  }

  it('a refused connection gives a failed outcome and a warning; the next channel is still delivered', async () => {
    const port = await refusedPort();
    const next = new EmailChannel(plain());
    const after = spy();
    const before = server.messages.length;
    const warnings = captureWarnings();
    const outcomes = await (await runOrders()).notify([new EmailChannel(plain({ port })), next, after]);
    warnings.stop();
    expect(outcomes.map((o) => [o.channel, o.ok])).toEqual([
      ['EmailChannel', false],
      ['EmailChannel', true],
      ['spy', true],
    ]);
    const error = (outcomes[0] as Extract<NotifyOutcome, { ok: false }>).error as EmailDeliveryError;
    expect(error.code).toBe('PROC_EMAIL_DELIVERY_FAILED');
    expect(error.port).toBe(port);
    expect(error.message).toContain('ECONNREFUSED');
    expect(server.messages.length).toBe(before + 1);
    expect(after.calls).toBe(1);
    const warning = warnings.warnings.find((w) => w.code === 'PROC_CHANNEL_FAILED');
    expect(warning?.message).toMatch(
      /^EmailChannel failed to send report: Sending the report email via SMTP server 127\.0\.0\.1:/,
    );
  });

  it('a server that never answers fails within timeoutMs; the next channel is still delivered', async () => {
    const silent = await startSilentServer();
    try {
      const timeoutMs = 500;
      const before = server.messages.length;
      const warnings = captureWarnings();
      const started = Date.now();
      const outcomes = await (await runOrders()).notify([
        new EmailChannel(plain({ port: silent.port, timeoutMs })),
        new EmailChannel(plain()),
      ]);
      const elapsed = Date.now() - started;
      warnings.stop();
      expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
      const error = (outcomes[0] as Extract<NotifyOutcome, { ok: false }>).error as EmailDeliveryError;
      expect(error.smtpCode).toBe('ETIMEDOUT');
      expect(error.message).toContain('no answer within timeoutMs = 500 ms');
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(elapsed).toBeLessThan(timeoutMs + 5000);
      expect(server.messages.length).toBe(before + 1);
      expect(warnings.warnings.some((w) => w.code === 'PROC_CHANNEL_FAILED')).toBe(true);
      // The client hung up: nothing is left open on the silent server.
      expect(silent.accepted()).toBe(1);
      await eventually(() => silent.open() === 0);
    } finally {
      await silent.close();
    }
  });

  it('closes the connection when the server refuses every recipient', async () => {
    const picky = await startCaptureServer({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('no such user here'), { responseCode: 550 }));
      },
    });
    try {
      const error = await new EmailChannel(plain({ port: picky.port }))
        .send(await runOrders(), { onlyErrors: false })
        .then(
          () => expect.unreachable(),
          (thrown: unknown) => thrown as EmailDeliveryError,
        );
      expect(error.smtpCode).toBe('EENVELOPE');
      expect(error.responseCode).toBe(550);
      expect(error.response).toContain('no such user here');
      await eventually(() => picky.openConnections() === 0);
      expect(picky.messages).toEqual([]);
    } finally {
      await picky.close();
    }
  });

  it('gives up when the signal aborts, and closes the connection', async () => {
    const silent = await startSilentServer();
    try {
      const controller = new AbortController();
      const send = new EmailChannel(plain({ port: silent.port, timeoutMs: 60_000 })).send(await runOrders(), {
        onlyErrors: false,
        signal: controller.signal,
      });
      await eventually(() => silent.accepted() === 1);
      controller.abort(new Error('shutting down'));
      await expect(send).rejects.toMatchObject({ smtpCode: 'EABORT' });
      await eventually(() => silent.open() === 0);
    } finally {
      await silent.close();
    }
  });

  it('close() stops a send in flight', async () => {
    const silent = await startSilentServer();
    try {
      const channel = new EmailChannel(plain({ port: silent.port, timeoutMs: 60_000 }));
      const send = channel.send(await runOrders(), { onlyErrors: false });
      await eventually(() => silent.accepted() === 1);
      channel.close();
      await expect(send).rejects.toMatchObject({ smtpCode: 'EABORT' });
      await eventually(() => silent.open() === 0);
    } finally {
      await silent.close();
    }
  });
});
