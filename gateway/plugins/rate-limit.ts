import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import { rateLimited } from '../../platform/errors.js';
import { fastFailingRedis } from '../../platform/messaging/redis.js';
import type { Logger } from '../../platform/observability/logger.js';
import { clientKeys } from '../client.js';
import type { ClientIdentity } from '../client.js';
import type { GatewayPlugin } from '../plugin.js';

export interface RateLimitSettings {
  /** Operations per client per window; 0 turns the limit off. */
  max: number;
  windowSeconds: number;
  /** Counters shared by every replica; unset, each replica counts alone. */
  redisUrl: string | undefined;
  redisPrefix: string;
  logger: Logger;
  /** Told of each refusal, for the rejected-operations metric. */
  onRejected: (errors: readonly GraphQLError[]) => void;
}

/** Counts one operation against `key` in the window `bucket`; the count so far. */
type Count = (key: string, bucket: number, windowMs: number) => Promise<number>;

function inProcessCounter(): Count {
  const counts = new Map<string, { bucket: number; count: number }>();
  let pruned = 0;
  return async (key, bucket) => {
    // Clients of past windows are forgotten once per window, so the map holds one window's clients.
    if (bucket !== pruned) {
      for (const [name, entry] of counts) if (entry.bucket < bucket) counts.delete(name);
      pruned = bucket;
    }
    const entry = counts.get(key);
    if (!entry || entry.bucket !== bucket) {
      counts.set(key, { bucket, count: 1 });
      return 1;
    }
    return ++entry.count;
  };
}

function redisCounter(redis: Redis, prefix: string): Count {
  return async (key, bucket, windowMs) => {
    const name = `${prefix}:rate:${bucket}:${key}`;
    const results = await redis.multi().incr(name).pexpire(name, windowMs).exec();
    return Number(results?.[0]?.[1] ?? 0);
  };
}

/**
 * General rate limiting, as the gateways the issue names ship it: a fixed window of
 * `windowSeconds` per client address, and per user when signed in (a user on many addresses
 * and many users behind one address are each bounded). Counters live in Redis when
 * `REDIS_URL` is set, so replicas share them; while Redis is away each replica counts alone
 * rather than refusing everyone. A refusal is RATE_LIMITED, HTTP 429 with `Retry-After`.
 */
export function rateLimit(settings: RateLimitSettings): GatewayPlugin {
  const { max, windowSeconds, logger } = settings;
  const windowMs = windowSeconds * 1000;
  const redis = settings.redisUrl && max > 0 ? fastFailingRedis(settings.redisUrl, logger, 'rate limit') : undefined;
  const local = inProcessCounter();
  const shared = redis ? redisCounter(redis, settings.redisPrefix) : undefined;
  // One line per outage, not one per operation: under load that would be thousands a second.
  let outage = false;
  const count: Count = async (key, bucket, ms) => {
    if (!shared) return local(key, bucket, ms);
    try {
      const value = await shared(key, bucket, ms);
      if (outage) {
        outage = false;
        logger.info('rate limit counters reachable again; counting in Redis');
      }
      return value;
    } catch (error) {
      if (!outage) {
        outage = true;
        logger.warn('rate limit counters unreachable; counting in this replica', { error: error instanceof Error ? error.message : String(error) });
      }
      return local(key, bucket, ms);
    }
  };
  return {
    name: 'rate-limit',
    async admit(client: ClientIdentity) {
      if (max === 0) return;
      const now = Date.now();
      const bucket = Math.floor(now / windowMs);
      const keys = clientKeys(client);
      const counts = await Promise.all(keys.map((key) => count(key, bucket, windowMs)));
      if (counts.every((value) => value <= max)) return;
      const retryAfterSeconds = Math.max(1, Math.ceil(((bucket + 1) * windowMs - now) / 1000));
      const refusal = rateLimited(retryAfterSeconds);
      const error = new GraphQLError(refusal.message, {
        extensions: { ...refusal.extensions, limit: 'rate', http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) } },
      });
      settings.onRejected([error]);
      throw error;
    },
    async stop() {
      redis?.disconnect();
    },
  };
}
