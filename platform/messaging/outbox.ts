import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { scrapedGauge } from '../observability/metrics.js';
import type { Registry } from '../observability/metrics.js';
import { currentTraceparent } from '../observability/tracing.js';
import type { DomainEvent, EventBus } from './bus.js';

/**
 * An `outbox_events` row for `event`, written in the transaction of the change it reports,
 * with the trace of that change so the event's handlers join it.
 */
const outboxRow = (event: DomainEvent): { type: string; payload: Record<string, unknown>; traceparent: string | null } => ({
  type: event.type,
  payload: event.data,
  traceparent: currentTraceparent() ?? null,
});

/**
 * What writing to an outbox needs of a domain's transaction: any Prisma client or
 * transaction client has it, whichever domain's schema generated it.
 */
export interface OutboxTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/**
 * Writes `event` into the domain's `outbox_events` inside `tx`, the transaction of the
 * change it reports, and returns the row's id (for `OutboxRelay.consumed`). The relay
 * publishes it once the transaction commits; call its `flush` then.
 */
export async function writeOutbox(tx: OutboxTransaction, event: DomainEvent): Promise<string> {
  const row = outboxRow(event);
  const [inserted] = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    'INSERT INTO outbox_events (type, payload, traceparent) VALUES ($1, $2::jsonb, $3) RETURNING id::text AS id',
    row.type,
    JSON.stringify(row.payload),
    row.traceparent,
  );
  if (!inserted) throw new Error('the outbox returned no row');
  return inserted.id;
}

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

/** The outbox's backlog at each scrape: events written and not yet handed to the bus. */
export function outboxGauge(registry: Registry, pool: pg.Pool, stream: string): void {
  scrapedGauge(registry, 'outbox_backlog', 'Domain events in the outbox, not yet published.', ['stream'], async (set) => {
    const { rows } = await pool.query<{ count: string }>('SELECT count(*) AS count FROM outbox_events');
    set({ stream }, Number(rows[0]?.count ?? 0));
  });
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
      const { rows } = await client.query<{ id: string; type: string; payload: Record<string, unknown>; traceparent: string | null }>(
        `SELECT id, type, payload, traceparent FROM outbox_events ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      const events = rows.map((row) => ({ type: row.type, data: row.payload, traceparent: row.traceparent ?? undefined }));
      const streamIds = rows.length > 0 ? await bus.publish(stream, events) : [];
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

/**
 * A domain's outbox at work: relayed to `stream` on `bus` from now on (what an earlier run
 * left is sent at once), its backlog reported in `registry`. Close the relay on stop.
 */
export function startOutboxRelay(pool: pg.Pool, bus: EventBus, stream: string, logger: Logger, registry: Registry): OutboxRelay {
  const relay = createOutboxRelay(pool, bus, stream, logger);
  outboxGauge(registry, pool, stream);
  void relay.flush();
  return relay;
}
