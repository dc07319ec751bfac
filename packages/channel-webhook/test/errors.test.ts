import { ProcessesError } from 'processes-core';
import { describe, expect, it } from 'vitest';
import * as api from '../dist/index.js';

describe('WebhookDeliveryError', () => {
  it('an error is a ProcessesError with its class name and code', () => {
    const error = new api.WebhookDeliveryError({
      reason: 'http-status',
      attempts: 1,
      status: 410,
      statusText: 'Gone',
      origin: 'https://hooks.example.com',
      deliveryId: 'id-1',
      retryable: false,
      timeoutMs: 5000,
    });
    expect(error).toBeInstanceOf(ProcessesError);
    expect(error.name).toBe('WebhookDeliveryError');
    expect(error.code).toBe('PROC_WEBHOOK_DELIVERY_FAILED');
    expect(Object.keys(error)).not.toContain('name');
    expect(error.message).toBe(
      'Could not deliver the report to https://hooks.example.com (1 attempt): the server answered HTTP 410 Gone, which is not retried (only 5xx and 429 are).',
    );
  });
});
