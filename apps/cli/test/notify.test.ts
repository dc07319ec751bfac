import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from 'processes-js';
import { afterEach, describe, expect, it } from 'vitest';
import { runProcesses } from './helpers/cli.js';

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const SECRET = 'cli-test-secret';
let server: Server | undefined;

/** A webhook receiver on 127.0.0.1 that keeps what it gets and answers 204. */
async function startReceiver(): Promise<{ url: string; deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, deliveries };
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe('processes run --notify', () => {
  it("sends the report through the pipeline's channels and prints each outcome", async () => {
    const { url, deliveries } = await startReceiver();
    const { code, stdout, stderr } = await runProcesses(['run', 'notify.js', '--notify'], {
      env: { WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET },
    });
    expect(code).toBe(1);
    expect(stdout).toContain('notify: sending the report through 2 channels…');
    expect(stdout).toMatch(/notify sent WebhookChannel \{ attempts: 1, status: 204, deliveryId: '[\w-]+' \}/);
    // A failed channel is shown with its error; the exit code still follows the tasks.
    expect(stderr).toBe('notify FAILED broken-pager: Error: pager service unavailable\n');

    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(verifyWebhookSignature(delivery?.body ?? '', delivery?.headers ?? {}, SECRET)).toEqual({ ok: true });
    const body = JSON.parse(delivery?.body.toString('utf8') ?? '{}');
    expect(body.process_name).toBe('notify-pipeline');
    expect(Object.keys(body.entries)).toEqual(['fetch', 'charge']);
    expect(body.entries.charge.status).toBe('errored');
  });

  it('--only-errors sends only the errored entries', async () => {
    const { url, deliveries } = await startReceiver();
    const { code } = await runProcesses(['run', 'notify.js', '--notify', '--only-errors', '--quiet'], {
      env: { WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET },
    });
    expect(code).toBe(1);
    const body = JSON.parse(deliveries[0]?.body.toString('utf8') ?? '{}');
    expect(Object.keys(body.entries)).toEqual(['charge']);
  });

  it('sends nothing with --only-errors when no task errored', async () => {
    const { code, stdout } = await runProcesses(['run', 'hanging-channel.js', '--notify', '--only-errors']);
    expect(code).toBe(0);
    expect(stdout).toContain('notify skipped never-answers: no errored task, nothing to send');
  });

  it('exits 2 before running anything when the pipeline exports no channels', async () => {
    const { code, stdout, stderr } = await runProcesses(['run', 'ok.js', '--notify']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('InvalidPipelineError [PROC_CLI_INVALID_PIPELINE]');
    expect(stderr).toContain('--notify sends the report through the channels the pipeline exports');
  });

  it('exits 2 before running anything when a channel config is invalid', async () => {
    const { code, stdout, stderr } = await runProcesses(['run', 'notify.js', '--notify'], {
      env: { WEBHOOK_URL: 'not a url', WEBHOOK_SECRET: SECRET },
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('[PROC_INVALID_OPTION]');
  });
});
