import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type pg from 'pg';
import type { Logger } from './logger.js';
import { fastFailingRedis, retryStrategy, whenReady } from './redis.js';

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
   * Whether every consumer group of the stream has handled the events with these ids (with
   * none: everything published so far), waiting up to `timeoutMs`: for a write whose
   * effects elsewhere must be visible when it returns. False after the timeout (a consumer
   * is down; it catches up later).
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
  return redisUrl ? redisEventBus(redisUrl, prefix, logger) : inProcessEventBus(prefix, logger);
}

// ---- in process: the embedded default ----------------------------------------------------

interface LocalStream {
  retained: DomainEvent[];
  groups: Map<string, EventHandler>;
}

/** Shared by every subgraph of this process: in embedded mode one subgraph's events reach another. */
const localStreams = new Map<string, LocalStream>();

function inProcessEventBus(prefix: string, logger: Logger): EventBus {
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
      // No consumer yet (the embedded default is still starting): the outbox keeps the
      // events, and the relay tries again shortly.
      if (stream.groups.size === 0 && events.length > 0) throw new Error(`no consumer has joined stream ${name} yet`);
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
      })().catch((error: unknown) => logger.error('event handler failed while catching up', { group, error }));
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
  const options: RedisOptions = { maxRetriesPerRequest: null, retryStrategy };
  // Publishing runs inside the outbox relay's transaction, on a request's path: while Redis
  // is away it fails at once and the rows stay in the outbox for the relay's retry.
  const commands = fastFailingRedis(redisUrl, logger, 'event bus', 2_000);
  const consumers: Array<{ stop(): Promise<void> }> = [];
  const keyOf = (stream: string): string => `${prefix}:events:${stream}`;

  return {
    async publish(stream, events) {
      await whenReady(commands, 2_000);
      const pipeline = commands.pipeline();
      for (const event of events) pipeline.xadd(keyOf(stream), 'MAXLEN', '~', String(RETAINED_EVENTS), '*', 'type', event.type, 'data', JSON.stringify(event.data));
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
        await handler(decode(fields));
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

// ---- transactional outbox ----------------------------------------------------------------

export interface OutboxRelay {
  /** Publishes what the outbox holds. Never rejects: on failure it retries later by itself. */
  flush(): Promise<void>;
  /**
   * Whether every consumer has handled the event written as outbox row `outboxId`, waiting
   * up to `timeoutMs` for whichever relay (this replica's or another's) to send it and for
   * the consumers to handle it. False when that did not happen in time.
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
    // Backing off after a failure (the bus is away): the scheduled retry takes these rows
    // too, and the write that asked returns at once.
    if (retry && !running) return Promise.resolve();
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
        retry = setTimeout(() => {
          retry = undefined;
          void flush();
        }, (backoff = Math.min(backoff * 2, 5_000)));
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
      // The bus is away: nothing will be consumed within the wait.
      if (retry) return false;
      const deadline = Date.now() + timeoutMs;
      // Sent by another replica's relay, or not sent yet: wait until the row left the outbox.
      while (!published.has(outboxId)) {
        const { rowCount } = await pool.query('SELECT 1 FROM outbox_events WHERE id = $1', [outboxId]);
        if (rowCount === 0) break;
        if (Date.now() > deadline) return false;
        await sleep(10);
      }
      const streamId = published.get(outboxId);
      // In process there is no stream id: publishing already waited for every consumer.
      if (streamId === '') return true;
      // Unknown id (another relay sent it): everything published so far is an upper bound.
      return bus.waitUntilConsumed(stream, streamId ? [streamId] : [], Math.max(0, deadline - Date.now()));
    },
    close() {
      closed = true;
      clearTimeout(retry);
    },
  };
}
