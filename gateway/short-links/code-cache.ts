import { LRUCache } from 'lru-cache';
import { LINK_CHANGED_CHANNEL, resolveLinkCode } from '../../contracts/links-internal.js';
import type { LinkChanged, LinkResolution } from '../../contracts/links-internal.js';
import { fastFailingRedis, onJsonMessage, subscriberRedis } from '../../platform/messaging/redis.js';
import type { Logger } from '../../platform/observability/logger.js';
import { GONE, NOT_FOUND, redirectTo } from './responses.js';
import type { PreparedResponse } from './responses.js';

/** A code's answer as the hot path uses it: the response ready to write, and what to count. */
export interface CachedCode {
  response: PreparedResponse;
  /** Set when a visit is a click to count. */
  linkId: string | null;
  /** After this (ms since the epoch) the link has expired: answer 410 instead. */
  expiresAt: number;
}

const UNKNOWN: CachedCode = { response: NOT_FOUND, linkId: null, expiresAt: Infinity };
const GONE_CODE: CachedCode = { response: GONE, linkId: null, expiresAt: Infinity };

function toCached(resolution: LinkResolution): CachedCode {
  if (resolution.status === 'active') return { response: redirectTo(resolution.url), linkId: resolution.linkId, expiresAt: resolution.expiresAt ?? Infinity };
  return resolution.status === 'gone' ? GONE_CODE : UNKNOWN;
}

/** How long Redis keeps answers: known codes longer than unknown ones (those are cheap to ask again). */
const SHARED_TTL_SECONDS = { known: 300, unknown: 60 };

export interface CodeCacheOptions {
  linksUrl: string;
  /** Links answers its internal routes only to a caller with it. */
  internalSecret: string;
  ttlMs: number;
  redisUrl: string | undefined;
  redisPrefix: string;
  logger: Logger;
  /** Called for every answer fetched from links (not from a cache): what the benchmark's flood counts. */
  onFetched?: () => void;
}

export type CodeCache = ReturnType<typeof createCodeCache>;

/**
 * What each code leads to, negative answers included: an in-process LRU, then (with
 * REDIS_URL) Redis shared by every gateway replica, then the links subgraph, with concurrent
 * misses for one code sharing a single question. Links announces a code's change on Redis;
 * every replica then drops it from both levels. An answer fetched while such an announcement
 * arrived is used once but not kept, so a change racing a lookup cannot be cached stale.
 */
export function createCodeCache({ linksUrl, internalSecret, ttlMs, redisUrl, redisPrefix, logger, onFetched }: CodeCacheOptions) {
  const local = new LRUCache<string, CachedCode>({ max: 100_000, ttl: Math.max(1, ttlMs), ttlAutopurge: false });
  const inFlight = new Map<string, Promise<CachedCode>>();
  const sharedKey = (codeKey: string): string => `${redisPrefix}:short-links:code:${codeKey}`;
  let changes = 0;

  const redis = redisUrl ? fastFailingRedis(redisUrl, logger, 'short-link cache') : null;
  const subscriber = redisUrl ? subscriberRedis(redisUrl, logger, 'short-link changes') : null;
  if (subscriber) {
    void subscriber.subscribe(`${redisPrefix}:${LINK_CHANGED_CHANNEL}`).catch(() => {});
    onJsonMessage(subscriber, (payload) => {
      const codeKey = (payload as LinkChanged | null)?.codeKey;
      if (typeof codeKey !== 'string') return;
      changes += 1;
      local.delete(codeKey);
      redis?.del(sharedKey(codeKey)).catch(() => {});
    });
  }

  async function fetchAnswer(codeKey: string): Promise<CachedCode> {
    const changesBefore = changes;
    const shared = await redis?.get(sharedKey(codeKey)).catch(() => null);
    if (shared) {
      const cached = toCached(JSON.parse(shared) as LinkResolution);
      if (changes === changesBefore) local.set(codeKey, cached);
      return cached;
    }
    const resolution = await resolveLinkCode(linksUrl, codeKey, internalSecret);
    onFetched?.();
    const cached = toCached(resolution);
    if (changes === changesBefore) {
      local.set(codeKey, cached);
      const ttl = resolution.status === 'unknown' ? SHARED_TTL_SECONDS.unknown : SHARED_TTL_SECONDS.known;
      redis?.set(sharedKey(codeKey), JSON.stringify(resolution), 'EX', ttl).catch(() => {});
    }
    return cached;
  }

  return {
    /** The cached answer, when there is one: the hot path, without a promise. */
    peek: (codeKey: string): CachedCode | undefined => local.get(codeKey),

    /** Asks the shared cache, then links; rejects when links cannot answer. */
    fetch(codeKey: string): Promise<CachedCode> {
      let pending = inFlight.get(codeKey);
      if (!pending) {
        pending = fetchAnswer(codeKey).finally(() => inFlight.delete(codeKey));
        inFlight.set(codeKey, pending);
      }
      return pending;
    },

    close(): void {
      redis?.disconnect();
      subscriber?.disconnect();
    },
  };
}
