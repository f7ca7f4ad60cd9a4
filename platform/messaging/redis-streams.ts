import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { scrapedGauge } from '../observability/metrics.js';
import type { Registry } from '../observability/metrics.js';
import { handleInTrace, RETAINED_EVENTS } from './bus.js';
import type { DomainEvent, EventBus, EventHandler } from './bus.js';
import { fastFailingRedis, retryStrategy, whenReady } from './redis.js';

type StreamEntries = Array<[string, string[]]>;

/** Orders Redis stream ids (`<ms>-<seq>`) numerically. */
const compareStreamIds = (a: string, b: string): number => {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
};

/** A Redis reply of alternating field names and values, as an object. */
const fieldsOf = (reply: Array<string | number>): Record<string, string | number> =>
  Object.fromEntries(Array.from({ length: reply.length / 2 }, (_, index) => [String(reply[2 * index]), reply[2 * index + 1] ?? '']));

function decode(fields: string[]): DomainEvent {
  const value = (name: string): string | undefined => (fields.includes(name) ? fields[fields.indexOf(name) + 1] : undefined);
  return { type: value('type') ?? '', data: JSON.parse(value('data') || '{}') as Record<string, unknown>, traceparent: value('traceparent') };
}

/** Domain events on Redis Streams, one stream per producing domain, one consumer group per consuming domain. */
export function redisEventBus(redisUrl: string, prefix: string, logger: Logger, registry?: Registry): EventBus {
  const options: RedisOptions = { maxRetriesPerRequest: null, retryStrategy };
  // Publishing runs inside the outbox relay's transaction, on a request's path: while Redis
  // is away it fails at once and the rows stay in the outbox for the relay's retry.
  const commands = fastFailingRedis(redisUrl, logger, 'event bus', 2_000);
  const consumers: Array<{ stop(): Promise<void> }> = [];
  const keyOf = (stream: string): string => `${prefix}:events:${stream}`;
  const consumed: Array<{ stream: string; group: string }> = [];
  if (registry) consumerGauges(registry, commands, consumed, keyOf);

  return {
    async publish(stream, events) {
      await whenReady(commands, 2_000);
      const pipeline = commands.pipeline();
      for (const event of events) {
        const trace = event.traceparent ? ['traceparent', event.traceparent] : [];
        pipeline.xadd(keyOf(stream), 'MAXLEN', '~', String(RETAINED_EVENTS), '*', 'type', event.type, 'data', JSON.stringify(event.data), ...trace);
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
      return results.map(([, id]) => String(id));
    },
    async waitUntilConsumed(stream, ids, timeoutMs) {
      return waitForGroups(stream, ids, timeoutMs).catch((error: unknown) => {
        logger.warn('could not tell whether consumers caught up', { stream, error: (error as Error).message });
        return false;
      });
    },
    consume(stream, group, handler) {
      consumed.push({ stream, group });
      consumers.push(runConsumer({ redisUrl, options, key: keyOf(stream), group, handler, logger }));
    },
    async close() {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      commands.disconnect();
    },
  };

  /** Polls each group's delivered id and pending list until the events are acknowledged. */
  async function waitForGroups(stream: string, ids: string[], timeoutMs: number): Promise<boolean> {
    await whenReady(commands, timeoutMs);
    const key = keyOf(stream);
    const sorted = [...ids].sort(compareStreamIds);
    const [first, last] = ids.length > 0 ? [sorted[0]!, sorted.at(-1)!] : ['-', String(fieldsOf((await commands.xinfo('STREAM', key)) as Array<string | number>)['last-generated-id'])];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const groups = ((await commands.xinfo('GROUPS', key)) as Array<Array<string | number>>).map(fieldsOf);
      let consumed = true;
      for (const group of groups) {
        const delivered = compareStreamIds(String(group['last-delivered-id']), last) >= 0;
        consumed = delivered && ((await commands.xpending(key, String(group['name']), first, last, 1)) as unknown[]).length === 0;
        if (!consumed) break;
      }
      if (consumed) return true;
      if (Date.now() > deadline) return false;
      await sleep(5);
    }
  }
}

/**
 * At each scrape: how many events each consumer group of this process has yet to read
 * (Redis 7's `lag`), and how many events each stream has set aside as dead letters.
 */
function consumerGauges(registry: Registry, redis: Redis, consumed: Array<{ stream: string; group: string }>, keyOf: (stream: string) => string): void {
  scrapedGauge(registry, 'event_consumer_lag', 'Domain events a consumer group has not read yet.', ['stream', 'group'], async (set) => {
    for (const { stream, group } of consumed) {
      const groups = ((await redis.xinfo('GROUPS', keyOf(stream))) as Array<Array<string | number>>).map(fieldsOf);
      const lag = groups.find((entry) => entry['name'] === group)?.['lag'];
      if (lag !== undefined && lag !== null) set({ stream, group }, Number(lag));
    }
  });
  scrapedGauge(registry, 'event_dead_letters', 'Domain events set aside after failing too often.', ['stream'], async (set) => {
    for (const stream of new Set(consumed.map((entry) => entry.stream))) set({ stream }, await redis.xlen(`${keyOf(stream)}:dead`));
  });
}

interface ConsumerOptions {
  redisUrl: string;
  options: RedisOptions;
  key: string;
  group: string;
  handler: EventHandler;
  logger: Logger;
}

/** Deliveries of one event before it is set aside in `<stream>:dead` so the rest can flow. */
const MAX_ATTEMPTS = 5;

/**
 * One consumer of a group: first its own unacknowledged events (a restart resumes them),
 * then new ones. Every 15 s it also claims events another consumer of the group left
 * unacknowledged for a minute (a replica that died mid-event). An event whose handler
 * failed MAX_ATTEMPTS times is copied to the dead-letter stream `<stream>:dead` (with the
 * group and the error) and acknowledged, so one bad event cannot stop every later one.
 */
function runConsumer({ redisUrl, options, key, group, handler, logger }: ConsumerOptions): { stop(): Promise<void> } {
  const consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  // Blocking reads need a connection of their own.
  const blocking = new Redis(redisUrl, options);
  blocking.on('error', (error: Error) => logger.warn('redis consumer error', { group, error: error.message }));
  let stopped = false;
  const stopping = new AbortController();
  /** A backoff pause that ends early when the consumer stops. */
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopping.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });

  const ensureGroup = async (): Promise<void> => {
    try {
      await blocking.xgroup('CREATE', key, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  };
  const attempts = new Map<string, number>();
  /** Handles entries in order; stops at the first failure, leaving it and the rest pending. */
  const handleAll = async (entries: StreamEntries): Promise<boolean> => {
    for (const [id, fields] of entries) {
      try {
        await handleInTrace(handler, decode(fields), group);
      } catch (error) {
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        if (attempt < MAX_ATTEMPTS) {
          logger.warn('event handler failed; the event will be delivered again', { group, attempt, error });
          return false;
        }
        logger.error('event handler failed too often; the event is set aside', { group, id, error });
        await blocking.xadd(`${key}:dead`, '*', 'group', group, 'id', id, 'error', String((error as Error).message ?? error), ...fields);
      }
      attempts.delete(id);
      await blocking.xack(key, group, id);
    }
    return true;
  };

  const loop = (async () => {
    let cursor = '0';
    let backoff = 250;
    while (!stopped) {
      try {
        await ensureGroup();
        while (!stopped) {
          const reply = (await blocking.xreadgroup('GROUP', group, consumer, 'COUNT', 100, 'BLOCK', 5_000, 'STREAMS', key, cursor)) as Array<[string, StreamEntries]> | null;
          const entries = reply?.[0]?.[1] ?? [];
          if (cursor === '0' && entries.length === 0) cursor = '>';
          if (!(await handleAll(entries))) {
            cursor = '0';
            await pause(Math.min((backoff *= 2), 30_000));
          } else backoff = 250;
        }
      } catch (error) {
        if (stopped) break;
        logger.warn('event consumer retrying', { group, error: (error as Error).message });
        cursor = '0';
        await pause(Math.min((backoff *= 2), 5_000));
      }
    }
  })();

  const claimer = setInterval(() => {
    void (async () => {
      const reply = (await blocking.xautoclaim(key, group, consumer, 60_000, '0-0', 'COUNT', 100)) as [string, StreamEntries];
      await handleAll(reply[1] ?? []);
    })().catch(() => {});
  }, 15_000);
  claimer.unref();

  return {
    async stop() {
      stopped = true;
      stopping.abort();
      clearInterval(claimer);
      blocking.disconnect();
      await loop;
    },
  };
}

