import {
  InvalidOptionError,
  type ProcessExecutionReport,
  ReportContent,
  type ReportContentOptions,
  type ReportContentPreset,
} from '@processes/core';
import { checkOptions, isPlainObject } from '@processes/core/internal';
import { z } from 'zod';
import { LANGUAGES, type LanguageCode, type Translations } from './languages.js';
import { PALETTES, type Palette, type PaletteName } from './palettes.js';
import { STYLE_SPECS } from './style.js';

/** Options of {@link renderReportHtml} and {@link renderReportText}. */
export interface RenderOptions {
  /** The colours (HTML only). @default 'neutral' */
  palette?: PaletteName;
  /** The labels' language. @default 'en' */
  language?: LanguageCode;
  /** How much of each failure to show: a `ReportContent`, a preset name, or its options. @default ReportContent.full */
  content?: ReportContent | ReportContentPreset | ReportContentOptions;
  /**
   * List only the errored tasks (in the task list and the timeline). The
   * summary counts still describe the whole report, as in the Python library. @default false
   */
  onlyErrors?: boolean;
  /** The date in the subject (`| YYYYMMDD`, local time). @default now */
  date?: Date;
}

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
}

const RENDER_SPECS = {
  ...STYLE_SPECS,
  content: {
    schema: z.union([
      z.instanceof(ReportContent),
      z.enum(['full', 'trace', 'min']),
      z.custom<ReportContentOptions>(isPlainObject),
    ]),
    expected: 'a ReportContent, "full", "trace", "min" or { showTraceback, showTracedVars }',
  },
  onlyErrors: { schema: z.boolean(), expected: 'a boolean' },
  date: {
    schema: z.date().refine((date) => !Number.isNaN(date.getTime())),
    expected: 'a valid Date',
  },
};

export function resolveOptions(where: string, options: unknown): ResolvedOptions {
  const checked = checkOptions(where, options, RENDER_SPECS) as RenderOptions;
  const paletteName = checked.palette ?? 'neutral';
  const language = checked.language ?? 'en';
  return {
    paletteName,
    palette: PALETTES[paletteName],
    language,
    labels: LANGUAGES[language],
    content: toContent(checked.content),
    onlyErrors: checked.onlyErrors ?? false,
    date: checked.date ?? new Date(),
  };
}

function toContent(content: RenderOptions['content']): ReportContent {
  if (content === undefined) return ReportContent.full;
  if (content instanceof ReportContent) return content;
  if (typeof content === 'string') return ReportContent.preset(content);
  return new ReportContent(content);
}

/**
 * Checks the report argument by shape, not `instanceof`, so a report from
 * another copy of @processes/core still renders.
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
