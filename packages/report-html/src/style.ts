import { described, parseOptions, type ShapeOf } from 'processes-core/internal';
import { z } from 'zod';
import { UnknownLanguageError, UnknownPaletteError } from './errors.js';
import { LANGUAGE_CODES, LANGUAGES, type LanguageCode, type Translations } from './languages.js';
import { PALETTE_NAMES, PALETTES, type Palette, type PaletteName } from './palettes.js';

/** What `new HTMLEmailStyle()` takes. */
export interface HTMLEmailStyleOptions {
  /** The colours. @default 'neutral' */
  palette?: PaletteName | undefined;
  /** The labels' language, also the document's `lang`. @default 'en' */
  language?: LanguageCode | undefined;
}

/** The defaults of {@link HTMLEmailStyleOptions}. */
export const STYLE_DEFAULTS: { readonly palette: PaletteName; readonly language: LanguageCode } = Object.freeze({
  palette: 'neutral',
  language: 'en',
});

/** The palette and language of a rendered report. Immutable, checked on construction. */
export class HTMLEmailStyle {
  readonly palette: PaletteName;
  readonly language: LanguageCode;

  constructor(options: HTMLEmailStyleOptions = {}) {
    const checked = parseOptions({ where: 'HTMLEmailStyle' }, styleOptionsSchema, options);
    this.palette = checked.palette ?? STYLE_DEFAULTS.palette;
    this.language = checked.language ?? STYLE_DEFAULTS.language;
    Object.freeze(this);
  }

  /** The palette's colours. */
  get colors(): Palette {
    return PALETTES[this.palette];
  }

  /** The language's labels. */
  get labels(): Translations {
    return LANGUAGES[this.language];
  }

  /** True when both have the same palette and language. */
  equals(other: unknown): boolean {
    return other instanceof HTMLEmailStyle && other.palette === this.palette && other.language === this.language;
  }
}

/** `palette`: one of {@link PALETTE_NAMES}, else an `UnknownPaletteError` with a "did you mean". */
export const paletteSchema: z.ZodType<PaletteName> = described(z.enum(PALETTE_NAMES), 'a palette name', {
  fail: (where, field, value) => new UnknownPaletteError(where, value, field),
});

/** `language`: one of {@link LANGUAGE_CODES}, else an `UnknownLanguageError`. */
export const languageSchema: z.ZodType<LanguageCode> = described(z.enum(LANGUAGE_CODES), 'a language code', {
  fail: (where, field, value) => new UnknownLanguageError(where, value, field),
});

/** The shape of {@link HTMLEmailStyleOptions}, shared with the render options. */
export const STYLE_SHAPE: {
  readonly palette: z.ZodOptional<z.ZodType<PaletteName>>;
  readonly language: z.ZodOptional<z.ZodType<LanguageCode>>;
} = {
  palette: paletteSchema.optional(),
  language: languageSchema.optional(),
} satisfies ShapeOf<HTMLEmailStyleOptions>;

const styleOptionsSchema = z.strictObject(STYLE_SHAPE);
