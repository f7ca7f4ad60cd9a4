import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub as InProcessPubSub } from 'graphql-subscriptions';
import type { PubSubEngine } from 'graphql-subscriptions';
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { fastFailingRedis, retryStrategy, whenReady } from './redis.js';

/**
 * Fan-out of live events to subscription resolvers. With Redis every replica of a subgraph
 * sees every event; in process only the publishing process does (embedded mode).
 */
export interface PubSub {
  /**
   * Call only after the write the event reports has committed. Never rejects: a live event
   * that cannot go out is logged and lost (the next one carries the current state), and the
   * write that caused it has succeeded either way.
   */
  publish(channel: string, payload: object): Promise<void>;
  subscribe<T>(channel: string): AsyncIterableIterator<T>;
  close(): Promise<void>;
}

/** With Redis, channels are namespaced by `prefix` (REDIS_PREFIX). */
export function createPubSub(redisUrl: string | undefined, logger: Logger, prefix = 'supergraph'): PubSub {
  if (!redisUrl) return wrap(new InProcessPubSub(), async () => {}, '', logger);
  // Two connections: a Redis connection in subscriber mode cannot publish. Both reconnect
  // without limit, and the subscriber re-subscribes, so delivery resumes after a Redis
  // restart. Publishing happens on a request's path after its write committed: while Redis
  // is away it fails at once (and the event is lost, as a live counter can afford), never
  // holding the request.
  const publisher = fastFailingRedis(redisUrl, logger, 'publisher');
  const subscriber = new Redis(redisUrl, { retryStrategy, maxRetriesPerRequest: null });
  subscriber.on('error', (error: Error) => logger.warn('redis connection error', { role: 'subscriber', error: error.message }));
  const engine = new RedisPubSub({ publisher, subscriber });
  return wrap(
    engine,
    async () => {
      // disconnect, not quit: quit waits for a Redis that may be down.
      publisher.disconnect();
      subscriber.disconnect();
    },
    `${prefix}:`,
    logger,
    () => whenReady(publisher, 1_000),
  );
}

function wrap(engine: PubSubEngine, close: () => Promise<void>, namespace: string, logger: Logger, ready: () => Promise<void> = async () => {}): PubSub {
  return {
    publish: async (channel, payload) => {
      try {
        await ready();
        await engine.publish(`${namespace}${channel}`, payload);
      } catch (error) {
        logger.warn('live event not published', { channel, error: (error as Error).message });
      }
    },
    subscribe: <T>(channel: string) => engine.asyncIterableIterator<T>(`${namespace}${channel}`),
    close,
  };
}
