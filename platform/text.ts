import { badUserInput } from './errors.js';

// Control characters other than tab and newline: invisible, and a way to spoof text.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/;

/**
 * What no string input may hold, whatever the field: C0 controls but tab, newline and
 * carriage return (NUL is refused by PostgreSQL, the rest spoof or corrupt text), DEL, the
 * noncharacters U+FFFE/U+FFFF, and lone surrogates (not encodable as UTF-8: they would be
 * stored as U+FFFD). With the `u` flag the surrogate range matches only unpaired halves.
 */
const FORBIDDEN_IN_ANY_INPUT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uD800-\uDFFF\uFFFE\uFFFF]/u;

/** Whether a string input holds a character no field accepts (see FORBIDDEN_IN_ANY_INPUT). */
export const hasForbiddenCharacter = (value: string): boolean => FORBIDDEN_IN_ANY_INPUT.test(value);

interface TextRule {
  field: string;
  max: number;
  /** Newlines allowed (a bio, a post); otherwise one line. */
  multiline?: boolean;
}

/** The first `max` UTF-16 units of `text`, with `…` when it was longer: for audit details and logs. */
export const excerpt = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** Length in characters as a person counts them (code points), not UTF-16 units. */
export const characterCount = (value: string): number => [...value].length;

/** Trimmed text of 1 to `max` characters, or BAD_USER_INPUT naming the field. */
export function requireText(value: string, rule: TextRule): string {
  const text = optionalText(value, rule);
  if (text === null) throw badUserInput(`${rule.field} must not be empty.`, rule.field);
  return text;
}

/** Trimmed text of up to `max` characters; null for null or an all-blank value. */
export function optionalText(value: string | null | undefined, { field, max, multiline = false }: TextRule): string | null {
  if (value == null) return null;
  const text = value.trim();
  if (text === '') return null;
  if (characterCount(text) > max) throw badUserInput(`${field} must be at most ${max} characters.`, field);
  if (CONTROL.test(text) || (!multiline && /[\n\t]/.test(text))) {
    throw badUserInput(`${field} contains characters that are not allowed.`, field);
  }
  return text;
}
