import { z } from 'zod';
import { described, type ShapeOf } from './field.js';

/** What `new ReportContent()` takes. */
export interface ReportContentOptions {
  /** Show each failure's stack (and its cause chain). @default true */
  showTraceback?: boolean | undefined;
  /** Show the local variables captured at the throw site. @default true */
  showTracedVars?: boolean | undefined;
}

/** The names of the {@link ReportContent} presets. */
export type ReportContentPreset = 'full' | 'trace' | 'min';

/** The preset names, in the order messages list them. */
export const REPORT_CONTENT_PRESETS: readonly ReportContentPreset[] = Object.freeze(['full', 'trace', 'min']);

/** The defaults of {@link ReportContentOptions} (the `full` preset). */
export const REPORT_CONTENT_DEFAULTS: { readonly showTraceback: boolean; readonly showTracedVars: boolean } =
  Object.freeze({
    showTraceback: true,
    showTracedVars: true,
  });

export const reportContentPresetSchema: z.ZodType<ReportContentPreset> = described(
  z.enum(['full', 'trace', 'min']),
  'one of "full", "trace", "min"',
);

export const reportContentOptionsSchema: z.ZodType<ReportContentOptions> = z.strictObject({
  showTraceback: described(z.boolean(), 'a boolean').optional(),
  showTracedVars: described(z.boolean(), 'a boolean').optional(),
} satisfies ShapeOf<ReportContentOptions>);
