import { vi } from 'vitest';

/**
 * Records `process.emitWarning` calls instead of printing them. Restore with
 * `vi.restoreAllMocks()` (the files using it do so after each test).
 */
export function captureWarnings(): { message: unknown; options: unknown }[] {
  const warnings: { message: unknown; options: unknown }[] = [];
  vi.spyOn(process, 'emitWarning').mockImplementation((message: unknown, options?: unknown) => {
    warnings.push({ message, options });
  });
  return warnings;
}
