import { badUserInput } from '../../platform/errors.js';
import { characterCount, optionalText } from '../../platform/text.js';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

const USERNAME = /^[A-Za-z0-9_]{3,30}$/;
// Deliberately loose (one @, a dot in the domain, no spaces): the address is proven by use.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

export function parseUsername(value: string, field = 'username'): string {
  const username = value.trim();
  if (!USERNAME.test(username)) {
    throw badUserInput(`${field} must be 3 to 30 letters, digits or underscores.`, field);
  }
  return username;
}

/** Emails are compared and stored lower-cased. */
export function parseEmail(value: string, field = 'email'): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw badUserInput(`${field} must be a valid email address.`, field);
  return email;
}

/** Passwords are never trimmed: every character counts. */
export function parsePassword(value: string, field = 'password'): string {
  const length = characterCount(value);
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
    throw badUserInput(`${field} must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`, field);
  }
  return value;
}

export const parseDisplayName = (value: string | null | undefined): string | null =>
  optionalText(value, { field: 'displayName', max: 50 });

export const parseBio = (value: string | null | undefined): string | null =>
  optionalText(value, { field: 'bio', max: 500, multiline: true });
