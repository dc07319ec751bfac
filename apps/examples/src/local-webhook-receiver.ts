import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, WebhookChannel } from 'processes-js';
import type { LocalReceiver } from './local-receiver.js';

interface WebhookBodyShape {
  readonly process_name?: string;
  readonly report?: { readonly process_name?: string; readonly entries?: Record<string, WebhookEntryShape> };
}

interface WebhookEntryShape {
  readonly status: string;
  readonly attempts: number;
  readonly error?: { readonly exception?: string; readonly error_name?: string; readonly downstream_impact?: string[] };
}

/**
 * A webhook receiver on 127.0.0.1 (node:http, an ephemeral port) that
 * checks each request's HMAC signature, with replay protection, before it
 * reads the body; and the `WebhookChannel` that posts to it.
 */
export async function startWebhookReceiver(secret: string): Promise<LocalReceiver> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const check = verifyWebhookSignature(body, req.headers, secret, { toleranceMs: 5 * 60_000 });
      if (!check.ok) {
        log.push(`rejected a request: ${check.message}`);
        res.writeHead(401).end(check.message);
        return;
      }
      const payload = JSON.parse(body.toString('utf8')) as WebhookBodyShape;
      const report = payload.report ?? {};
      log.push(
        `POST ${req.url} · signature verified · delivery ${String(req.headers['x-webhook-delivery-id'])}`,
        `  process_name: ${report.process_name}`,
      );
      for (const [name, entry] of Object.entries(report.entries ?? {})) {
        const error = entry.error
          ? ` · ${entry.error.error_name}: ${entry.error.exception} · skipped because of it: ${entry.error.downstream_impact?.join(', ') || 'nothing'}`
          : '';
        log.push(`  ${name}: ${entry.status} after ${entry.attempts} attempt(s)${error}`);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/incoming`;
  return {
    channel: new WebhookChannel({ url, secret, nestUnder: 'report', extraPayload: { source: 'examples' } }, 'trace'),
    description: `webhook receiver at ${url} (HMAC-SHA256 signatures checked)`,
    received: () => (log.length > 0 ? log : ['nothing arrived']),
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
