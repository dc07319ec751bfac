import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { padEndToWidth, padStartToWidth, stripAnsi, textWidth, truncateToWidth } from '../../dist/text-width.js';

// Internal: the CLI measures every cell it pads or cuts with this; the public
// behaviour (aligned columns) is tested in validate.test.ts.

describe('textWidth', () => {
  it.each<[string, string, number]>([
    ['ASCII', 'load', 4],
    ['the empty string', '', 0],
    ['Latin with precomposed accents', 'café', 4],
    ['a combining accent (e + U+0301)', 'cafe\u0301', 4],
    ['CJK ideographs', '数据处理', 8],
    ['kana', 'ロード', 6],
    ['Hangul syllables', '한국어', 6],
    ['fullwidth Latin', 'ＡＢＣ', 6],
    ['halfwidth katakana', 'ﾛｰﾄﾞ', 4],
    ['an emoji', '🚀', 2],
    ['an emoji with a skin tone', '👍🏽', 2],
    ['a ZWJ family', '👨‍👩‍👧‍👦', 2],
    ['a flag (two regional indicators)', '🇯🇵', 2],
    ['a text symbol made emoji by VS16', '❤️', 2],
    ['the same symbol as text', '❤', 1],
    ['a keycap', '1️⃣', 2],
    ['a zero-width space and joiner', 'a\u200bb\u200dc', 3],
    ['Greek and Cyrillic', 'αβγ где', 7],
    ['a mix', 'load 数据 🚀!', 13],
    ['ANSI colour codes', '\x1b[31mred\x1b[39m \x1b[1m太\x1b[22m', 6],
  ])('%s', (_label, text, width) => {
    expect(textWidth(text)).toBe(width);
  });

  it('is the length for printable ASCII, and additive over concatenation at grapheme boundaries', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (text) => {
        const printable = text.replace(/[^\x20-\x7e]/g, '');
        expect(textWidth(printable)).toBe(printable.length);
      }),
    );
    const pieces = fc.constantFrom('a', 'é', '数', '🚀', '👨‍👩‍👧', '🇯🇵', 'ﾛ', ' ', '한');
    fc.assert(
      fc.property(fc.array(pieces), (parts) => {
        expect(textWidth(parts.join(''))).toBe(parts.reduce((sum, part) => sum + textWidth(part), 0));
      }),
    );
  });
});

describe('truncateToWidth and padding', () => {
  it('cuts by columns, never inside a grapheme, and marks the cut', () => {
    expect(truncateToWidth('数据处理', 5)).toBe('数据…');
    expect(truncateToWidth('数据处理', 8)).toBe('数据处理');
    expect(truncateToWidth('a👨‍👩‍👧‍👦b', 3)).toBe('a…');
    expect(truncateToWidth('a👨‍👩‍👧‍👦bc', 4)).toBe('a👨‍👩‍👧‍👦…');
    expect(truncateToWidth('abc', 0)).toBe('');
  });

  it('never gives more columns than asked for', () => {
    const pieces = fc.constantFrom('a', 'é', '数', '🚀', '👨‍👩‍👧', '🇯🇵', 'e\u0301');
    fc.assert(
      fc.property(fc.array(pieces), fc.integer({ min: 1, max: 20 }), (parts, width) => {
        const text = parts.join('');
        const cut = truncateToWidth(text, width);
        expect(textWidth(cut)).toBeLessThanOrEqual(width);
        if (textWidth(text) <= width) expect(cut).toBe(text);
        else expect(cut.endsWith('…')).toBe(true);
      }),
    );
  });

  it('pads by columns', () => {
    expect(padEndToWidth('数据', 6)).toBe('数据  ');
    expect(padEndToWidth('🚀', 3)).toBe('🚀 ');
    expect(padStartToWidth('数', 4)).toBe('  数');
    expect(padEndToWidth('toolong', 3)).toBe('toolong');
    expect(stripAnsi('\x1b[32mok\x1b[39m')).toBe('ok');
  });
});
