import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub as InProcessPubSub } from 'graphql-subscriptions';
import type { PubSubEngine } from 'graphql-subscriptions';
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * Fan-out of live events to subscription resolvers. With Redis every replica of a subgraph
 * sees every event; in process only the publishing process does (embedded mode).
 */
export interface PubSub {
  /** Call only after the write the event reports has committed. */
  publish(channel: string, payload: object): Promise<void>;
  subscribe<T>(channel: string): AsyncIterableIterator<T>;
  close(): Promise<void>;
}

/** With Redis, channels are namespaced by `prefix` (REDIS_PREFIX). */
export function createPubSub(redisUrl: string | undefined, logger: Logger, prefix = 'supergraph'): PubSub {
  if (!redisUrl) return wrap(new InProcessPubSub(), async () => {}, '');
  // Two connections: a Redis connection in subscriber mode cannot publish. ioredis
  // reconnects without limit and re-subscribes, so delivery resumes after a Redis restart.
  const options = { maxRetriesPerRequest: null, retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000) };
  const publisher = new Redis(redisUrl, options);
  const subscriber = new Redis(redisUrl, options);
  for (const [role, connection] of [['publisher', publisher], ['subscriber', subscriber]] as const) {
    connection.on('error', (error: Error) => logger.warn('redis connection error', { role, error: error.message }));
  }
  const engine = new RedisPubSub({ publisher, subscriber });
  return wrap(
    engine,
    async () => {
      await engine.close();
    },
    `${prefix}:`,
  );
}

function wrap(engine: PubSubEngine, close: () => Promise<void>, namespace: string): PubSub {
  return {
    publish: (channel, payload) => engine.publish(`${namespace}${channel}`, payload),
    subscribe: <T>(channel: string) => engine.asyncIterableIterator<T>(`${namespace}${channel}`),
    close,
  };
}
