import { checkOptions, type FieldSpec } from '@processes/core/internal';
import { z } from 'zod';
import { UnknownLanguageError, UnknownPaletteError } from './errors.js';
import { LANGUAGE_CODES, LANGUAGES, type LanguageCode, type Translations } from './languages.js';
import { PALETTE_NAMES, PALETTES, type Palette, type PaletteName } from './palettes.js';

/** What `new HTMLEmailStyle()` takes. */
export interface HTMLEmailStyleOptions {
  /** The colours. @default 'neutral' */
  palette?: PaletteName;
  /** The labels' language, also the document's `lang`. @default 'en' */
  language?: LanguageCode;
}

/** The palette and language of a rendered report. Immutable, checked on construction. */
export class HTMLEmailStyle {
  readonly palette: PaletteName;
  readonly language: LanguageCode;

  constructor(options: HTMLEmailStyleOptions = {}) {
    const checked: HTMLEmailStyleOptions = checkOptions('HTMLEmailStyle', options, STYLE_SPECS);
    this.palette = checked.palette ?? 'neutral';
    this.language = checked.language ?? 'en';
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

/** The checks for `palette` and `language`, shared by the style and the render options. */
export const STYLE_SPECS: Readonly<Record<'palette' | 'language', FieldSpec>> = {
  palette: {
    schema: z.enum(PALETTE_NAMES),
    expected: 'a palette name',
    fail: (where: string, field: string, value: unknown): Error => new UnknownPaletteError(where, value, field),
  },
  language: {
    schema: z.enum(LANGUAGE_CODES),
    expected: 'a language code',
    fail: (where: string, field: string, value: unknown): Error => new UnknownLanguageError(where, value, field),
  },
};
