import { describe, expect, it } from 'vitest';
import { formatDuration } from '../dist/index.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [0.42, '0.4 ms'],
    [7, '7 ms'],
    [850.4, '850 ms'],
    [12_400, '12.40 s'],
    [185_000, '3 min 05 s'],
    [7_380_000, '2 h 03 min'],
    [-1, '–'],
    [Number.NaN, '–'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
