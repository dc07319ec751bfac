// `processes-js/html`: report rendering alone (processes-report-html).
// Listed by name, like every entry; test/exports.test.ts checks the list against the package.
export type {
  HTMLEmailStyleOptions,
  LanguageCode,
  Palette,
  PaletteName,
  RenderOptions,
  ReportContentOptions,
  ReportContentPreset,
  SubjectOptions,
  Timeline,
  TimelineRow,
  Translations,
} from 'processes-report-html';
export {
  buildTimeline,
  escapeHtml,
  formatDuration,
  HTMLEmailStyle,
  LANGUAGE_CODES,
  LANGUAGES,
  PALETTE_NAMES,
  PALETTES,
  ReportContent,
  renderReportHtml,
  renderReportText,
  reportSubject,
  UnknownLanguageError,
  UnknownPaletteError,
} from 'processes-report-html';
