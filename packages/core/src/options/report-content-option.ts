import { z } from 'zod';
import { ReportContent } from '../report/report-content.js';
import { described } from './field.js';
import { checkValue, isPlainObject } from './parse.js';
import {
  type ReportContentOptions,
  type ReportContentPreset,
  reportContentPresetSchema,
} from './report-content-schema.js';

// The one way a `content` argument becomes a ReportContent, for the
// renderers, the email channel and the webhook channel alike.

/** What a `content` option may be: a ReportContent, a preset name or ReportContent's options. */
export type ReportContentOption = ReportContent | ReportContentPreset | ReportContentOptions;

/** The schema of a {@link ReportContentOption}, for options objects that hold one. */
export const reportContentOptionSchema: z.ZodType<ReportContentOption> = described(
  z.union([
    z.custom<ReportContent>((value) => value instanceof ReportContent),
    reportContentPresetSchema,
    // Its fields are checked by `new ReportContent()`, whose messages name them.
    z.custom<ReportContentOptions>(isPlainObject),
  ]),
  'a ReportContent, "full", "trace", "min" or { showTraceback, showTracedVars }',
);

/**
 * The ReportContent a `content` option means (`undefined` is `full`). A bad
 * value is reported against the caller's own argument:
 * ``EmailChannel: expected `content` to be a ReportContent, "full", ...``.
 */
export function toReportContent(where: string, field: string, value: unknown): ReportContent {
  if (value === undefined) return ReportContent.full;
  if (value instanceof ReportContent) return value;
  const checked = checkValue({ where, field }, reportContentOptionSchema, value);
  if (typeof checked === 'string') return ReportContent[checked];
  return checked instanceof ReportContent ? checked : new ReportContent(checked);
}

/** The two flags a renderer reads; a webhook keeps the caller's object as is, as the Python library does. */
export type ContentFlags = Pick<ReportContent, 'showTraceback' | 'showTracedVars'>;

const hasFlags = (value: unknown): value is ContentFlags =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<ContentFlags>).showTraceback === 'boolean' &&
  typeof (value as Partial<ContentFlags>).showTracedVars === 'boolean';

const flagsSchema = described(
  z.union([reportContentPresetSchema, z.custom<ContentFlags>(hasFlags)]),
  "'full', 'trace', 'min' or a ReportContent (an object with boolean `showTraceback` and `showTracedVars`)",
);

/**
 * Like {@link toReportContent}, but an object with both flags is kept as it
 * was given (any `{ showTraceback, showTracedVars }`, not only a
 * ReportContent), and a partial options object is refused.
 */
export function toContentFlags(where: string, field: string, value: unknown): ContentFlags {
  if (value === undefined) return ReportContent.full;
  const checked = checkValue({ where, field }, flagsSchema, value);
  return typeof checked === 'string' ? ReportContent[checked as ReportContentPreset] : checked;
}
