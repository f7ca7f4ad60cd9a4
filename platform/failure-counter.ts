import type { Logger } from './observability/logger.js';
import { fastFailingRedis } from './messaging/redis.js';

/** Counts failures per key over a window: the basis of brute-force protection. */
export interface FailureCounter {
  /** Seconds until `key` may try again, or 0 when it has failures to spare. */
  blockedFor(key: string): Promise<number>;
  failed(key: string): Promise<void>;
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
  if (!redisUrl) return inMemory(limit, windowSeconds);
  const redis = fastFailingRedis(redisUrl, logger, 'failure counter', 500);
  const keyOf = (key: string): string => `${prefix}:failures:${key}`;
  const failOpen = <T>(fallback: T) => (error: unknown): T => {
    logger.warn('failure counter unavailable; not limiting', { error: (error as Error).message });
    return fallback;
  };
  return {
    async blockedFor(key) {
      const [count, ttl] = (await redis.multi().get(keyOf(key)).ttl(keyOf(key)).exec().catch(failOpen(null))) ?? [];
      return Number(count?.[1] ?? 0) >= limit ? Math.max(1, Number(ttl?.[1] ?? windowSeconds)) : 0;
    },
    async failed(key) {
      await redis.multi().incr(keyOf(key)).expire(keyOf(key), windowSeconds, 'NX').exec().catch(failOpen(null));
    },
    async reset(key) {
      await redis.del(keyOf(key)).catch(failOpen(0));
    },
    async close() {
      redis.disconnect();
    },
  };
}

function inMemory(limit: number, windowSeconds: number): FailureCounter {
  const failures = new Map<string, { count: number; until: number }>();
  const current = (key: string) => {
    const entry = failures.get(key);
    if (entry && entry.until <= Date.now()) failures.delete(key);
    return failures.get(key);
  };
  return {
    async blockedFor(key) {
      const entry = current(key);
      return entry && entry.count >= limit ? Math.ceil((entry.until - Date.now()) / 1000) : 0;
    },
    async failed(key) {
      const entry = current(key) ?? { count: 0, until: Date.now() + windowSeconds * 1000 };
      entry.count += 1;
      failures.set(key, entry);
    },
    async reset(key) {
      failures.delete(key);
    },
    async close() {},
  };
}
