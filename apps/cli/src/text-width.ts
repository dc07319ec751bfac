// How many terminal columns a string takes. `string.length` counts UTF-16
// code units, `[...s].length` code points; a terminal shows neither: a CJK
// character or an emoji takes two columns, a combining accent or a zero-width
// joiner none, and a family emoji (five code points) is one glyph two columns
// wide. This follows what terminals do (wcwidth, East Asian Width in UAX #11)
// closely enough to align columns, without a dependency.

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** ANSI escape sequences (colours, cursor moves): they take no columns. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/** Shown as an emoji (two columns) by itself, or when followed by VS16 (U+FE0F). */
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F/u;
/** Regional indicators: two of them make a flag. */
const REGIONAL_INDICATOR = /\p{Regional_Indicator}/u;
/** Marks, format characters and other code points that add no column of their own. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u;

/**
 * East Asian Wide and Fullwidth ranges (UAX #11): Hangul Jamo, CJK radicals
 * and symbols, kana, CJK ideographs and their extensions, Hangul syllables,
 * compatibility ideographs, vertical and small forms, fullwidth forms.
 */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18aff],
  [0x1b000, 0x1b2ff],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function isWide(codePoint: number): boolean {
  // Binary search: the ranges are sorted and disjoint.
  let lo = 0;
  let hi = WIDE_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = WIDE_RANGES[mid] as readonly [number, number];
    if (codePoint < start) hi = mid - 1;
    else if (codePoint > end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The columns one grapheme cluster takes: 0, 1 or 2 (a keycap such as 1️⃣ takes two). */
function graphemeWidth(grapheme: string): number {
  const first = grapheme.codePointAt(0) ?? 0;
  // Printable ASCII, the common case, first.
  if (grapheme.length === 1 && first >= 0x20 && first < 0x7f) return 1;
  if (ZERO_WIDTH.test(grapheme)) return 0;
  if (EMOJI_PRESENTATION.test(grapheme) || REGIONAL_INDICATOR.test(grapheme) || grapheme.includes('\u20e3')) return 2;
  // Halfwidth (semi-)voiced marks join the kana before them as one grapheme, but take a column of their own.
  const halfwidthMarks = grapheme.length > 1 ? (grapheme.match(/[\uff9e\uff9f]/g)?.length ?? 0) : 0;
  return (isWide(first) ? 2 : 1) + halfwidthMarks;
}

/** `text` without its ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The number of terminal columns `text` takes (ANSI escape sequences take none). */
export function textWidth(text: string): number {
  const plain = stripAnsi(text);
  // Plain ASCII is one column per character: skip the segmenter.
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  let width = 0;
  for (const { segment } of segmenter.segment(plain)) width += graphemeWidth(segment);
  return width;
}

/**
 * The longest start of `text` (no ANSI codes in it) that fits in `width`
 * columns, never splitting a grapheme (an accented letter, a flag, a family
 * emoji), with `…` at the end when something was cut.
 */
export function truncateToWidth(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = graphemeWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/** `text` followed by spaces up to `width` columns (as `padEnd`, by columns rather than code units). */
export function padEndToWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}

/** Spaces up to `width` columns, then `text` (as `padStart`, by columns). */
export function padStartToWidth(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - textWidth(text))) + text;
}
