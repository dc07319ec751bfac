import {
  InvalidOptionError,
  type ProcessExecutionReport,
  type ReportContent,
  type ReportContentOptions,
  type ReportContentPreset,
} from 'processes-core';
import {
  described,
  type Parsed,
  parseOptions,
  reportContentOptionSchema,
  type ShapeOf,
  toReportContent,
} from 'processes-core/internal';
import { z } from 'zod';
import { LANGUAGES, type LanguageCode, type Translations } from './languages.js';
import { PALETTES, type Palette, type PaletteName } from './palettes.js';
import { STYLE_DEFAULTS, STYLE_SHAPE } from './style.js';

/** Options of {@link renderReportHtml} and {@link renderReportText}. */
export interface RenderOptions {
  /** The colours (HTML only). @default 'neutral' */
  palette?: PaletteName | undefined;
  /** The labels' language. @default 'en' */
  language?: LanguageCode | undefined;
  /** How much of each failure to show: a `ReportContent`, a preset name, or its options. @default ReportContent.full */
  content?: ReportContent | ReportContentPreset | ReportContentOptions | undefined;
  /**
   * List only the errored tasks (in the task list and the timeline). The
   * summary counts still describe the whole report, as in the Python library. @default false
   */
  onlyErrors?: boolean | undefined;
  /** The date in the subject (`| YYYYMMDD`, local time). @default now */
  date?: Date | undefined;
  /**
   * At most this many tasks are listed (cards and timeline rows; text
   * lines). When there are more, the errored ones are listed first, the
   * list keeps the report's order, and a line under it says how many were
   * left out. `Infinity` lists every task that fits in the size budget
   * (64 Mi characters for the list, far past what a mail server takes).
   * @default 10000
   */
  maxTasks?: number | undefined;
}

/** The defaults of {@link RenderOptions} that are constants (`date` is the time of the call). */
export const RENDER_DEFAULTS: { readonly onlyErrors: boolean; readonly maxTasks: number } = Object.freeze({
  onlyErrors: false,
  maxTasks: 10_000,
});

/** Options of {@link reportSubject}. */
export type SubjectOptions = Pick<RenderOptions, 'language' | 'onlyErrors' | 'date'>;

/** Render options with every default applied. */
export interface ResolvedOptions {
  readonly paletteName: PaletteName;
  readonly palette: Palette;
  readonly language: LanguageCode;
  readonly labels: Translations;
  readonly content: ReportContent;
  readonly onlyErrors: boolean;
  readonly date: Date;
  readonly maxTasks: number;
}

const renderOptionsSchema: z.ZodType<Parsed<RenderOptions>> = z.strictObject({
  ...STYLE_SHAPE,
  content: reportContentOptionSchema.optional(),
  onlyErrors: described(z.boolean(), 'a boolean').optional(),
  date: described(
    z.date().refine((date) => !Number.isNaN(date.getTime())),
    'a valid Date',
  ).optional(),
  maxTasks: described(
    z.union([z.number().int().min(1), z.literal(Number.POSITIVE_INFINITY)]),
    'a whole number of at least 1, or Infinity',
  ).optional(),
} satisfies ShapeOf<RenderOptions>);

export function resolveOptions(where: string, options: unknown): ResolvedOptions {
  const checked = parseOptions({ where }, renderOptionsSchema, options);
  const paletteName = checked.palette ?? STYLE_DEFAULTS.palette;
  const language = checked.language ?? STYLE_DEFAULTS.language;
  return {
    paletteName,
    palette: PALETTES[paletteName],
    language,
    labels: LANGUAGES[language],
    content: toReportContent(where, 'content', checked.content),
    onlyErrors: checked.onlyErrors ?? RENDER_DEFAULTS.onlyErrors,
    date: checked.date ?? new Date(),
    maxTasks: checked.maxTasks ?? RENDER_DEFAULTS.maxTasks,
  };
}

/**
 * Checks the report argument by shape, not `instanceof`, so a report from
 * another copy of processes-core still renders.
 */
export function checkReport(where: string, report: unknown): ProcessExecutionReport {
  const candidate = report as Partial<ProcessExecutionReport> | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.processName !== 'string' ||
    !(candidate.entries instanceof Map)
  ) {
    throw new InvalidOptionError(where, 'report', 'a ProcessExecutionReport', report);
  }
  return candidate as ProcessExecutionReport;
}
