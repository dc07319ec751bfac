import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { EmailChannel, EmailDeliveryError } from '../dist/index.js';
import { runOrders } from './fixtures/reports.js';
import { TLS_CERT, TLS_KEY } from './fixtures/smtp.js';

/**
 * What a misbehaving SMTP server does after a client connects. Each one keeps
 * every single wait short (a byte every 50 ms), so only a deadline on the
 * whole delivery, not a per-read socket timeout, can end it.
 */
type Misbehaviour = 'never-greet' | 'drip-greeting' | 'drip-after-ehlo' | 'hang-in-data';

interface BadServer {
  readonly port: number;
  /** Resolves when the client's socket has closed (the client hung up or was cut off). */
  readonly clientClosed: Promise<void>;
  close(): Promise<void>;
}

/** With `tls`, the server speaks TLS from the first byte (SMTPS), then misbehaves the same way. */
async function startBadServer(kind: Misbehaviour, tls = false): Promise<BadServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed!: () => void;
  const clientClosed = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const drip = (socket: Socket, text: string): void => {
    let i = 0;
    const timer = setInterval(() => {
      if (socket.destroyed) return;
      socket.write(text[i % text.length] ?? ' ');
      i++;
    }, 50);
    timers.add(timer);
  };
  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => closed());
    if (kind === 'never-greet') return;
    if (kind === 'drip-greeting') {
      drip(socket, '220 slow.example.test ESMTP ready at a crawl');
      return;
    }
    socket.write('220 bad.example.test ESMTP\r\n');
    let buffered = '';
    let inData = false;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      const lines = buffered.split('\r\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (inData) continue;
        const command = line.slice(0, 4).toUpperCase();
        if (command === 'EHLO' || command === 'HELO') {
          if (kind === 'drip-after-ehlo') drip(socket, '250-bad.example.test at a crawl');
          else socket.write('250-bad.example.test\r\n250 8BITMIME\r\n');
        } else if (command === 'MAIL' || command === 'RCPT') socket.write('250 OK\r\n');
        else if (command === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        }
        // In DATA nothing is ever answered: the final `.` waits forever.
      }
    });
  };
  const server: Server = tls
    ? createTlsServer({ key: TLS_KEY, cert: TLS_CERT }, onConnection)
    : createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    clientClosed,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('SMTPConfig.timeoutMs bounds the whole delivery', () => {
  it.each<Misbehaviour>(['never-greet', 'drip-greeting', 'drip-after-ehlo', 'hang-in-data'])(
    'a server that does "%s": notify() resolves with a failed outcome and the connection is closed',
    async (kind) => {
      const server = await startBadServer(kind);
      try {
        const timeoutMs = 400;
        const channel = new EmailChannel({
          host: '127.0.0.1',
          port: server.port,
          security: 'none',
          from: 'etl@example.test',
          to: 'oncall@example.test',
          timeoutMs,
        });
        const outcomes = await (await runOrders()).notify([channel], { showWarnings: false });
        expect(outcomes).toHaveLength(1);
        const outcome = outcomes[0];
        expect(outcome?.ok).toBe(false);
        const error = (outcome as { error: Error }).error;
        expect(error).toBeInstanceOf(EmailDeliveryError);
        expect(error.message).toContain(`timeoutMs = ${timeoutMs} ms`);
        // The client hung up: nothing is left open against the server.
        await server.clientClosed;
      } finally {
        await server.close();
      }
    },
    // A generous ceiling only: without the deadline, a dripping server keeps the send pending for good.
    20_000,
  );

  // 'tls': nodemailer's own TLS socket used to outlive the deadline for as long as the server dripped.
  it.each([
    ['plain', 'none', false],
    ['TLS from the first byte', 'tls', true],
  ] as const)(
    'verify() over %s is bounded the same way, and closes the connection',
    async (_, security, tls) => {
      const server = await startBadServer('drip-after-ehlo', tls);
      try {
        const channel = new EmailChannel({
          host: '127.0.0.1',
          port: server.port,
          security,
          from: 'etl@example.test',
          to: 'oncall@example.test',
          timeoutMs: 400,
          ...(tls ? { tls: { ca: TLS_CERT } } : {}),
        });
        const error = await channel.verify().then(
          () => expect.unreachable(),
          (e: unknown) => e as EmailDeliveryError,
        );
        expect(error).toBeInstanceOf(EmailDeliveryError);
        expect(error.message).toContain('timeoutMs = 400 ms');
        await server.clientClosed;
      } finally {
        await server.close();
      }
    },
    20_000,
  );
});
