import { InvalidOptionError, ReportContent, type ReportContentPreset } from '@processes/core';

/**
 * Which error details a report shows: a `ReportContent` (or any object with
 * its two flags). The object passed in is kept as is, as the Python library does.
 */
export type ContentFlags = Pick<ReportContent, 'showTraceback' | 'showTracedVars'>;

const PRESET_NAMES: readonly string[] = ['full', 'trace', 'min'];

/** The content to use: a preset by name, or the given object itself. `undefined` means `full`, the Python library's default. */
export function resolveContent(content: unknown): ContentFlags {
  if (content === undefined) return ReportContent.full;
  if (typeof content === 'string' && PRESET_NAMES.includes(content)) {
    return ReportContent.preset(content as ReportContentPreset);
  }
  const flags = content as Partial<ContentFlags> | null;
  if (
    typeof flags === 'object' &&
    flags !== null &&
    typeof flags.showTraceback === 'boolean' &&
    typeof flags.showTracedVars === 'boolean'
  ) {
    return flags as ContentFlags;
  }
  throw new InvalidOptionError(
    'WebhookChannel',
    'content',
    "'full', 'trace', 'min' or a ReportContent (an object with boolean `showTraceback` and `showTracedVars`)",
    content,
  );
}
