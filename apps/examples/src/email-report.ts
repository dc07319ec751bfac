// Emails a run report. The example starts its own SMTP capture server on
// 127.0.0.1 (smtp-server), so it runs offline: it runs a small pipeline
// whose payment step fails, sends the report with report.notify(), prints
// what the server received, and exits.
// Run it: npx -y pnpm@10 --filter processes-examples email-report (after a build)

import { type AddressObject, simpleParser } from 'mailparser';
import { EmailChannel, HTMLEmailStyle, Process, ReportContent, Task, TaskDependency } from 'processes-js';
import { SMTPServer } from 'smtp-server';

// --- 1. A capture server standing in for your mail relay -------------------
const received: string[] = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      callback();
    });
  },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

// --- 2. A pipeline where one step fails ------------------------------------
function fetchOrders() {
  return [
    { id: 1, amount: 42 },
    { id: 2, amount: 17.5 },
  ];
}
function chargePayments(orders: { id: number; amount: number }[]): never {
  throw new Error(`payment gateway declined ${orders.length} charges`);
}

await using pipeline = new Process(
  [
    new Task('fetch_orders', fetchOrders),
    new Task('charge_payments', chargePayments, {
      dependencies: [new TaskDependency('fetch_orders', { useResultAsAdditionalArgs: true })],
    }),
    new Task('ship_orders', () => 'shipped', { dependencies: ['charge_payments'] }),
    new Task('archive_logs', () => 'archived'),
  ],
  { name: 'orders-pipeline' },
);
const report = await pipeline.run();

// --- 3. Send the report -----------------------------------------------------
const email = new EmailChannel(
  {
    host: '127.0.0.1',
    port,
    // A real relay: security 'starttls' (the default) or 'tls', with auth: { user, pass }.
    security: 'none',
    from: '"Pipelines" <pipelines@example.test>',
    to: ['oncall@example.test'],
    cc: 'team@example.test',
    timeoutMs: 5000,
  },
  new HTMLEmailStyle({ palette: 'slate', language: 'en' }),
  ReportContent.trace,
);
const outcomes = await report.notify([email], { onlyErrors: true });
console.log(
  'outcomes:',
  outcomes.map((o) => (o.ok ? `${o.channel} sent=${o.sent}` : `${o.channel} failed`)).join(', '),
);

// --- 4. What arrived ----------------------------------------------------------
for (const raw of received) {
  const mail = await simpleParser(raw);
  const list = (value: AddressObject | AddressObject[] | undefined) =>
    (Array.isArray(value) ? value : value ? [value] : []).map((a) => a.text).join(', ');
  console.log('--- received ---');
  console.log('From:   ', mail.from?.text);
  console.log('To:     ', list(mail.to));
  console.log('Cc:     ', list(mail.cc));
  console.log('Subject:', mail.subject);
  console.log('Type:   ', (mail.headers.get('content-type') as { value?: string } | undefined)?.value);
  console.log(`HTML:    ${String(mail.html).length} characters`);
  console.log('Text part:');
  console.log(mail.text);
}

await new Promise<void>((resolve) => server.close(() => resolve()));
if (received.length !== 1 || !outcomes.every((o) => o.ok)) process.exitCode = 1;
