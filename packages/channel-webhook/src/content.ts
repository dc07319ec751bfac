import { InvalidOptionError } from '@processes/core';
import { z } from 'zod';

/**
 * Which error details a report shows: the seed's `ReportContent`. Any object
 * of this shape is accepted, so a `ReportContent` from `@processes/report-html`
 * can be passed as is.
 */
export interface ReportContentLike {
  /** Send each error's stack (`traceback`). */
  readonly showTraceback: boolean;
  /** Send each error's traced local variables and where they were captured. */
  readonly showTracedVars: boolean;
}

/** The seed's documented presets, by name. */
export type ContentPreset = 'full' | 'trace' | 'min';

/**
 * `full` sends everything, `trace` the stack without traced variables, `min`
 * only the name, status and error message of each task.
 */
export const CONTENT_PRESETS: Readonly<Record<ContentPreset, ReportContentLike>> = Object.freeze({
  full: Object.freeze({ showTraceback: true, showTracedVars: true }),
  trace: Object.freeze({ showTraceback: true, showTracedVars: false }),
  min: Object.freeze({ showTraceback: false, showTracedVars: false }),
});

const contentSchema = z.union([
  z.enum(['full', 'trace', 'min']),
  z.custom<ReportContentLike>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as ReportContentLike).showTraceback === 'boolean' &&
      typeof (value as ReportContentLike).showTracedVars === 'boolean',
  ),
]);

/**
 * The content to use: a preset by name, or the given object itself (kept by
 * identity, as the seed does). `undefined` means `full`, the seed's default.
 */
export function resolveContent(content: unknown): ReportContentLike {
  if (content === undefined) return CONTENT_PRESETS.full;
  if (!contentSchema.safeParse(content).success) {
    throw new InvalidOptionError(
      'WebhookChannel',
      'content',
      "'full', 'trace', 'min' or an object with boolean `showTraceback` and `showTracedVars`",
      content,
    );
  }
  return typeof content === 'string' ? CONTENT_PRESETS[content as ContentPreset] : (content as ReportContentLike);
}
