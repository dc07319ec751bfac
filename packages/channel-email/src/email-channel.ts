import { connect, type Socket } from 'node:net';
import { createTransport } from 'nodemailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { ProcessExecutionReport, ReportChannel, SendOptions } from 'processes-core';
import { toReportContent } from 'processes-core/internal';
import {
  HTMLEmailStyle,
  type HTMLEmailStyleOptions,
  ReportContent,
  type ReportContentOptions,
  type ReportContentPreset,
  renderReportHtml,
  renderReportText,
  reportSubject,
} from 'processes-report-html';
import { EmailDeliveryError, type EmailOperation } from './errors.js';
import { redact, redactError, secretForms } from './redact.js';
import { credentialsOf, SMTPConfig, type SMTPConfigOptions } from './smtp-config.js';

/** A composed report email, before it is sent. */
export interface EmailMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly subject: string;
  /** The plain-text part. */
  readonly text: string;
  /** The HTML part. */
  readonly html: string;
  readonly date: Date;
}

/** What `send()` resolves to (kept as the outcome's `receipt` by `report.notify()`). */
export interface EmailReceipt {
  /** The Message-ID header of the sent message. */
  readonly messageId: string;
  /** Recipients the server accepted. */
  readonly accepted: readonly string[];
  /** Recipients the server refused while accepting others (when it refuses all, `send` fails). */
  readonly rejected: readonly string[];
  /** The server's final reply, e.g. `250 OK: message queued`. */
  readonly response: string;
}

/** Options of {@link EmailChannel.compose}. */
export interface ComposeOptions {
  /** List only the errored tasks. @default false */
  onlyErrors?: boolean;
  /** The message date, also the subject's `YYYYMMDD`. @default now */
  date?: Date;
}

/**
 * Sends a report as an email: a multipart/alternative message with a
 * plain-text part and the HTML report, subject `<base> <process> | YYYYMMDD`.
 * Each send opens its own SMTP connection, which is closed when the send
 * ends, failed or not. Use it with `report.notify([channel])`, or call
 * `send` directly.
 *
 * ```ts
 * const email = new EmailChannel(
 *   { host: 'smtp.example.com', from: 'etl@example.com', to: 'oncall@example.com',
 *     auth: { user: 'etl', pass: process.env.SMTP_PASS ?? '' } },
 *   { palette: 'slate', language: 'en' },
 *   'trace',
 * );
 * await report.notify([email], { onlyErrors: true });
 * ```
 */
export class EmailChannel implements ReportChannel {
  readonly name: string = 'EmailChannel';
  readonly config: SMTPConfig;
  readonly style: HTMLEmailStyle;
  readonly content: ReportContent;
  /** Sends in flight, so `close()` can stop them. */
  readonly #inFlight = new Set<AbortController>();

  constructor(
    smtpConfig: SMTPConfig | SMTPConfigOptions,
    style: HTMLEmailStyle | HTMLEmailStyleOptions = new HTMLEmailStyle(),
    content: ReportContent | ReportContentPreset | ReportContentOptions = ReportContent.full,
  ) {
    this.config = smtpConfig instanceof SMTPConfig ? smtpConfig : new SMTPConfig(smtpConfig);
    this.style = style instanceof HTMLEmailStyle ? style : new HTMLEmailStyle(style);
    // A bad value is blamed on this argument, not on ReportContent.preset.
    this.content = toReportContent('EmailChannel', 'content', content);
  }

  /** The email for a report, without sending it (for previews and tests). */
  compose(report: ProcessExecutionReport, options: ComposeOptions = {}): EmailMessage {
    const onlyErrors = options.onlyErrors ?? false;
    const date = options.date ?? new Date();
    const render = {
      palette: this.style.palette,
      language: this.style.language,
      content: this.content,
      onlyErrors,
      date,
    };
    return {
      from: this.config.from,
      to: this.config.to,
      cc: this.config.cc,
      bcc: this.config.bcc,
      subject: reportSubject(report, { language: this.style.language, onlyErrors, date }),
      text: renderReportText(report, render),
      html: renderReportHtml(report, render),
      date,
    };
  }

  /**
   * Sends the report. Resolves to the delivery receipt; rejects with
   * {@link EmailDeliveryError} (credentials scrubbed) when the server cannot
   * be reached within `timeoutMs`, refuses TLS, the login or every
   * recipient, or when `signal` aborts. The connection is closed either way.
   */
  async send(report: ProcessExecutionReport, options: Partial<SendOptions> = {}): Promise<EmailReceipt> {
    const message = this.compose(report, { onlyErrors: options.onlyErrors ?? false });
    const controller = new AbortController();
    const stop = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
    this.#inFlight.add(controller);
    const transport = createTransport(this.#transportOptions());
    // nodemailer's timeouts bound each wait, so a server that drips a byte
    // now and then keeps a send going for ever; this bounds the whole of it.
    const deadline = this.#deadline(() => controller.abort(this.#timedOut()));
    try {
      const info = await transport.sendMail({
        from: message.from,
        to: [...message.to],
        cc: [...message.cc],
        bcc: [...message.bcc],
        subject: message.subject,
        text: message.text,
        html: message.html,
        date: message.date,
        // RFC 3834: a machine sent this; vacation responders should not answer it.
        headers: { 'Auto-Submitted': 'auto-generated' },
        signal: controller.signal,
      });
      return {
        messageId: info.messageId,
        accepted: info.accepted.map(String),
        rejected: info.rejected.map(String),
        response: info.response,
      };
    } catch (error) {
      throw this.#deliveryError('send', deadline.fired ? this.#timedOut() : error);
    } finally {
      clearTimeout(deadline.timer);
      options.signal?.removeEventListener('abort', stop);
      this.#inFlight.delete(controller);
      transport.close();
    }
  }

  /**
   * Connects, upgrades to TLS as configured, logs in when the config has
   * credentials, and disconnects, without sending anything. Resolves to
   * `true`; rejects with {@link EmailDeliveryError}.
   */
  async verify(): Promise<true> {
    // verify() takes no signal: at the deadline its socket is cut instead, so
    // the TCP socket is made here and kept. For 'tls' too: nodemailer starts
    // TLS over a socket it is handed when `secure` is set, and a socket it made
    // itself outlived the deadline for as long as the server kept dripping bytes.
    const sockets = new Set<Socket>();
    const own = {
      getSocket: (_: unknown, callback: (error: Error | null, socket?: { connection: Socket }) => void) => {
        const socket = connect({ host: this.config.host, port: this.config.port });
        sockets.add(socket);
        socket.once('connect', () => callback(null, { connection: socket }));
        socket.once('error', (error) => callback(error));
      },
    };
    const transport = createTransport({ ...this.#transportOptions(), ...own } as SMTPTransportOptions);
    let cut: ((error: Error) => void) | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      cut = reject;
    });
    const deadline = this.#deadline(() => {
      cut?.(this.#timedOut());
      transport.close();
      for (const socket of sockets) socket.destroy();
    });
    try {
      await Promise.race([transport.verify(), timedOut]);
      return true;
    } catch (error) {
      throw this.#deliveryError('verify', error);
    } finally {
      clearTimeout(deadline.timer);
      transport.close();
      for (const socket of sockets) socket.destroy();
    }
  }

  /** Runs `onTimeout` once `timeoutMs` has passed; `fired` says whether it did. */
  #deadline(onTimeout: () => void): { timer: NodeJS.Timeout; fired: boolean } {
    const deadline = { timer: undefined as unknown as NodeJS.Timeout, fired: false };
    deadline.timer = setTimeout(() => {
      deadline.fired = true;
      onTimeout();
    }, this.config.timeoutMs);
    return deadline;
  }

  #timedOut(): Error {
    return Object.assign(new Error('The delivery took longer than its deadline'), { code: 'ETIMEDOUT' });
  }

  /**
   * Stops any send in flight (it rejects with an `EABORT` delivery error and
   * its connection is closed). The channel holds no other resources; later
   * sends open new connections as usual.
   */
  close(): void {
    for (const controller of this.#inFlight) controller.abort(new Error('EmailChannel was closed'));
    this.#inFlight.clear();
  }

  #transportOptions(): SMTPTransportOptions {
    const { host, port, security, timeoutMs, tls } = this.config;
    const credentials = credentialsOf(this.config);
    return {
      host,
      port,
      secure: security === 'tls',
      // STARTTLS is required, not opportunistic: a server that does not offer it fails the send.
      requireTLS: security === 'starttls',
      ignoreTLS: security === 'none',
      ...(credentials
        ? {
            auth: { user: credentials.user, pass: credentials.pass },
            // Credentials were given, so log in even if the server does not advertise AUTH.
            forceAuth: true,
          }
        : {}),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
      tls: {
        ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
        ...(tls.ca === undefined ? {} : { ca: tls.ca as string | Buffer | (string | Buffer)[] }),
        ...(tls.servername === undefined ? {} : { servername: tls.servername }),
      },
      logger: false,
      debug: false,
    };
  }

  #deliveryError(operation: EmailOperation, thrown: unknown): EmailDeliveryError {
    const secrets = secretForms(credentialsOf(this.config));
    const clean = redactError(thrown, secrets);
    const error = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as {
      message?: unknown;
      code?: unknown;
      responseCode?: unknown;
      command?: unknown;
      response?: unknown;
    };
    const smtpCode = typeof error.code === 'string' ? error.code : undefined;
    let reason = redact(typeof error.message === 'string' ? error.message : String(thrown), secrets);
    if (smtpCode === 'ETIMEDOUT') reason += ` (no answer within timeoutMs = ${this.config.timeoutMs} ms)`;
    return new EmailDeliveryError({
      operation,
      host: this.config.host,
      port: this.config.port,
      security: this.config.security,
      reason,
      ...(smtpCode === undefined ? {} : { smtpCode }),
      ...(typeof error.responseCode === 'number' ? { responseCode: error.responseCode } : {}),
      ...(typeof error.command === 'string' ? { command: redact(error.command, secrets) } : {}),
      ...(typeof error.response === 'string' ? { response: redact(error.response, secrets) } : {}),
      ...(clean ? { cause: thrown } : {}),
    });
  }
}
