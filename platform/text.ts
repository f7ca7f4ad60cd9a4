import { badUserInput } from './errors.js';

// Control characters other than tab and newline: invisible, and a way to spoof text.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/;

interface TextRule {
  field: string;
  max: number;
  /** Newlines allowed (a bio, a post); otherwise one line. */
  multiline?: boolean;
}

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
