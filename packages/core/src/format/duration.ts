/**
 * How a duration reads. `prose` is the report's (HTML, text, email):
 * `0.4 ms`, `850 ms`, `12.40 s`, `3 min 05 s`, `2 h 03 min`, rounded to the
 * nearest unit, `–` for no value. `compact` is the terminal's, where columns
 * are narrow: `0.4 ms`, `5.0 ms`, `1.23 s`, `2m 05s`, `1h 02m`, never
 * rounded up (a live clock must not run ahead), `-` for no value.
 */
export type DurationStyle = 'prose' | 'compact';

interface StyleRules {
  readonly none: string;
  /** Below 10 ms: one decimal, trailing `.0` kept or not. */
  readonly fraction: (ms: number) => string;
  readonly wholeSeconds: (ms: number) => number;
  readonly minutes: (min: number, s: string) => string;
  readonly hours: (h: number, min: string) => string;
  readonly wholeMinutes: (seconds: number) => number;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

const STYLES: Readonly<Record<DurationStyle, StyleRules>> = {
  prose: {
    none: '–',
    fraction: (ms) => String(Number(ms.toFixed(1))),
    wholeSeconds: (ms) => Math.round(ms / 1000),
    minutes: (min, s) => `${min} min ${s} s`,
    hours: (h, min) => `${h} h ${min} min`,
    wholeMinutes: (seconds) => Math.round(seconds / 60),
  },
  compact: {
    none: '-',
    fraction: (ms) => ms.toFixed(1),
    wholeSeconds: (ms) => Math.floor(ms / 1000),
    minutes: (min, s) => `${min}m ${s}s`,
    hours: (h, min) => `${h}h ${min}m`,
    wholeMinutes: (seconds) => Math.floor(seconds / 60),
  },
};

/** A duration in milliseconds as people read it, in one of two styles: `'prose'` (reports) or `'compact'` (the terminal). */
export function formatDuration(ms: number, style: DurationStyle = 'prose'): string {
  const rules = STYLES[style];
  if (!Number.isFinite(ms) || ms < 0) return rules.none;
  if (ms < 10) return `${rules.fraction(ms)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const seconds = rules.wholeSeconds(ms);
  if (seconds < 3600) return rules.minutes(Math.floor(seconds / 60), pad2(seconds % 60));
  const minutes = rules.wholeMinutes(seconds);
  return rules.hours(Math.floor(minutes / 60), pad2(minutes % 60));
}
