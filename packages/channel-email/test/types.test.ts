import type { ProcessExecutionReport, ReportChannel } from 'processes-core';
import { describe, expectTypeOf, it } from 'vitest';
import type { EmailChannel, EmailMessage, EmailReceipt, SMTPConfigOptions, SMTPSecurity } from '../dist/index.js';

describe('public types', () => {
  it('EmailChannel is a ReportChannel whose send resolves to a receipt', () => {
    expectTypeOf<EmailChannel>().toExtend<ReportChannel>();
    expectTypeOf<EmailChannel['send']>().returns.toEqualTypeOf<Promise<EmailReceipt>>();
    expectTypeOf<EmailChannel['verify']>().returns.toEqualTypeOf<Promise<true>>();
    expectTypeOf<EmailChannel['compose']>().parameter(0).toEqualTypeOf<ProcessExecutionReport>();
    expectTypeOf<EmailChannel['compose']>().returns.toEqualTypeOf<EmailMessage>();
  });

  it('SMTPConfigOptions requires host, from and to', () => {
    expectTypeOf<SMTPConfigOptions>().toHaveProperty('host').toEqualTypeOf<string>();
    expectTypeOf<{ host: string; from: string }>().not.toExtend<SMTPConfigOptions>();
    expectTypeOf<SMTPSecurity>().toEqualTypeOf<'starttls' | 'tls' | 'none'>();
  });
});
