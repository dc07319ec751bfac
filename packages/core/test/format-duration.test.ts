import { describe, expect, it } from 'vitest';
import { formatDuration } from '../dist/internal.js';

// One formatter serves the report (prose) and the terminal (compact); each style's output is documented.
describe('formatDuration', () => {
  it.each([
    [0, '0 ms', '0.0 ms'],
    [0.42, '0.4 ms', '0.4 ms'],
    [7, '7 ms', '7.0 ms'],
    [850.4, '850 ms', '850 ms'],
    [12_400, '12.40 s', '12.40 s'],
    [185_000, '3 min 05 s', '3m 05s'],
    [185_700, '3 min 06 s', '3m 05s'],
    [7_380_000, '2 h 03 min', '2h 03m'],
    [-1, '–', '-'],
    [Number.NaN, '–', '-'],
  ])('%d ms is %s in prose and %s compact', (ms, prose, compact) => {
    expect(formatDuration(ms)).toBe(prose);
    expect(formatDuration(ms, 'prose')).toBe(prose);
    expect(formatDuration(ms, 'compact')).toBe(compact);
  });
});
