import { checkValue, parseOptions } from '../options/parse.js';
import {
  REPORT_CONTENT_DEFAULTS,
  type ReportContentOptions,
  type ReportContentPreset,
  reportContentOptionsSchema,
  reportContentPresetSchema,
} from '../options/report-content-schema.js';

export type { ReportContentOptions, ReportContentPreset } from '../options/report-content-schema.js';

/**
 * How much of each failure a report shows. An immutable value: compare two
 * with {@link ReportContent.equals}. Presets: {@link ReportContent.full}
 * (traceback and traced variables), {@link ReportContent.trace} (traceback
 * only) and {@link ReportContent.min} (name, status and message).
 */
export class ReportContent {
  /** Traceback and traced variables (the default). */
  static readonly full: ReportContent = new ReportContent();
  /** Traceback, no traced variables. */
  static readonly trace: ReportContent = new ReportContent({ showTracedVars: false });
  /** Task name, status and error message only. */
  static readonly min: ReportContent = new ReportContent({ showTraceback: false, showTracedVars: false });

  readonly showTraceback: boolean;
  readonly showTracedVars: boolean;

  constructor(options: ReportContentOptions = {}) {
    const checked = parseOptions({ where: 'ReportContent' }, reportContentOptionsSchema, options);
    this.showTraceback = checked.showTraceback ?? REPORT_CONTENT_DEFAULTS.showTraceback;
    this.showTracedVars = checked.showTracedVars ?? REPORT_CONTENT_DEFAULTS.showTracedVars;
    Object.freeze(this);
  }

  /** A preset by name (`'full'`, `'trace'`, `'min'`), for configs and command lines. */
  static preset(name: ReportContentPreset): ReportContent {
    return ReportContent[checkValue({ where: 'ReportContent.preset', field: 'name' }, reportContentPresetSchema, name)];
  }

  /** True when both show the same things. */
  equals(other: unknown): boolean {
    return (
      other instanceof ReportContent &&
      other.showTraceback === this.showTraceback &&
      other.showTracedVars === this.showTracedVars
    );
  }
}
