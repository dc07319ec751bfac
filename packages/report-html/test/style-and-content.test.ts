import { InvalidOptionError, ProcessesError, UnknownOptionError } from 'processes-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  HTMLEmailStyle,
  type LanguageCode,
  PALETTES,
  type PaletteName,
  ReportContent,
  UnknownLanguageError,
  UnknownPaletteError,
} from '../dist/index.js';

describe('HTMLEmailStyle', () => {
  it('defaults to the neutral palette in English, as the seed', () => {
    const style = new HTMLEmailStyle();
    expect(style.palette).toBe('neutral');
    expect(style.language).toBe('en');
    expect(style.colors).toBe(PALETTES.neutral);
    expect(style.labels.reportHeader).toBe('Process Execution Report');
  });

  it('is an immutable value', () => {
    const style = new HTMLEmailStyle({ palette: 'slate', language: 'de' });
    expect(Object.isFrozen(style)).toBe(true);
    expect(() => {
      (style as { palette: string }).palette = 'neutral';
    }).toThrow(TypeError);
    expect(style.equals(new HTMLEmailStyle({ palette: 'slate', language: 'de' }))).toBe(true);
    expect(style.equals(new HTMLEmailStyle({ palette: 'slate' }))).toBe(false);
    expectTypeOf(style.palette).toEqualTypeOf<PaletteName>();
    expectTypeOf(style.language).toEqualTypeOf<LanguageCode>();
  });

  it('rejects an unknown palette with the seed message, as a typed error', () => {
    let error: unknown;
    try {
      new HTMLEmailStyle({ palette: 'dark' as never });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(UnknownPaletteError);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toBeInstanceOf(ProcessesError);
    const typed = error as UnknownPaletteError;
    expect(typed.name).toBe('UnknownPaletteError');
    expect(typed.code).toBe('PROC_UNKNOWN_PALETTE');
    expect(typed.field).toBe('palette');
    expect(typed.received).toBe('dark');
    expect(typed.known).toEqual(['catppuccin', 'neobones', 'neutral', 'slate']);
    expect(typed.message).toBe(
      'HTMLEmailStyle: expected `palette` to be one of "catppuccin", "neobones", "neutral", "slate", got `"dark"` (string)',
    );
  });

  it('suggests the palette when only the case is wrong', () => {
    expect(() => new HTMLEmailStyle({ palette: 'Slate' as never })).toThrow(
      'got `"Slate"` (string). Did you mean "slate"?',
    );
  });

  it('rejects an unknown language with the seed message, as a typed error', () => {
    let error: unknown;
    try {
      new HTMLEmailStyle({ language: 'nl' as never });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(UnknownLanguageError);
    expect((error as UnknownLanguageError).code).toBe('PROC_UNKNOWN_LANGUAGE');
    expect((error as Error).message).toBe(
      'HTMLEmailStyle: expected `language` to be one of "de", "en", "es", "fr", "it", "pt", got `"nl"` (string)',
    );
  });

  it('rejects a non-string language', () => {
    expect(() => new HTMLEmailStyle({ language: 7 as never })).toThrow(
      'HTMLEmailStyle: expected `language` to be one of "de", "en", "es", "fr", "it", "pt", got `7` (number)',
    );
  });

  it('rejects unknown options and non-objects', () => {
    expect(() => new HTMLEmailStyle({ lang: 'de' } as never)).toThrow(UnknownOptionError);
    expect(() => new HTMLEmailStyle({ lang: 'de' } as never)).toThrow(
      'HTMLEmailStyle: unknown option `lang`. Known options: palette, language.',
    );
    expect(() => new HTMLEmailStyle('slate' as never)).toThrow(
      'HTMLEmailStyle: expected `options` to be a plain object, got `"slate"` (string)',
    );
  });
});

describe('ReportContent', () => {
  it('shows everything by default', () => {
    const content = new ReportContent();
    expect(content.showTraceback).toBe(true);
    expect(content.showTracedVars).toBe(true);
  });

  it('has the full, trace and min presets', () => {
    expect([ReportContent.full.showTraceback, ReportContent.full.showTracedVars]).toEqual([true, true]);
    expect([ReportContent.trace.showTraceback, ReportContent.trace.showTracedVars]).toEqual([true, false]);
    expect([ReportContent.min.showTraceback, ReportContent.min.showTracedVars]).toEqual([false, false]);
    expect(ReportContent.preset('trace')).toBe(ReportContent.trace);
    expect(() => ReportContent.preset('max' as never)).toThrow(
      'ReportContent.preset: expected `name` to be one of "full", "trace", "min", got `"max"` (string)',
    );
  });

  it('is a frozen value with value equality', () => {
    expect(Object.isFrozen(ReportContent.full)).toBe(true);
    expect(new ReportContent({ showTracedVars: false }).equals(ReportContent.trace)).toBe(true);
    expect(new ReportContent().equals(ReportContent.min)).toBe(false);
    expect(ReportContent.full.equals({ showTraceback: true, showTracedVars: true })).toBe(false);
  });

  it('rejects bad options', () => {
    expect(() => new ReportContent({ showTraceback: 'no' as never })).toThrow(
      'ReportContent: expected `showTraceback` to be a boolean, got `"no"` (string)',
    );
    expect(() => new ReportContent({ show_traceback: false } as never)).toThrow(UnknownOptionError);
  });
});
