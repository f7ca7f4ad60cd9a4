import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

/** Reconnection backoff for every Redis connection: quick at first, then every 2 s, forever. */
export const retryStrategy = (attempt: number): number => Math.min(attempt * 200, 2_000);

/** Connections that have been ready at least once: a later outage fails their commands at once. */
const hasBeenReady = new WeakSet<Redis>();

/**
 * A connection for commands on a request's path (publishing, counting): it reconnects
 * forever, but while Redis is away its commands fail at once instead of queueing, so a
 * request is never held by Redis.
 */
export function fastFailingRedis(url: string, logger: Logger, role: string, commandTimeout = 1_000): Redis {
  const redis = new Redis(url, { retryStrategy, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout });
  redis.on('ready', () => hasBeenReady.add(redis));
  redis.on('error', (error: Error) => logger.warn('redis connection error', { role, error: error.message }));
  return redis;
}

/**
 * A connection for subscribing to channels: it reconnects and re-subscribes forever, and
 * logs its errors under `role`.
 */
export function subscriberRedis(url: string, logger: Logger, role: string): Redis {
  const redis = new Redis(url, { retryStrategy, maxRetriesPerRequest: null });
  redis.on('error', (error: Error) => logger.warn('redis connection error', { role, error: error.message }));
  return redis;
}

/** Hands each message `subscriber` receives to `handle`, parsed as JSON; one that does not parse is dropped. */
export function onJsonMessage(subscriber: Redis, handle: (payload: unknown) => void): void {
  subscriber.on('message', (_channel: string, message: string) => {
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      return;
    }
    handle(payload);
  });
}

/**
 * Resolves once the connection is ready. Before its first connection (just after start)
 * it waits up to `timeoutMs`; after an outage began it rejects at once.
 */
export function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  if (hasBeenReady.has(redis)) return Promise.reject(new Error('Redis is not reachable'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error('Redis is not reachable'));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
