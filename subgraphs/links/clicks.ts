import { z } from 'zod';
import type { PrismaClient } from '../../prisma/links/generated/client.js';
import { MAX_BATCH_ROWS } from '../../contracts/links-internal.js';
import type { ClickBatch } from '../../contracts/links-internal.js';
import type { PubSub } from '../../platform/messaging/pubsub.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { LinkStatsModel } from './models.js';

export const linkStatsChannel = (linkId: string): string => `linkStatsChanged:${linkId}`;

/** At most one live event per link per this many ms; the last totals always go out. */
const LIVE_EVENT_INTERVAL_MS = 250;
/** Batch ids are kept this long: far longer than the gateway ever retries one. */
const BATCH_ID_RETENTION = '1 day';

const HOUR_MS = 3_600_000;
export const clickBatchSchema = z.object({
  id: z.uuid(),
  clicks: z
    .array(
      z.object({
        linkId: z.uuid(),
        hour: z.number().int().multipleOf(HOUR_MS).min(0).max(8_640_000_000_000_000),
        referrer: z.string().min(1).max(255),
        visitor: z.string().regex(/^[\w-]{1,32}$/),
        count: z.number().int().min(1).max(1_000_000_000),
      }),
    )
    .max(MAX_BATCH_ROWS),
});

interface UpdatedLink {
  id: string;
  clicks: number;
  unique_visitors: number;
}

export type Clicks = ReturnType<typeof createClicks>;

/**
 * Applies the gateway's click batches: one statement per batch raises every maintained
 * aggregate (the link's clicks and unique visitors, its hourly buckets, its referrers) and
 * records the batch's id, so a batch sent twice counts once. Then the links' live counters go
 * out, coalesced per link.
 */
export function createClicks({ db, pubsub, logger }: { db: PrismaClient; pubsub: PubSub; logger: Logger }) {
  const pending = new Map<string, LinkStatsModel>();
  const lastSent = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();

  const send = (linkId: string): void => {
    const stats = pending.get(linkId);
    pending.delete(linkId);
    timers.delete(linkId);
    if (!stats) return;
    lastSent.set(linkId, Date.now());
    void pubsub.publish(linkStatsChannel(linkId), stats);
  };

  /** Sends now, or at the end of the link's interval when it sent one just before. */
  const publish = (stats: LinkStatsModel): void => {
    pending.set(stats.linkId, stats);
    if (timers.has(stats.linkId)) return;
    const wait = (lastSent.get(stats.linkId) ?? 0) + LIVE_EVENT_INTERVAL_MS - Date.now();
    if (wait <= 0) return send(stats.linkId);
    timers.set(stats.linkId, setTimeout(() => send(stats.linkId), wait));
  };

  const prune = setInterval(() => {
    const cutoff = Date.now() - LIVE_EVENT_INTERVAL_MS;
    for (const [linkId, at] of lastSent) if (at < cutoff) lastSent.delete(linkId);
    void db.$executeRawUnsafe(`DELETE FROM click_batches WHERE applied_at < now() - interval '${BATCH_ID_RETENTION}'`).catch((error: unknown) => logger.warn('pruning click batches failed', { error }));
  }, 600_000);
  prune.unref();

  return {
    async record(batch: ClickBatch): Promise<void> {
      if (batch.clicks.length === 0) return;
      // Sorted, so that concurrent batches (several gateways) take row locks in one order.
      const rows = [...batch.clicks].sort((a, b) => (a.linkId < b.linkId ? -1 : a.linkId > b.linkId ? 1 : a.hour - b.hour));
      const updated = await db.$queryRaw<UpdatedLink[]>`
        WITH batch AS (
          INSERT INTO click_batches (id) VALUES (${batch.id}::uuid) ON CONFLICT DO NOTHING RETURNING id
        ), input AS (
          SELECT t.link_id, t.hour, t.referrer, t.visitor, t.n
          FROM unnest(${rows.map((row) => row.linkId)}::uuid[], ${rows.map((row) => new Date(row.hour).toISOString())}::timestamptz[],
                      ${rows.map((row) => row.referrer)}::text[], ${rows.map((row) => row.visitor)}::text[], ${rows.map((row) => row.count)}::int[])
               AS t(link_id, hour, referrer, visitor, n)
          WHERE EXISTS (SELECT 1 FROM batch) AND EXISTS (SELECT 1 FROM links l WHERE l.id = t.link_id)
        ), hours AS (
          INSERT INTO link_click_hours (link_id, hour, clicks)
          SELECT link_id, hour, sum(n) FROM input GROUP BY link_id, hour ORDER BY link_id, hour
          ON CONFLICT (link_id, hour) DO UPDATE SET clicks = link_click_hours.clicks + EXCLUDED.clicks
        ), referrers AS (
          INSERT INTO link_referrers (link_id, referrer, clicks)
          SELECT link_id, referrer, sum(n) FROM input GROUP BY link_id, referrer ORDER BY link_id, referrer
          ON CONFLICT (link_id, referrer) DO UPDATE SET clicks = link_referrers.clicks + EXCLUDED.clicks
        ), visitors AS (
          INSERT INTO link_visitors (link_id, visitor)
          SELECT DISTINCT link_id, visitor FROM input ORDER BY link_id, visitor
          ON CONFLICT DO NOTHING RETURNING link_id
        ), totals AS (
          SELECT link_id, sum(n)::int AS clicks FROM input GROUP BY link_id
        ), fresh AS (
          SELECT link_id, count(*)::int AS visitors FROM visitors GROUP BY link_id
        )
        UPDATE links l SET clicks = l.clicks + totals.clicks, unique_visitors = l.unique_visitors + coalesce(fresh.visitors, 0)
        FROM totals LEFT JOIN fresh USING (link_id)
        WHERE l.id = totals.link_id
        RETURNING l.id, l.clicks, l.unique_visitors`;
      for (const link of updated) publish({ linkId: link.id, clicks: link.clicks, uniqueVisitors: link.unique_visitors });
    },

    close(): void {
      clearInterval(prune);
      for (const timer of timers.values()) clearTimeout(timer);
      for (const linkId of [...pending.keys()]) send(linkId);
    },
  };
}
