import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type pg from 'pg';
import type { Logger } from './logger.js';

/**
 * A fact one domain tells the others ("post deleted"), so that no service reads another's
 * database. Delivery is at least once, in any order across replicas: handlers must be
 * idempotent and commutative.
 */
export interface DomainEvent {
  type: string;
  data: Record<string, unknown>;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface EventBus {
  /**
   * Appends events to a stream; resolves once they are stored (Redis), with their ids, or
   * handled by every consumer (in process).
   */
  publish(stream: string, events: DomainEvent[]): Promise<string[]>;
  /**
   * Whether every consumer group of the stream has handled the events with these ids,
   * waiting up to `timeoutMs`: for a write whose effects elsewhere must be visible when it
   * returns. False after the timeout (a consumer is down; it catches up later).
   */
  waitUntilConsumed(stream: string, ids: string[], timeoutMs: number): Promise<boolean>;
  /**
   * Delivers every event of `stream` to one consumer of `group` at least once, from the
   * oldest event the stream retains, then as they come. An event is acknowledged only
   * after the handler resolved; one that throws is delivered again.
   */
  consume(stream: string, group: string, handler: EventHandler): void;
  close(): Promise<void>;
}

/** How many events a stream retains for consumers that are down or not yet started. */
const RETAINED_EVENTS = 100_000;

export function createEventBus(redisUrl: string | undefined, prefix: string, logger: Logger): EventBus {
  return redisUrl ? redisEventBus(redisUrl, prefix, logger) : inProcessEventBus(prefix);
}

// ---- in process: the embedded default ----------------------------------------------------

interface LocalStream {
  retained: DomainEvent[];
  groups: Map<string, EventHandler>;
}

/** Shared by every subgraph of this process: in embedded mode one subgraph's events reach another. */
const localStreams = new Map<string, LocalStream>();

function inProcessEventBus(prefix: string): EventBus {
  const streamOf = (name: string): LocalStream => {
    const key = `${prefix}:events:${name}`;
    let stream = localStreams.get(key);
    if (!stream) localStreams.set(key, (stream = { retained: [], groups: new Map() }));
    return stream;
  };
  const registered: Array<[LocalStream, string]> = [];
  return {
    async publish(name, events) {
      const stream = streamOf(name);
      // Handled before this resolves: the outbox keeps the events until every consumer is done.
      for (const event of events) {
        for (const handler of stream.groups.values()) await handler(event);
        stream.retained.push(event);
      }
      stream.retained.splice(0, Math.max(0, stream.retained.length - RETAINED_EVENTS));
      return [];
    },
    waitUntilConsumed: async () => true,
    consume(name, group, handler) {
      const stream = streamOf(name);
      stream.groups.set(group, handler);
      registered.push([stream, group]);
      // A group that starts late reads what the stream retains, as a Redis group created at 0 does.
      void (async () => {
        for (const event of [...stream.retained]) await handler(event);
      })();
    },
    async close() {
      for (const [stream, group] of registered) stream.groups.delete(group);
    },
  };
}

// ---- Redis Streams with consumer groups --------------------------------------------------

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
  const value = (name: string): string => fields[fields.indexOf(name) + 1] ?? '';
  return { type: value('type'), data: JSON.parse(value('data') || '{}') as Record<string, unknown> };
}

function redisEventBus(redisUrl: string, prefix: string, logger: Logger): EventBus {
  const options: RedisOptions = { maxRetriesPerRequest: null, retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000) };
  // Connects on first use: a subgraph that neither publishes nor consumes holds no connection.
  const commands = new Redis(redisUrl, { ...options, lazyConnect: true });
  commands.on('error', (error: Error) => logger.warn('redis event bus error', { error: error.message }));
  const consumers: Array<{ stop(): Promise<void> }> = [];
  const keyOf = (stream: string): string => `${prefix}:events:${stream}`;

  return {
    async publish(stream, events) {
      const pipeline = commands.pipeline();
      for (const event of events) pipeline.xadd(keyOf(stream), 'MAXLEN', '~', String(RETAINED_EVENTS), '*', 'type', event.type, 'data', JSON.stringify(event.data));
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
      return results.map(([, id]) => String(id));
    },
    async waitUntilConsumed(stream, ids, timeoutMs) {
      if (ids.length === 0) return true;
      const key = keyOf(stream);
      const sorted = [...ids].sort(compareStreamIds);
      const [first, last] = [sorted[0]!, sorted.at(-1)!];
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
    },
    consume(stream, group, handler) {
      consumers.push(runConsumer({ redisUrl, options, key: keyOf(stream), group, handler, logger }));
    },
    async close() {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      commands.disconnect();
    },
  };
}

interface ConsumerOptions {
  redisUrl: string;
  options: RedisOptions;
  key: string;
  group: string;
  handler: EventHandler;
  logger: Logger;
}

/**
 * One consumer of a group: first its own unacknowledged events (a restart resumes them),
 * then new ones. Every 15 s it also claims events another consumer of the group left
 * unacknowledged for a minute (a replica that died mid-event).
 */
function runConsumer({ redisUrl, options, key, group, handler, logger }: ConsumerOptions): { stop(): Promise<void> } {
  const consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  // Blocking reads need a connection of their own.
  const blocking = new Redis(redisUrl, options);
  blocking.on('error', (error: Error) => logger.warn('redis consumer error', { group, error: error.message }));
  let stopped = false;

  const ensureGroup = async (): Promise<void> => {
    try {
      await blocking.xgroup('CREATE', key, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  };
  /** Handles entries in order; stops at the first failure, leaving it and the rest pending. */
  const handleAll = async (entries: StreamEntries): Promise<boolean> => {
    for (const [id, fields] of entries) {
      try {
        await handler(decode(fields));
      } catch (error) {
        logger.error('event handler failed; the event will be delivered again', { group, error });
        return false;
      }
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
            await sleep(Math.min((backoff *= 2), 30_000));
          } else backoff = 250;
        }
      } catch (error) {
        if (stopped) break;
        logger.warn('event consumer retrying', { group, error: (error as Error).message });
        cursor = '0';
        await sleep(Math.min((backoff *= 2), 5_000));
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
      clearInterval(claimer);
      blocking.disconnect();
      await loop;
    },
  };
}

// ---- transactional outbox ----------------------------------------------------------------

export interface OutboxRelay {
  /** Publishes what the outbox holds. Never rejects: on failure it retries later by itself. */
  flush(): Promise<void>;
  /**
   * Whether every consumer has handled the event written as outbox row `outboxId` (after a
   * `flush`), waiting up to `timeoutMs`. False when it is not known here to have been
   * published, or consumers did not finish in time.
   */
  consumed(outboxId: string, timeoutMs: number): Promise<boolean>;
  close(): void;
}

const BATCH = 100;

/**
 * Moves events from a domain's `outbox_events` table (written in the same transaction as
 * the change they report) to the event bus. A row is deleted only once the bus took it, so
 * a crash between commit and publish loses nothing: the next flush, here or on another
 * replica, sends it. Rows are locked while sent (SKIP LOCKED), so replicas do not send the
 * same row twice at once. Flushes run after each write and at start; when one fails it is
 * retried with backoff. There is no idle polling.
 */
export function createOutboxRelay(pool: pg.Pool, bus: EventBus, stream: string, logger: Logger): OutboxRelay {
  let running: Promise<void> | null = null;
  let again = false;
  let retry: NodeJS.Timeout | undefined;
  let backoff = 500;
  let closed = false;
  /** Outbox row id → stream id, for the rows this relay published lately. */
  const published = new Map<string, string>();

  const relayBatch = async (): Promise<number> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string; type: string; payload: Record<string, unknown> }>(
        `SELECT id, type, payload FROM outbox_events ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      const streamIds = rows.length > 0 ? await bus.publish(stream, rows.map((row) => ({ type: row.type, data: row.payload }))) : [];
      if (rows.length > 0) await client.query('DELETE FROM outbox_events WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
      await client.query('COMMIT');
      rows.forEach((row, index) => published.set(String(row.id), streamIds[index] ?? ''));
      for (const oldest of published.keys()) {
        if (published.size <= 1_000) break;
        published.delete(oldest);
      }
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };

  const flush = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          while ((await relayBatch()) === BATCH);
        } while (again);
        backoff = 500;
      } catch (error) {
        logger.warn('outbox relay failed; retrying', { stream, error: (error as Error).message });
        clearTimeout(retry);
        retry = setTimeout(() => void flush(), (backoff = Math.min(backoff * 2, 30_000)));
        retry.unref();
      } finally {
        running = null;
      }
    })();
    return running;
  };

  return {
    flush,
    async consumed(outboxId, timeoutMs) {
      const streamId = published.get(outboxId);
      if (streamId === undefined) return false;
      // In process there is no stream id: publishing already waited for every consumer.
      return streamId === '' || bus.waitUntilConsumed(stream, [streamId], timeoutMs);
    },
    close() {
      closed = true;
      clearTimeout(retry);
    },
  };
}
