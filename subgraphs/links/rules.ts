import { randomInt } from 'node:crypto';
import { CODE_SHAPE } from '../../contracts/links-internal.js';
import { badUserInput } from '../../platform/errors.js';

/** The longest target URL accepted, in characters of its serialised form. */
export const MAX_URL_LENGTH = 2_048;

// Tab and newline included: the WHATWG parser silently drops them ("java\tscript:" parses
// as "javascript:"), so a URL carrying them is refused before it is parsed.
const CONTROL = /[\u0000-\u001F\u007F]/;

/**
 * The target of a short link: an absolute http(s) URL, parsed as browsers parse it (WHATWG),
 * returned serialised. The scheme is judged on the parsed URL, so case, leading spaces and
 * embedded tabs cannot smuggle `javascript:`, `data:`, `file:` or `vbscript:` through.
 * Credentials are refused (`https://bank.example@evil.example` shows one host and opens
 * another), and so is a link to the shortener's own redirect (a loop).
 */
export function targetUrl(input: string, shortBaseUrl: string): string {
  const text = input.trim();
  if (text === '') throw badUserInput('url must not be empty.', 'url');
  if (text.length > MAX_URL_LENGTH) throw badUserInput(`url must be at most ${MAX_URL_LENGTH} characters.`, 'url');
  if (CONTROL.test(text)) throw badUserInput('url contains characters that are not allowed.', 'url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badUserInput('url must be an absolute http or https URL.', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badUserInput('url must be an http or https URL.', 'url');
  if (url.hostname === '') throw badUserInput('url must name a host.', 'url');
  if (url.username !== '' || url.password !== '') throw badUserInput('url must not carry a user name or password.', 'url');
  const base = new URL(shortBaseUrl);
  if (url.origin === base.origin && url.pathname.startsWith(`${base.pathname.replace(/\/$/, '')}/s/`)) {
    throw badUserInput('url must not be another short link.', 'url');
  }
  if (url.href.length > MAX_URL_LENGTH) throw badUserInput(`url must be at most ${MAX_URL_LENGTH} characters.`, 'url');
  return url.href;
}

/**
 * Words a custom code may not be: the gateway's own routes and the paths people expect a
 * site to have, so a short link can never be mistaken for one of them.
 */
export const RESERVED_CODES: ReadonlySet<string> = new Set([
  'graphql', 'health', 'ready', 'metrics', 'assets', 'static', 'api', 'admin', 'internal',
  'login', 'logout', 'signup', 'register', 'sandbox', 'well-known', '.well-known', 'favicon', 'robots', 'index',
]);

/** A custom code: 4–32 of [A-Za-z0-9_-], not reserved (in any case). Whether it is taken is the database's to say. */
export function customCode(input: string): string {
  if (!CODE_SHAPE.test(input)) throw badUserInput('customCode must be 4 to 32 letters, digits, _ or -.', 'customCode');
  if (RESERVED_CODES.has(input.toLowerCase())) throw badUserInput(`customCode "${input}" is reserved.`, 'customCode');
  return input;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const GENERATED_CODE_LENGTH = 7;

/** 7 base62 characters from the operating system's cryptographic source (randomInt has no modulo bias). */
export function generatedCode(): string {
  let code = '';
  for (let i = 0; i < GENERATED_CODE_LENGTH; i += 1) code += BASE62[randomInt(62)];
  return code;
}

/** An expiry must lie in the future. */
export function expiry(value: Date | null | undefined, now = new Date()): Date | null {
  if (value == null) return null;
  if (value.getTime() <= now.getTime()) throw badUserInput('expiresAt must be in the future.', 'expiresAt');
  return value;
}

export type ClickInterval = 'HOUR' | 'DAY';
const INTERVAL_MS: Record<ClickInterval, number> = { HOUR: 3_600_000, DAY: 86_400_000 };
/** clickHistory answers at most this many buckets (a month of hours, three years of days). */
export const MAX_BUCKETS = 1_100;

/** The bucket starts of a click history, UTC, from the bucket holding `from` to the one holding `to`. */
export function bucketStarts(interval: ClickInterval, from: Date | null | undefined, to: Date | null | undefined, now = new Date()): Date[] {
  const size = INTERVAL_MS[interval];
  const end = (to ?? now).getTime();
  // Defaults: the last day in hours, the last 30 days in days.
  const start = from ? from.getTime() : end - (interval === 'HOUR' ? 23 : 29) * size;
  if (start > end) throw badUserInput('from must not be after to.', 'from');
  const first = Math.floor(start / size) * size;
  const last = Math.floor(end / size) * size;
  if ((last - first) / size + 1 > MAX_BUCKETS) throw badUserInput(`clickHistory spans at most ${MAX_BUCKETS} buckets.`, 'from');
  const starts: Date[] = [];
  for (let at = first; at <= last; at += size) starts.push(new Date(at));
  return starts;
}
