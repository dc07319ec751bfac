import { REDACTED } from './errors.js';

/**
 * The forms a password can take on the wire or in an error: as is, and
 * base64 as AUTH LOGIN and AUTH PLAIN send it. A server that echoes the
 * command it rejects would otherwise put these into `error.response`.
 */
export function secretForms(credentials: { user: string; pass: string } | undefined): string[] {
  if (!credentials) return [];
  const { user, pass } = credentials;
  const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  return [pass, b64(pass), b64(`\u0000${user}\u0000${pass}`), b64(`${user}\u0000${user}\u0000${pass}`)]
    .filter((form) => form.length > 0)
    .sort((a, b) => b.length - a.length);
}

/** The text with every secret form replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * Scrubs an error from nodemailer in place (its string properties, the
 * stack included, and its causes), so it can be kept as a `cause`. False
 * when a secret could not be removed (a read-only property): then the
 * error must not be passed on.
 */
export function redactError(error: unknown, secrets: readonly string[], depth = 0): boolean {
  if (secrets.length === 0 || typeof error !== 'object' || error === null) return true;
  if (depth > 5) return false;
  const record = error as Record<string, unknown> & { cause?: unknown };
  for (const key of new Set([...Object.getOwnPropertyNames(error), 'message', 'stack'])) {
    const value = record[key];
    if (typeof value !== 'string') continue;
    const clean = redact(value, secrets);
    if (clean === value) continue;
    try {
      record[key] = clean;
    } catch {
      return false;
    }
    if (record[key] !== clean) return false;
  }
  return redactError(record.cause, secrets, depth + 1);
}
