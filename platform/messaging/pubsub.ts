import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub as InProcessPubSub } from 'graphql-subscriptions';
import type { PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from '../observability/logger.js';
import { currentTraceparent } from '../observability/tracing.js';
import { fastFailingRedis, subscriberRedis, whenReady } from './redis.js';

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
  /** Resolves when the transport is reachable (always, in process): for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The key under which a live event carries the trace of the write that caused it, so the
 * event's execution in every replica and the gateway joins that trace.
 */
export const TRACEPARENT = 'traceparent';

/** With Redis, channels are namespaced by `prefix` (REDIS_PREFIX). */
export function createPubSub(redisUrl: string | undefined, logger: Logger, prefix = 'supergraph'): PubSub {
  if (!redisUrl) return wrap(new InProcessPubSub(), { close: async () => {}, namespace: '', logger });
  // Two connections: a Redis connection in subscriber mode cannot publish. Both reconnect
  // without limit, and the subscriber re-subscribes, so delivery resumes after a Redis
  // restart. Publishing happens on a request's path after its write committed: while Redis
  // is away it fails at once (and the event is lost, as a live counter can afford), never
  // holding the request.
  const publisher = fastFailingRedis(redisUrl, logger, 'publisher');
  const subscriber = subscriberRedis(redisUrl, logger, 'subscriber');
  const engine = new RedisPubSub({ publisher, subscriber });
  return wrap(engine, {
    close: async () => {
      // disconnect, not quit: quit waits for a Redis that may be down.
      publisher.disconnect();
      subscriber.disconnect();
    },
    namespace: `${prefix}:`,
    logger,
    ready: () => whenReady(publisher, 1_000),
    ping: async () => {
      await publisher.ping();
      if (subscriber.status !== 'ready') throw new Error('the Redis subscriber connection is not ready');
    },
  });
}

interface Transport {
  close: () => Promise<void>;
  namespace: string;
  logger: Logger;
  ready?: () => Promise<void>;
  ping?: () => Promise<void>;
}

function wrap(engine: PubSubEngine, { close, namespace, logger, ready = async () => {}, ping = async () => {} }: Transport): PubSub {
  return {
    publish: async (channel, payload) => {
      try {
        await ready();
        const traceparent = currentTraceparent();
        await engine.publish(`${namespace}${channel}`, traceparent ? { ...payload, [TRACEPARENT]: traceparent } : payload);
      } catch (error) {
        logger.warn('live event not published', { channel, error: (error as Error).message });
      }
    },
    subscribe: <T>(channel: string) => engine.asyncIterableIterator<T>(`${namespace}${channel}`),
    ping,
    close,
  };
}
