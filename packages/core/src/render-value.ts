import { inspect } from 'node:util';

/** Bounds for rendering a value as readable text (traced variables, log lines, webhook results). */
export interface RenderLimits {
  /** How deep nested objects are shown. @default 3 */
  depth?: number;
  /** Items shown per array, Set or Map. @default 50 */
  maxItems?: number;
  /** Characters shown per string inside the value. @default 1000 */
  maxStringLength?: number;
  /** Characters in the whole rendering; longer output is cut with `…`. @default 4000 */
  maxLength?: number;
}

const DEFAULT_LIMITS: Required<RenderLimits> = {
  depth: 3,
  maxItems: 50,
  maxStringLength: 1000,
  maxLength: 4000,
};

/**
 * Renders any value as bounded, readable JavaScript-like text, the port's
 * stand-in for Python's `repr`. It never throws: a value whose rendering
 * throws (a hostile getter or Proxy) becomes `<unrenderable: …>`.
 */
export function renderValue(value: unknown, limits: RenderLimits = {}): string {
  const { depth, maxItems, maxStringLength, maxLength } = { ...DEFAULT_LIMITS, ...limits };
  let text: string;
  try {
    text = inspect(value, {
      depth,
      maxArrayLength: maxItems,
      maxStringLength,
      breakLength: Number.POSITIVE_INFINITY,
      compact: true,
      getters: false,
      customInspect: false,
    });
  } catch (error) {
    return `<unrenderable: ${describeThrown(error)}>`;
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** @internal `Name: message` of something thrown (`type: value` for a non-Error); never throws itself. */
export function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : `${typeof error}: ${String(error)}`;
  } catch {
    return 'a value that cannot be read';
  }
}
