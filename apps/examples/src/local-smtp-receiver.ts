import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { EmailChannel, HTMLEmailStyle } from 'processes-js';
import { SMTPServer } from 'smtp-server';
import type { LocalReceiver } from './local-receiver.js';

/**
 * An SMTP capture server on 127.0.0.1 (the smtp-server package, an
 * ephemeral port) that parses each message it accepts; and the
 * `EmailChannel` that sends to it.
 */
export async function startSmtpReceiver(): Promise<LocalReceiver> {
  const log: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      // The message is parsed before the server answers, so it is logged by the time the send resolves.
      simpleParser(stream).then(
        (mail) => {
          const to = Array.isArray(mail.to) ? mail.to.map((address) => address.text).join(', ') : mail.to?.text;
          log.push(
            `Subject: ${mail.subject}`,
            `  From: ${mail.from?.text} · To: ${to}`,
            `  parts: text (${mail.text?.length ?? 0} chars) + HTML (${typeof mail.html === 'string' ? mail.html.length : 0} chars)`,
            ...(mail.text ?? '')
              .split('\n')
              .filter((line) => line.trim() !== '')
              .slice(0, 6)
              .map((line) => `  | ${line}`),
          );
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    channel: new EmailChannel(
      {
        host: '127.0.0.1',
        port,
        // A real relay: security 'starttls' (the default) or 'tls', with auth: { user, pass }.
        security: 'none',
        from: '"Orders pipeline" <pipelines@example.test>',
        to: ['oncall@example.test'],
        timeoutMs: 5_000,
      },
      new HTMLEmailStyle({ palette: 'slate', language: 'en' }),
      'trace',
    ),
    description: `SMTP capture server at 127.0.0.1:${port}`,
    received: () => (log.length > 0 ? log : ['nothing arrived']),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
