import { z } from 'zod';
import { InvalidOptionError } from '../errors/errors.js';
import { checkOptions, spec } from '../options/validation.js';

/** What `new ReportContent()` takes. */
export interface ReportContentOptions {
  /** Show each failure's stack (and its cause chain). @default true */
  showTraceback?: boolean;
  /** Show the local variables captured at the throw site. @default true */
  showTracedVars?: boolean;
}

/** The names of the {@link ReportContent} presets. */
export type ReportContentPreset = 'full' | 'trace' | 'min';

const PRESETS: readonly string[] = ['full', 'trace', 'min'];

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
    const checked: ReportContentOptions = checkOptions('ReportContent', options, {
      showTraceback: spec(z.boolean(), 'a boolean'),
      showTracedVars: spec(z.boolean(), 'a boolean'),
    });
    this.showTraceback = checked.showTraceback ?? true;
    this.showTracedVars = checked.showTracedVars ?? true;
    Object.freeze(this);
  }

  /** A preset by name (`'full'`, `'trace'`, `'min'`), for configs and command lines. */
  static preset(name: ReportContentPreset): ReportContent {
    if (!PRESETS.includes(name)) {
      throw new InvalidOptionError('ReportContent.preset', 'name', 'one of "full", "trace", "min"', name);
    }
    return ReportContent[name];
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
