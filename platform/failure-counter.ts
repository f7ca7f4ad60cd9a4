import type { Logger } from './observability/logger.js';
import { fastFailingRedis } from './messaging/redis.js';

/**
 * Counts attempts per key over a fixed window: the basis of brute-force protection and of
 * rate limits. An attempt is counted *before* the work it guards, in one atomic step, so
 * concurrent attempts cannot all slip past a check-then-count gap.
 */
export interface FailureCounter {
  /**
   * Counts one attempt for `key` and answers 0 when it is within the limit (go ahead), or
   * the seconds until the window ends when it is over the limit (refuse it).
   */
  attempt(key: string): Promise<number>;
  /** Forgets `key`'s attempts (a correct password was given). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface FailureCounterOptions {
  limit: number;
  windowSeconds: number;
  redisUrl: string | undefined;
  prefix: string;
  logger: Logger;
}

/**
 * In Redis when configured (so replicas share the count), in this process otherwise. When
 * Redis is unreachable the counter lets attempts through and logs: an outage of the cache
 * must not lock every user out.
 */
export function createFailureCounter({ limit, windowSeconds, redisUrl, prefix, logger }: FailureCounterOptions): FailureCounter {
  if (!redisUrl) return inProcessFailureCounter(limit, windowSeconds);
  const redis = fastFailingRedis(redisUrl, logger, 'failure counter', 500);
  const keyOf = (key: string): string => `${prefix}:failures:${key}`;
  const failOpen = <T>(fallback: T) => (error: unknown): T => {
    logger.warn('failure counter unavailable; not limiting', { error: (error as Error).message });
    return fallback;
  };
  return {
    async attempt(key) {
      // INCR, then start the window only if none runs (NX): one transaction, so concurrent
      // attempts each see their own count.
      const replies = await redis.multi().incr(keyOf(key)).expire(keyOf(key), windowSeconds, 'NX').ttl(keyOf(key)).exec().catch(failOpen(null));
      const [count, , ttl] = replies ?? [];
      return Number(count?.[1] ?? 0) > limit ? Math.max(1, Number(ttl?.[1] ?? windowSeconds)) : 0;
    },
    async reset(key) {
      await redis.del(keyOf(key)).catch(failOpen(0));
    },
    async close() {
      redis.disconnect();
    },
  };
}

/** The in-process map is swept of ended windows whenever it grows past this (and then past twice what a sweep left). */
const SWEEP_AT = 1_024;

/**
 * The in-process counter. Its keys come from clients (a login for any name counts under
 * that name), so entries whose window ended are swept once the map grows: else a client
 * sending random names would grow it without bound. `now` is the clock (tests move it).
 */
export function inProcessFailureCounter(limit: number, windowSeconds: number, now: () => number = Date.now): FailureCounter & { readonly size: number } {
  const failures = new Map<string, { count: number; until: number }>();
  let sweepAt = SWEEP_AT;
  const sweep = (): void => {
    const time = now();
    for (const [key, entry] of failures) if (entry.until <= time) failures.delete(key);
    sweepAt = Math.max(SWEEP_AT, failures.size * 2);
  };
  const current = (key: string) => {
    const entry = failures.get(key);
    if (entry && entry.until <= now()) failures.delete(key);
    return failures.get(key);
  };
  return {
    get size() {
      return failures.size;
    },
    async attempt(key) {
      // Synchronous up to the return: no other attempt can interleave in this process.
      const entry = current(key) ?? { count: 0, until: now() + windowSeconds * 1000 };
      entry.count += 1;
      failures.set(key, entry);
      if (failures.size > sweepAt) sweep();
      return entry.count > limit ? Math.max(1, Math.ceil((entry.until - now()) / 1000)) : 0;
    },
    async reset(key) {
      failures.delete(key);
    },
    async close() {},
  };
}
