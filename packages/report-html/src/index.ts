// The public API of processes-report-html. Anything not listed here is internal.
// ReportContent lives in processes-core (every channel uses it); re-exported here for renderers' users.
export type { ReportContentOptions, ReportContentPreset } from 'processes-core';
export { ReportContent } from 'processes-core';
export { UnknownLanguageError, UnknownPaletteError } from './errors.js';
export { escapeHtml } from './escape.js';
export { formatDuration } from './format.js';
export type { LanguageCode, Translations } from './languages.js';
export { LANGUAGE_CODES, LANGUAGES } from './languages.js';
export type { RenderOptions, SubjectOptions } from './options.js';
export type { Palette, PaletteName } from './palettes.js';
export { PALETTE_NAMES, PALETTES } from './palettes.js';
export { renderReportHtml } from './render-html.js';
export { renderReportText } from './render-text.js';
export type { HTMLEmailStyleOptions } from './style.js';
export { HTMLEmailStyle } from './style.js';
export { reportSubject } from './subject.js';
export type { Timeline, TimelineRow } from './timeline.js';
export { buildTimeline } from './timeline.js';
