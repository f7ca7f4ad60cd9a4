// What the links subgraph promises the gateway for the public redirect (`/s/:code`): how to
// resolve a code, how to hand it clicks, and which live event says a code's answer changed.
// Plain JSON over HTTP beside the subgraph's /graphql, on the subgraph's private port: the
// gateway never reads the links database. Every call carries the internal secret
// (INTERNAL_SECRET): links refuses these routes to anyone without it.

import { INTERNAL_SECRET_HEADER } from '../platform/http/internal-caller.js';

/** GET `?code=…` → LinkResolution. */
export const RESOLVE_PATH = '/internal/links/resolve';
/** POST ClickBatch → 204 once applied (or when already applied before). */
export const CLICKS_PATH = '/internal/links/clicks';

/**
 * Pub/sub channel (under REDIS_PREFIX) on which links announces that a code's answer changed
 * (created, deleted): caches drop it, and other links replicas learn the code exists.
 */
export const LINK_CHANGED_CHANNEL = 'linkChanged';

export interface LinkChanged {
  /** The code in lower case: codes are matched case-insensitively. */
  codeKey: string;
}

/** What a code leads to. `gone`: deleted or expired (410); `unknown`: never existed (404). */
export type LinkResolution =
  | { status: 'active'; linkId: string; url: string; /** ms since the epoch; null: never */ expiresAt: number | null }
  | { status: 'gone' }
  | { status: 'unknown' };

/**
 * Clicks counted by the gateway, aggregated: `count` clicks on one link in one UTC hour from
 * one referrer host by one visitor (a keyed hash, never an address).
 */
export interface ClickCount {
  linkId: string;
  /** Start of the UTC hour, ms since the epoch. */
  hour: number;
  /** The Referer's host in lower case, or "direct". */
  referrer: string;
  visitor: string;
  count: number;
}

/** A batch is applied once: sending it again (its answer was lost) changes nothing. */
export interface ClickBatch {
  id: string;
  clicks: ClickCount[];
}

/** At most this many aggregated rows per batch. */
export const MAX_BATCH_ROWS = 5_000;

/** A code can only exist if it has this shape (generated or custom); anything else is unknown without asking. */
export const CODE_SHAPE = /^[A-Za-z0-9_-]{4,32}$/;

/** The origin of the links subgraph's GraphQL URL, where its internal routes are. */
const internalUrl = (linksGraphqlUrl: string, path: string): string => new URL(path, linksGraphqlUrl).toString();

export async function resolveLinkCode(linksGraphqlUrl: string, code: string, internalSecret: string, timeoutMs = 5_000): Promise<LinkResolution> {
  const response = await fetch(`${internalUrl(linksGraphqlUrl, RESOLVE_PATH)}?code=${encodeURIComponent(code)}`, {
    headers: { [INTERNAL_SECRET_HEADER]: internalSecret },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`links answered ${response.status} to a resolve`);
  return (await response.json()) as LinkResolution;
}

export async function sendClickBatch(linksGraphqlUrl: string, batch: ClickBatch, internalSecret: string, timeoutMs = 10_000): Promise<void> {
  const response = await fetch(internalUrl(linksGraphqlUrl, CLICKS_PATH), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: internalSecret },
    body: JSON.stringify(batch),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`links answered ${response.status} to a click batch`);
}
