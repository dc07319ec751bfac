/**
 * The Python library's four palettes (its stylesheet), as literal colours:
 * mail clients drop `<style>` blocks and CSS variables, so every colour is
 * written inline on the element that uses it.
 */
export interface Palette {
  /** Behind the card. */
  readonly bgPage: string;
  readonly bgCard: string;
  readonly textPrimary: string;
  readonly textMuted: string;
  /** The header band. */
  readonly accent: string;
  /** Text on the header band: the Python library's white, except on slate's light accent where white is unreadable. */
  readonly onAccent: string;
  /** The Python library's alert background (its errored badge, which now takes the `errored` colour). */
  readonly alertBg: string;
  /** The Python library's alert text colour. */
  readonly alertText: string;
  readonly border: string;
  /** Behind tracebacks, traced variables and the timeline track. */
  readonly codeBg: string;
  /** Successful tasks' timeline bars and the success count (the Python library's `#22c55e`). */
  readonly success: string;
  /** Errored tasks: their badge, count, card edge and timeline bars; readable as "failed" on this palette's card. */
  readonly errored: string;
  /** Cancelled tasks (stopped by aborting the run): their badge, count, card edge and timeline bars; amber, not red. */
  readonly cancelled: string;
  /** Whether the palette is dark, for the `color-scheme` hint to mail clients. */
  readonly dark: boolean;
}

/** The palette names, sorted as the Python library lists them in its error message. */
export const PALETTE_NAMES = ['catppuccin', 'neobones', 'neutral', 'slate'] as const;

/** One of {@link PALETTE_NAMES}. */
export type PaletteName = (typeof PALETTE_NAMES)[number];

/** The Python library's colours, unchanged; `onAccent`, `success`, `errored`, `cancelled` and `dark` are this port's additions. */
export const PALETTES: Readonly<Record<PaletteName, Palette>> = Object.freeze({
  neutral: Object.freeze({
    bgPage: '#f5f7fa',
    bgCard: '#ffffff',
    textPrimary: '#1f2937',
    textMuted: '#6b7280',
    accent: '#2563eb',
    onAccent: '#ffffff',
    alertBg: '#fff8dc',
    alertText: '#b45309',
    border: '#e5e7eb',
    codeBg: '#f4f4f4',
    success: '#22c55e',
    errored: '#ef4444',
    cancelled: '#b45309',
    dark: false,
  }),
  catppuccin: Object.freeze({
    bgPage: '#eff1f5',
    bgCard: '#ffffff',
    textPrimary: '#4c4f69',
    textMuted: '#6c6f85',
    accent: '#8839ef',
    onAccent: '#ffffff',
    alertBg: '#f5e0dc',
    alertText: '#4c4f69',
    border: '#ccd0da',
    codeBg: '#e6e9ef',
    success: '#22c55e',
    errored: '#d20f39',
    cancelled: '#fe640b',
    dark: false,
  }),
  neobones: Object.freeze({
    bgPage: '#f3efec',
    bgCard: '#ffffff',
    textPrimary: '#414868',
    textMuted: '#5e6e85',
    accent: '#4870a0',
    onAccent: '#ffffff',
    alertBg: '#e3dfd9',
    alertText: '#414868',
    border: '#dedad2',
    codeBg: '#e3dfd9',
    success: '#22c55e',
    errored: '#a8334c',
    cancelled: '#9a6a1f',
    dark: false,
  }),
  slate: Object.freeze({
    bgPage: '#1e293b',
    bgCard: '#273449',
    textPrimary: '#e2e8f0',
    textMuted: '#94a3b8',
    accent: '#38bdf8',
    onAccent: '#0f172a',
    alertBg: '#334155',
    alertText: '#fca5a5',
    border: '#334155',
    codeBg: '#0f172a',
    success: '#22c55e',
    errored: '#f87171',
    cancelled: '#fbbf24',
    dark: true,
  }),
});

/**
 * The palette as the Python library's `:root { --name: value; }` block. Nothing in the
 * rendered page depends on it (every colour is inline); it is kept in the
 * document's `<style>` so tools that look for the Python library's variables find them.
 */
export function paletteCss(palette: Palette): string {
  const vars: [string, string][] = [
    ['--bg-page', palette.bgPage],
    ['--bg-card', palette.bgCard],
    ['--text-primary', palette.textPrimary],
    ['--text-muted', palette.textMuted],
    ['--accent', palette.accent],
    ['--alert-bg', palette.alertBg],
    ['--alert-text', palette.alertText],
    ['--border', palette.border],
    ['--code-bg', palette.codeBg],
  ];
  return `:root { ${vars.map(([name, value]) => `${name}: ${value};`).join(' ')} }`;
}
