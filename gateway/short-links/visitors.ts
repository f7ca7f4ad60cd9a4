import { createHmac } from 'node:crypto';
import { isbot } from 'isbot';

/**
 * A visitor: a keyed hash (HMAC-SHA256) of address and User-Agent, 128 bits in base64url.
 * The key keeps anyone who reads the hashes from testing guessed addresses against them; the
 * address itself is never stored or sent.
 */
export const visitorHash = (key: string, address: string, userAgent: string): string =>
  createHmac('sha256', key).update(address).update('\n').update(userAgent).digest('base64url').slice(0, 22);

/** The Referer's host in lower case, or "direct" when there is none (or it is not a URL with a host). */
export function referrerHost(referer: string): string {
  if (referer === '') return 'direct';
  try {
    const host = new URL(referer).hostname.toLowerCase();
    return host !== '' && host.length <= 255 ? host : 'direct';
  } catch {
    return 'direct';
  }
}

/**
 * Clicks that are not counted: a User-Agent that `isbot` recognises (crawlers, link
 * previewers, monitoring, HTTP libraries and command-line clients), or none at all.
 */
export const isUncountedAgent = (userAgent: string): boolean => userAgent === '' || isbot(userAgent);
