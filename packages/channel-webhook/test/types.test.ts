import type { ReportChannel } from 'processes-core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ContentFlags,
  verifyWebhookSignature,
  type WebhookChannel,
  type WebhookConfig,
  type WebhookReceipt,
  type WebhookVerification,
} from '../dist/index.js';

describe('public types', () => {
  it('WebhookChannel is a ReportChannel whose send resolves to a receipt', () => {
    expectTypeOf<WebhookChannel>().toExtend<ReportChannel>();
    expectTypeOf<WebhookChannel['send']>().returns.toEqualTypeOf<Promise<WebhookReceipt>>();
    expectTypeOf<WebhookReceipt>().toEqualTypeOf<{
      readonly attempts: number;
      readonly status: number;
      readonly deliveryId: string;
    }>();
  });

  it('takes a config and a content object or preset name', () => {
    expectTypeOf<ConstructorParameters<typeof WebhookChannel>>().toEqualTypeOf<
      [webhookConfig: WebhookConfig, content?: ContentFlags | 'full' | 'trace' | 'min']
    >();
    expectTypeOf<WebhookConfig['url']>().toEqualTypeOf<string | URL>();
    // A ReportContent-shaped class instance fits.
    class ReportContent {
      readonly showTraceback: boolean = true;
      readonly showTracedVars: boolean = true;
    }
    expectTypeOf<ReportContent>().toExtend<ContentFlags>();
  });

  it('verifyWebhookSignature narrows on ok', () => {
    const result = verifyWebhookSignature('', {}, 's');
    expectTypeOf(result).toEqualTypeOf<WebhookVerification>();
    if (!result.ok) {
      expectTypeOf(result.reason).toEqualTypeOf<
        'missing-header' | 'malformed-header' | 'bad-signature' | 'stale-timestamp'
      >();
    }
  });
});
